"""No English on a page a Chinese-speaking official sees: signed in as each demo role, with
Chinese active (the default), every workspace page in the navigation and every admin page the
role may open (the index, each changelist and add form) is read as a person reads it (tags,
scripts and styles stripped; the page title kept) and fails on any Latin word outside a short
allow-list of abbreviations and proper nouns."""

import io
import re

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from core.models import User
from core.navigation import workspace_navigation
from credit_records.demo import ACCOUNTS

pytestmark = pytest.mark.django_db(transaction=True)

# Abbreviations an official reads as they are, and proper nouns.
ALLOWED = {
    # abbreviations and file formats, written so in Chinese too
    "USCC",
    "API",
    "CSV",
    "XLSX",
    "PDF",
    "ID",
    "OCDS",
    "LPR",
    "JSON",
    "SVG",
    "OFD",  # China's own format for official electronic documents (GB/T 33190)
    "IP",  # an IP address (the sign-in throttling pages)
    "URL",
    "SME",
    "PPP",  # public-private partnership: 政府和社会资本合作, written PPP in Chinese too
    "MB",  # megabytes, in the upload limits
    # proper nouns: the portal's name, and the office programs files are opened with
    "Chengxin",
    "Word",
    "Excel",
    "WPS",
    # keys named in help texts
    "Ctrl",
}

# Credit ratings are written in the agencies' letters (AAA, AA+, BBB-) in Chinese too.
RATING = re.compile(r"^(A{1,3}|B{1,3}|C{1,3}|D)$")

# A Latin word standing alone: not part of a code such as 11320100MB0341032Y or 宁财罚〔2026〕3号
# (a letter or digit next to it), an e-mail address or a URL.
WORD = re.compile(r"(?<![A-Za-z0-9@._/-])[A-Za-z][A-Za-z'’]*(?![A-Za-z0-9@_/-])")
INVISIBLE = re.compile(r"<(script|style|template|noscript)\b.*?</\1>", flags=re.S | re.I)
TAG = re.compile(r"<[^>]+>")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def visible_text(html: str) -> str:
    import html as html_lib

    title = re.search(r"<title>(.*?)</title>", html, flags=re.S)
    body = INVISIBLE.sub(" ", html)
    # The language switch names each language in itself ("English"), so that someone who
    # reads no Chinese finds theirs: the one place English belongs.
    body = re.sub(r'<select id="language-select".*?</select>', " ", body, flags=re.S)
    # Bidirectionally isolated data: Django's admin wraps a password hash's algorithm and
    # salt in <bdi> (md5, Hf******).
    body = re.sub(r"<bdi>.*?</bdi>", " ", body, flags=re.S)
    body = re.sub(r"<head\b.*?</head>", " ", body, flags=re.S | re.I)
    text = html_lib.unescape(TAG.sub(" ", body))
    if title:
        text = html_lib.unescape(title.group(1)) + " " + text
    return " ".join(EMAIL.sub(" ", text).split())


def english_words(text: str, data: set[str]) -> list[str]:
    return sorted(
        {
            word
            for word in (found.strip("'’") for found in WORD.findall(text))
            if word not in ALLOWED and word not in data and len(word) > 1 and not RATING.match(word)
        }
    )


def workspace_urls(user) -> list[str]:
    urls = []

    def visit(entry):
        _label, target, *rest = entry
        if isinstance(target, list | tuple):
            for link in target:
                visit(link)
            return
        permission = rest[0] if rest else None
        if permission and not user.has_perm(permission):
            return
        urls.append(reverse(target))

    for entry in workspace_navigation():
        visit(entry)
    return urls


def admin_urls(user, request) -> list[str]:
    urls = ["/admin/"] if user.is_staff else []
    if not user.is_staff:
        return urls
    request.user = user
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if model_admin.has_view_or_change_permission(request):
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    return urls


# Pages whose data are accounts by their login names (picking an account for an API token,
# the sign-in attempts, the users themselves, who viewed what in the access log): a login
# name is typed, not translated.
LOGIN_PAGES = ("/admin/core/user/", "/admin/axes/", "/admin/authtoken/", "/admin/core/dataaccess/")


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.parametrize("username", [account[0] for account in ACCOUNTS])
def test_no_page_a_role_opens_in_chinese_shows_english(username, demo, rf):
    from django.test import Client

    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    # Data that is not interface text: the login names of the accounts an administrator
    # manages (the user and sign-in pages list them as typed).
    logins = set(User.objects.values_list("username", flat=True))
    problems = []
    with translation.override("zh-hans"):
        urls = workspace_urls(user) + admin_urls(user, rf.get("/admin/"))
    assert urls, username
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        text = visible_text(response.content.decode())
        data = logins if url.startswith(LOGIN_PAGES) else set()
        words = english_words(text, data)
        if words:
            problems.append(f"{url}: {', '.join(words)}")
    assert problems == [], f"English seen by {username}:\n" + "\n".join(problems)


# Known and left to issue 18's point 4 (people by name, the change history), listed in the
# report, not hidden: the history pages show stored values raw (None, True, a status's
# identifier, "pk" of a deleted relation) and users by login name; a change form's user field
# shows the login name (User.__str__); a role group's page is titled with its identifier.
# Only these words, only on these pages: any other English still fails.
HISTORY_GAPS = {"None", "True", "False", "Deleted", "pk"} | {
    "approved",
    "confirmed",
    "done",
    "draft",
    "idle",
    "open",
    "pending",
    "published",
    "raised",
    "review",
    "scoring",
    "withdrawn",
}
ROLE_GROUPS = {"Administrator", "Auditor", "Supervisor", "Department", "liaison"}


