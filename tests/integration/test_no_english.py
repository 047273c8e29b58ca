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
    body = re.sub(r"<head\b.*?</head>", " ", body, flags=re.S | re.I)
    text = html_lib.unescape(TAG.sub(" ", body))
    if title:
        text = html_lib.unescape(title.group(1)) + " " + text
    return " ".join(EMAIL.sub(" ", text).split())


def english_words(text: str, data: set[str]) -> list[str]:
    return sorted(
        {
            word
            for word in WORD.findall(text)
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
# the sign-in attempts, the users themselves): a login name is typed, not translated.
LOGIN_PAGES = ("/admin/core/user/", "/admin/axes/", "/admin/authtoken/")


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