def known_gaps(url: str, logins: set[str]) -> set[str]:
    if re.fullmatch(r"/admin/.+/history/", url):
        return HISTORY_GAPS | ROLE_GROUPS
    if re.fullmatch(r"/admin/auth/group/\d+/change/", url):
        return ROLE_GROUPS
    return set()


def admin_object_urls(user, request) -> list[str]:
    """Each model's change (or view) page, history, import and export pages, for its first
    object the user may see."""
    request.user = user
    urls = []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if not model_admin.has_view_or_change_permission(request):
            continue
        obj = model_admin.get_queryset(request).order_by("pk").first()
        if obj is not None:
            for view in ("change", "history"):
                urls.append(
                    reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])
                )
        for view in ("import", "export"):
            has = getattr(model_admin, f"has_{view}_permission", None)
            if has is not None and has(request):
                urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}"))
    return urls


@pytest.mark.parametrize("username", ["admin", "nanjing", "auditor"])
def test_no_admin_object_page_shows_english_beyond_the_known_gaps(username, demo, rf):
    from django.test import Client

    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    logins = set(User.objects.values_list("username", flat=True))
    problems = []
    with translation.override("zh-hans"):
        urls = admin_object_urls(user, rf.get("/admin/"))
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        text = visible_text(response.content.decode())
        data = logins if url.startswith(LOGIN_PAGES) else set()
        words = english_words(text, data | known_gaps(url, logins))
        if words:
            problems.append(f"{url}: {', '.join(words)}")
    assert problems == [], f"English seen by {username}:\n" + "\n".join(problems)


def workspace_object_urls() -> list[str]:
    """A page of each kind of object in the workspace, and the forms that edit them, for the
    first demo object of each."""
    from credit_records.models import (
        Commendation,
        DishonestyRecord,
        FaultToleranceClaim,
        PublicOfficial,
    )
    from debt.models import DebtAudit, DebtProfile, EmergencyEvent, RiskWarning
    from evaluations.models import Round, Scheme
    from procurement.models import ProcurementProject, Violation

    def first(model):
        return model.objects.order_by("pk").first()

    record = first(DishonestyRecord)
    project = ProcurementProject.objects.filter(contract__isnull=False).order_by("pk").first()
    evaluation_round = first(Round)
    urls = [
        f"/workspace/records/{record.pk}/",
        f"/workspace/records/{record.pk}/edit/",
        f"/workspace/departments/{record.department.uscc}/",
        f"/workspace/officials/{first(PublicOfficial).pk}/",
        f"/workspace/officials/{first(PublicOfficial).pk}/edit/",
        f"/workspace/commendations/{first(Commendation).pk}/edit/",
        "/workspace/records/new/",
        "/workspace/notifications/",
        "/workspace/exports/",
        f"/workspace/procurement/projects/{project.pk}/",
        f"/workspace/procurement/projects/{project.pk}/edit/",
        f"/workspace/procurement/projects/{project.pk}/contract/",
        f"/workspace/procurement/purchasers/{project.purchaser.uscc}/",
        "/workspace/procurement/contracts/",
        "/workspace/procurement/payments/",
        "/workspace/procurement/violations/",
        f"/workspace/debt/regions/{first(DebtProfile).region.code}/",
        f"/workspace/debt/profiles/{first(DebtProfile).pk}/edit/",
        "/workspace/debt/assessments/",
        "/workspace/debt/emergencies/",
        "/workspace/debt/audits/",
        "/workspace/debt/terms/",
        "/workspace/debt/bonds/",
        "/workspace/debt/ratings/",
        f"/workspace/evaluations/rounds/{evaluation_round.pk}/",
        f"/workspace/evaluations/schemes/{first(Scheme).pk}/",
        "/workspace/evaluations/schemes/",
        "/workspace/evaluations/rounds/new/",
    ]
    for model, path in [
        (Violation, "/workspace/procurement/violations/{}/"),
        (RiskWarning, "/workspace/debt/warnings/{}/"),
        (EmergencyEvent, "/workspace/debt/emergencies/{}/"),
        (DebtAudit, "/workspace/debt/audits/{}/"),
    ]:
        obj = first(model)
        if obj is not None:
            urls.append(path.format(obj.pk))
    subject = evaluation_round.subjects.order_by("pk").first()
    if subject is not None:
        urls.append(f"/workspace/evaluations/rounds/{evaluation_round.pk}/subjects/{subject.pk}/")
    claim = first(FaultToleranceClaim)
    if claim is not None:
        urls.append(f"/workspace/records/{claim.record_id}/")
    return urls


def test_no_workspace_object_page_shows_english_to_the_province(demo):
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username="province"))
    problems = []
    for url in workspace_object_urls():
        response = client.get(url, follow=True)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        # People are named by name and office (User.display_name), never by login name.
        words = english_words(visible_text(response.content.decode()), set())
        if words:
            problems.append(f"{url}: {', '.join(words)}")
    assert problems == [], "English seen by province:\n" + "\n".join(problems)
