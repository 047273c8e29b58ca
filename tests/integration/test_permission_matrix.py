"""The permission matrix: every URL the resolver knows × every role × an object inside and
one outside the role's scope, each answer compared with the expectation declared below.

How it works:

* ``url_patterns()`` walks ``get_resolver()`` (pages, the admin site, the DRF routers, format
  suffixes included). Every pattern must match a declaration in ``declare()``; one that does
  not makes ``test_every_url_is_declared`` fail with the line to add.
* The world (``world`` fixture) is built once for the module: for each of two cities, 南京
  ("in", the signed-in officials' scope) and 苏州 ("out"), one object of every kind, each with
  the side's marker (``MXIN`` / ``MXOUT``) in its name, title or number; what must never be
  public also carries ``MXSECRET``.
* Expectations come from ``credit_records.roles.ROLE_GRANTS`` (``has_perm`` below re-reads the
  declared grants, not the groups the code under test made of them) and from where each
  object lies relative to the role's scope (``sees``), never from the views' own attributes.
* No leak: an answer to a role that cannot see the "out" city never contains ``MXOUT`` or the
  out-of-scope department's credit code; public answers never contain ``MXSECRET``; a list
  shows the in-scope marker to those who may read it. Out-of-scope writes (POST/PATCH) answer
  404 or 403 and change nothing.
"""

import dataclasses
import datetime
import functools
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from fnmatch import fnmatchcase

import pytest
from django.contrib import admin as django_admin
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone, translation

from core.roles import (
    ACCOUNT_MODELS,
    ADMIN_ONLY_MODELS,
    DOMAIN_APPS,
    PERSONAL_MODELS,
    ROLE_GRANTS,
    Role,
)
from tests.builders.files import pdf_bytes

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

ROLES = (
    "anonymous",
    "administrator",
    "province_supervisor",
    "city_supervisor",
    "liaison",
    "auditor",
    "no_role",
)
ROLE_ENUM = {
    "administrator": Role.ADMINISTRATOR,
    "province_supervisor": Role.SUPERVISOR,
    "city_supervisor": Role.SUPERVISOR,
    "liaison": Role.LIAISON,
    "auditor": Role.AUDITOR,
}
# Whose scope holds the 苏州 ("out") objects too.
FULL_VIEW = {"administrator", "province_supervisor"}
IN = "MXIN"
OUT = "MXOUT"
SECRET = "MXSECRET"
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


# --------------------------------------------------------------------------------------------
# Permissions, read from the declared grants
# --------------------------------------------------------------------------------------------


@functools.cache
def _permission_exists(perm: str) -> bool:
    from django.contrib.auth.models import Permission

    app_label, codename = perm.split(".")
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename).exists()


def has_perm(role: str, perm: str) -> bool:
    """What ``roles.py`` declares for ``role``: administrators everything, auditors view and
    export on every domain model but the accounts and the personal messages, everyone else
    their ``ROLE_GRANTS``."""
    enum = ROLE_ENUM.get(role)
    if enum is None:
        return False
    if enum == Role.ADMINISTRATOR:
        return True
    app_label, codename = perm.split(".")
    action, _sep, model = codename.partition("_")
    if action in ROLE_GRANTS[enum].get(f"{app_label}.{model}", set()):
        return True
    if (
        enum == Role.AUDITOR
        and app_label in DOMAIN_APPS
        and model not in ACCOUNT_MODELS + PERSONAL_MODELS + ADMIN_ONLY_MODELS
        and action in ("view", "export")
    ):
        return _permission_exists(perm)
    return False


def has_perms(role: str, perms) -> bool:
    return all(has_perm(role, p) for p in perms)


# --------------------------------------------------------------------------------------------
# The resolver, walked
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    name: str  # "namespace:name", or a made-up "admin:<model>_redirect" for unnamed ones
    route: str  # the full pattern text, for messages
    parts: tuple  # (kind, text) pieces: ("lit", "workspace/") or ("param", "pk")
    callback: object = field(compare=False, hash=False)

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(text for kind, text in self.parts if kind == "param")


_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _route_parts(text: str) -> list:
    parts, last = [], 0
    for match in _ROUTE_PARAM.finditer(text):
        parts.append(("lit", text[last : match.start()]))
        parts.append(("param", match.group("name")))
        last = match.end()
    parts.append(("lit", text[last:]))
    return parts


def _regex_parts(text: str) -> list:
    """Split a regex pattern into literals and groups (named, or numbered ``_1``, ``_2``)."""
    parts, literal, i, numbered = [], "", 0, 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            literal += text[i + 1]
            i += 2
        elif char == "(":
            depth, j, in_class = 1, i + 1, False
            while depth:
                c = text[j]
                if c == "\\":
                    j += 1
                elif c == "[":
                    in_class = True
                elif c == "]":
                    in_class = False
                elif c == "(" and not in_class:
                    depth += 1
                elif c == ")" and not in_class:
                    depth -= 1
                j += 1
            group = text[i:j]
            named = re.match(r"\(\?P<(\w+)>", group)
            if named:
                name = named.group(1)
            else:
                numbered += 1
                name = f"_{numbered}"
            parts.append(("lit", literal))
            literal = ""
            parts.append(("param", name))
            i = j
        elif char in "^$":
            i += 1
        elif char == "?" and literal.endswith("/"):
            i += 1  # "/?": the slash is optional; keep it
        else:
            literal += char
            i += 1
    parts.append(("lit", literal))
    return parts


def _pieces(pattern) -> list:
    text = str(pattern.pattern)
    if pattern.pattern.__class__.__name__ == "RegexPattern":
        return _regex_parts(text)
    return _route_parts(text)


def url_patterns() -> list[Pattern]:
    found = []

    def walk(entries, prefix, namespaces):
        for entry in entries:
            pieces = prefix + _pieces(entry)
            if isinstance(entry, URLResolver):
                spaces = namespaces + ((entry.namespace,) if entry.namespace else ())
                walk(entry.url_patterns, pieces, spaces)
            elif isinstance(entry, URLPattern):
                name = entry.name
                if name is None:
                    # The admin's "<object_id>/" redirect to the change page.
                    route = "".join(t for k, t in pieces if k == "lit").strip("/").split("/")
                    admin_object = len(route) == 3 and route[0] == "admin"
                    name = f"{route[1]}_{route[2]}_redirect" if admin_object else "?"
                full = ":".join((*namespaces, name))
                found.append(
                    Pattern(
                        name=full,
                        route="".join(t if k == "lit" else f"<{t}>" for k, t in pieces),
                        parts=tuple(p for p in pieces if p != ("lit", "")),
                        callback=entry.callback,
                    )
                )

    walk(get_resolver().url_patterns, [("lit", "/")], ())
    return found


def build_url(pattern: Pattern, values: dict) -> str:
    url = "".join(text if kind == "lit" else str(values[text]) for kind, text in pattern.parts)
    return re.sub("/{2,}", "/", url)


# --------------------------------------------------------------------------------------------
# Declarations: what every URL needs, and which object fills its parameters
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """What a URL is.

    ``kind``: "public" (anyone), "login" (any signed-in user), "perm" (``perms`` needed),
    "admin" (the admin site), "api" (DRF, token authentication), "special" (``statuses``
    given per audience).
    ``obj``: the world object kind filling the URL's parameters (None: no object).
    ``method``: "GET" pages; "POST" views answer GET with 405 and are checked by POSTing.
    ``shows``: the object kind a list shows (its in-scope marker must be there).
    ``export``: the list exports (``?export=csv|xlsx``) under this permission.
    """

    kind: str
    perms: tuple = ()
    obj: str | None = None
    method: str = "GET"
    shows: str | None = None
    export: str | None = None
    statuses: dict | None = None
    slugs: dict | None = None  # the ``action`` parameter: slug -> permissions


def page(perms=(), obj=None, **kw):
    perms = (perms,) if isinstance(perms, str) else tuple(perms)
    return Spec("perm" if perms else "login", perms=perms, obj=obj, **kw)


def post(perms=(), obj=None, **kw):
    return page(perms, obj, method="POST", **kw)


def listing(model_perm: str, shows: str, export: str | None = None):
    return page(model_perm, shows=shows, export=export)


# The permission each record action needs, written out here on purpose rather than read from
# ``credit_records.actions.RECORD_ACTIONS`` (which the pages and the API both use):
# a wrong entry there must show as a wrong status in this matrix.
RECORD_ACTION_PERMS = {
    "confirm": ("credit_records.change_dishonestyrecord",),
    "require-rectification": ("credit_records.change_dishonestyrecord",),
    "submit-explanation": ("credit_records.add_rectificationreport",),
    "submit-report": ("credit_records.add_rectificationreport",),
    "verify": ("credit_records.change_dishonestyrecord",),
    "return": ("credit_records.change_dishonestyrecord",),
    "close": ("credit_records.change_dishonestyrecord",),
    "extend-deadline": ("credit_records.add_deadlineextension",),
    "claim-fault-tolerance": ("credit_records.add_faulttoleranceclaim",),
    "apply-credit-repair": ("credit_records.add_creditrepairapplication",),
    "object": ("credit_records.add_objection",),
    "add-evidence": ("credit_records.add_attachment",),
}
CR = "credit_records"

WEB = {
    # --- the site root, accounts, health ---
    "root": Spec("special", statuses={"anonymous": {302}, "signed_in": {302}}),
    "healthz": Spec("special", statuses={"anonymous": {200, 503}, "signed_in": {200, 503}}),
    "robots_txt": Spec("public"),
    "login": Spec("special", statuses={"anonymous": {200}, "signed_in": {302}}),
    "logout": Spec("special", statuses={"anonymous": {405}, "signed_in": {405}}),
    "password_change": page(),
    # --- sign-in: the second factor, the API token, single sign-on (core/signin/) ---
    "two_factor_setup": page(),
    # The code page: back to sign-in without a password first; the form for a signed-in
    # session no device has verified yet.
    "two_factor_verify": Spec("special", statuses={"anonymous": {302}, "signed_in": {200}}),
    "api_token": page(),
    "api_token_rotate": post(),
    "api_token_revoke": post(),
    # Single sign-on is off unless configured (tests/core/test_single_sign_on.py turns it on).
    "oidc_start": Spec("special", statuses={"anonymous": {404}, "signed_in": {404}}),
    "oidc_callback": Spec("special", statuses={"anonymous": {404}, "signed_in": {404}}),
    # --- end sign-in ---
    "password_change_done": page(),
    # One's own sessions, and the password reset by email (anyone; a bad link is a page too).
    "session_list": page(),
    "session_end": post(),
    "password_reset": Spec("special", statuses={"anonymous": {200}, "signed_in": {200}}),
    "password_reset_done": Spec("special", statuses={"anonymous": {200}, "signed_in": {200}}),
    "password_reset_confirm": Spec("special", statuses={"anonymous": {200}, "signed_in": {200}}),
    "password_reset_complete": Spec("special", statuses={"anonymous": {200}, "signed_in": {200}}),
    "set_language": Spec("special", statuses={"anonymous": {204, 302}, "signed_in": {204, 302}}),
    "api-schema": Spec("public"),
    "api-docs": Spec("public"),
    # --- public disclosure ---
    "public:*": Spec("public"),
    # The language switch answers a GET by going back (it takes a POST).
    "public:language": Spec("special", statuses={"anonymous": {302}, "signed_in": {302}}),
    "public:record": Spec("public", obj="public_record"),
    "public:department": Spec("public", obj="department"),
    # A department's public credit report (PDF, published data only); the verification page
    # (no parameters) is one of "public:*".
    "public:department_report": Spec("public", obj="department"),
    "public:procurement_release": Spec("public", obj="procurementproject"),
    "public:procurement_project": Spec("public", obj="procurementproject"),
    "public:procurement_purchaser": Spec("public", obj="department"),
    # --- workspace: credit files ---
    "workspace:home": page(),
    "workspace:department_list": listing("core.view_department", "department", "department"),
    "workspace:department_detail": page("core.view_department", "department"),
    # The official credit report: the form (GET) and the PDF (POST), for departments in scope;
    # the register of issued reports.
    "workspace:department_report": page(
        ("core.view_department", "core.add_issuedreport"), "department"
    ),
    "workspace:report_list": page("core.view_issuedreport"),
    # The listed departments' reports as a background ZIP export (a POST).
    "workspace:department_reports_export": post(("core.view_department", "core.add_issuedreport")),
    "workspace:region_list": page("core.view_region"),
    "workspace:record_list": listing(f"{CR}.view_dishonestyrecord", "record", "dishonestyrecord"),
    "workspace:record_create": page(f"{CR}.add_dishonestyrecord"),
    "workspace:record_detail": page(f"{CR}.view_dishonestyrecord", "record"),
    "workspace:record_history_export": page(
        (f"{CR}.view_dishonestyrecord", f"{CR}.export_dishonestyrecord"), "record"
    ),
    "workspace:record_update": page(f"{CR}.change_dishonestyrecord", "draft_record"),
    "workspace:record_action": page(
        f"{CR}.view_dishonestyrecord", "record", slugs=RECORD_ACTION_PERMS
    ),
    "workspace:claim_review": post(f"{CR}.change_faulttoleranceclaim", "faulttoleranceclaim"),
    "workspace:repair_decide": post(
        f"{CR}.change_creditrepairapplication", "creditrepairapplication"
    ),
    "workspace:objection_list": listing(f"{CR}.view_objection", "objection", "objection"),
    # Complaints: the register is scoped like the records; the steps and the complainant's
    # evidence are the handling office's alone (the region's own supervisors: the city
    # supervisor for the "in" complaint), see expected_web.
    "workspace:complaint_list": listing(f"{CR}.view_complaint", "complaint", "complaint"),
    "workspace:complaint_detail": page(f"{CR}.view_complaint", "complaint"),
    "workspace:complaint_action": post(
        f"{CR}.change_complaint",
        "complaint",
        slugs={s: (f"{CR}.change_complaint",) for s in ("accept", "reject", "assign", "close")},
    ),
    "workspace:complaint_attachment": page(f"{CR}.view_complaint", "complaintattachment"),
    "workspace:objection_step": post(
        f"{CR}.change_objection",
        "objection",
        slugs={s: (f"{CR}.change_objection",) for s in ("acknowledge", "suspend", "decide")},
    ),
    "workspace:attachment_download": page(f"{CR}.view_attachment", "attachment"),
    # Intake: the queue and its decisions, the court cases and their settlement.
    "workspace:intake_list": listing(f"{CR}.view_intakeitem", "intakeitem"),
    "workspace:intake_action": post(
        f"{CR}.change_intakeitem",
        "intakeitem",
        slugs={s: (f"{CR}.change_intakeitem",) for s in ("accept", "reject", "match")},
    ),
    "workspace:court_case_list": listing(f"{CR}.view_courtcase", "courtcase"),
    "workspace:court_case_settle": post(f"{CR}.change_courtcase", "courtcase"),
    "workspace:official_list": listing(f"{CR}.view_publicofficial", "official", "publicofficial"),
    "workspace:official_create": page(f"{CR}.add_publicofficial"),
    "workspace:official_detail": page(f"{CR}.view_publicofficial", "official"),
    "workspace:official_update": page(f"{CR}.change_publicofficial", "official"),
    "workspace:commendation_list": listing(
        f"{CR}.view_commendation", "commendation", "commendation"
    ),
    "workspace:commendation_create": page(f"{CR}.add_commendation"),
    "workspace:commendation_update": page(f"{CR}.change_commendation", "commendation"),
    "workspace:notification_list": page(shows="own_notification"),
    "workspace:notification_read_all": post(),
    "workspace:notification_read": post((), "notification"),
    # Watching and saved views: each user's own (a view's pk is filled like a notification's:
    # any id, since the view answers a GET with 405 before looking).
    "workspace:watch_list": page(),
    "workspace:watch_toggle": post(),
    "workspace:saved_view_create": post(),
    "workspace:saved_view_delete": post((), "notification"),
    # Background exports: each user's own jobs (a superuser may fetch any file).
    "workspace:export_list": page(),
    "workspace:export_create": post(),
    # The record list's bulk actions (confirm the ticked drafts, export the ticked rows).
    "workspace:record_bulk": post(f"{CR}.view_dishonestyrecord"),
    "workspace:export_download": page((), "exportjob"),
    "workspace:commitment_list": listing(f"{CR}.view_commitment", "commitment", "commitment"),
    "workspace:commitment_create": page(f"{CR}.add_commitment"),
    "workspace:commitment_action": post(
        f"{CR}.change_commitment",
        "commitment",
        slugs={
            "assess": (f"{CR}.change_commitment",),
            "to-record": (f"{CR}.change_commitment", f"{CR}.add_dishonestyrecord"),
        },
    ),
    # --- workspace: procurement ---
    "procurement:index": Spec("special", statuses={"anonymous": {302}, "signed_in": {302}}),
    "procurement:project_list": listing(
        "procurement.view_procurementproject", "procurementproject", "procurementproject"
    ),
    "procurement:project_create": page("procurement.add_procurementproject"),
    "procurement:project_detail": page("procurement.view_procurementproject", "procurementproject"),
    "procurement:project_update": page(
        "procurement.change_procurementproject", "procurementproject"
    ),
    "procurement:contract_form": page("procurement.change_contract", "procurementproject"),
    "procurement:acceptance_form": page("procurement.change_acceptance", "procurementproject"),
    "procurement:payment_create": page("procurement.add_payment", "procurementproject"),
    "procurement:payment_update": page("procurement.change_payment", "payment"),
    "procurement:contract_list": listing("procurement.view_contract", "contract", "contract"),
    "procurement:payment_list": listing("procurement.view_payment", "payment", "payment"),
    "procurement:flag_list": listing("procurement.view_redflag", "redflag", "redflag"),
    "procurement:flag_action": page(
        "procurement.change_redflag",
        "redflag",
        slugs={
            "confirm": ("procurement.change_redflag", "procurement.add_violation"),
            "dismiss": ("procurement.change_redflag",),
        },
    ),
    "procurement:violation_list": listing("procurement.view_violation", "violation", "violation"),
    "procurement:violation_create": page("procurement.add_violation"),
    "procurement:violation_detail": page("procurement.view_violation", "violation"),
    "procurement:violation_withdraw": page("procurement.change_violation", "violation"),
    "procurement:purchaser_detail": page("procurement.view_procurementproject", "department"),
    "procurement:agreement_list": listing("procurement.view_agreement", "agreement", "agreement"),
    "procurement:agreement_create": page("procurement.add_agreement"),
    "procurement:agreement_detail": page("procurement.view_agreement", "agreement"),
    "procurement:agreement_update": page("procurement.change_agreement", "agreement"),
    "procurement:obligation_create": page("procurement.add_obligation", "agreement"),
    "procurement:obligation_update": page("procurement.change_obligation", "obligation"),
    "procurement:obligation_condition": page("procurement.change_obligation", "obligation"),
    "procurement:obligation_event": page("procurement.add_obligationevent", "obligation"),
    "procurement:agreement_complaint_link": page("procurement.add_complaintlink", "agreement"),
    "procurement:arrears_ledger": page("procurement.view_arrearsitem"),
    "procurement:arrears_list": listing(
        "procurement.view_arrearsitem", "arrearsitem", "arrearsitem"
    ),
    "procurement:arrears_create": page("procurement.add_arrearsitem"),
    "procurement:arrears_detail": page("procurement.view_arrearsitem", "arrearsitem"),
    "procurement:arrears_update": page("procurement.change_arrearsitem", "arrearsitem"),
    "procurement:arrears_plan": page("procurement.add_instalment", "arrearsitem"),
    "procurement:arrears_repayment": page("procurement.add_instalment", "arrearsitem"),
    "procurement:instalment_paid": page("procurement.change_instalment", "instalment"),
    "procurement:arrears_complaint_link": page("procurement.add_complaintlink", "arrearsitem"),
    # --- workspace: debt ---
    "debt:overview": page("debt.view_debtprofile", shows="riskwarning"),
    "debt:region_detail": page("debt.view_debtprofile", "region"),
    "debt:profile_list": page("debt.view_debtprofile", export="debtprofile"),
    "debt:profile_create": page("debt.add_debtprofile"),
    "debt:profile_update": page("debt.change_debtprofile", "debtprofile"),
    "debt:profile_recompute": post("debt.change_debtprofile", "debtprofile"),
    "debt:profile_default": page(
        ("debt.change_debtprofile", f"{CR}.add_dishonestyrecord"), "debtprofile"
    ),
    "debt:assessment_list": page("debt.view_riskassessment", export="riskassessment"),
    "debt:warning_list": listing("debt.view_riskwarning", "riskwarning", "riskwarning"),
    "debt:warning_create": page("debt.add_riskwarning"),
    "debt:warning_detail": page("debt.view_riskwarning", "riskwarning"),
    "debt:warning_action": page(
        "debt.change_riskwarning",
        "riskwarning",
        slugs={s: ("debt.change_riskwarning",) for s in ("issue", "respond", "close", "withdraw")},
    ),
    "debt:emergency_list": listing("debt.view_emergencyevent", "emergencyevent", "emergencyevent"),
    "debt:audit_list": listing("debt.view_debtaudit", "debtaudit", "debtaudit"),
    "debt:emergency_detail": page("debt.view_emergencyevent", "emergencyevent"),
    "debt:audit_detail": page("debt.view_debtaudit", "debtaudit"),
    "debt:term_list": page("debt.view_termassessment", export="termassessment"),
    "debt:bond_list": listing("debt.view_bondissue", "bondissue", "bondissue"),
    "debt:rating_list": listing("debt.view_creditrating", "creditrating", "creditrating"),
    # --- workspace: evaluations ---
    "evaluations:round_list": listing("evaluations.view_round", "round"),
    "evaluations:round_create": page("evaluations.add_round"),
    "evaluations:round_detail": page("evaluations.view_round", "round"),
    # The world's rounds are drafts: the confirmation page opens for those who may delete them.
    "evaluations:round_delete": page("evaluations.delete_round", "round"),
    "evaluations:round_compute": post("evaluations.change_round", "round"),
    "evaluations:round_export": page(
        ("evaluations.view_round", "evaluations.export_round"), "round"
    ),
    "evaluations:round_action": post("evaluations.change_round", "round", slugs="round_actions"),
    "evaluations:subject_detail": page("evaluations.view_round", "roundsubject"),
    # Feedback on draft scores: filed from a subject's page, answered on the item's page.
    "evaluations:feedback_create": post(
        ("evaluations.view_round", "evaluations.add_scorefeedback"), "roundsubject"
    ),
    "evaluations:feedback_detail": page(
        ("evaluations.view_round", "evaluations.view_scorefeedback"), "scorefeedback"
    ),
    "evaluations:feedback_window": post("evaluations.change_round", "round"),
    "evaluations:feedback_export": page(
        ("evaluations.view_round", "evaluations.export_scorefeedback"), "round"
    ),
    "evaluations:feedback_attachment": page(
        "evaluations.view_feedbackattachment", "feedbackattachment"
    ),
    "evaluations:scheme_list": page("evaluations.view_scheme"),
    "evaluations:scheme_detail": page("evaluations.view_scheme", "scheme"),
}

# The REST API: router basename -> (model, world object kind, extra actions).
# An action: url_name -> ("GET" or "POST", permissions).
CHANGE_RECORD = (f"{CR}.change_dishonestyrecord",)
API = {
    "api:region": ("core.region", "region", {}),
    "api:department": (
        "core.department",
        "department",
        {"report": ("POST", ("core.view_department", "core.add_issuedreport"))},
    ),
    "api:official": (f"{CR}.publicofficial", "official", {}),
    "api:record": (
        f"{CR}.dishonestyrecord",
        "record",
        {
            slug.replace("return", "return-report"): ("POST", perms)
            for slug, perms in RECORD_ACTION_PERMS.items()
            if slug not in ("apply-credit-repair", "object")
        },
    ),
    "api:rectification": (f"{CR}.rectification", "rectification", {}),
    "api:fault-tolerance-claim": (
        f"{CR}.faulttoleranceclaim",
        "faulttoleranceclaim",
        {"review": ("POST", (f"{CR}.change_faulttoleranceclaim",))},
    ),
    "api:commendation": (f"{CR}.commendation", "commendation", {}),
    "api:commitment": (
        f"{CR}.commitment",
        "commitment",
        {
            "assess": ("POST", (f"{CR}.change_commitment",)),
            "to-record": ("POST", (f"{CR}.add_dishonestyrecord",)),
        },
    ),
    "api:credit-repair": (
        f"{CR}.creditrepairapplication",
        "creditrepairapplication",
        {"decide": ("POST", (f"{CR}.change_creditrepairapplication",))},
    ),
    "api:objection": (
        f"{CR}.objection",
        "objection",
        {
            action: ("POST", (f"{CR}.change_objection",))
            for action in ("acknowledge", "suspend", "decide")
        },
    ),
    "api:complaint": (
        f"{CR}.complaint",
        "complaint",
        {
            action: ("POST", (f"{CR}.change_complaint",))
            for action in ("accept", "reject", "assign", "close")
        },
    ),
    # Pushes into the intake queue (POST only; the intake role's accounts and supervisors).
    "api:intake": (
        f"{CR}.intakeitem",
        "intakeitem",
        {
            action: ("POST", (f"{CR}.add_intakeitem",))
            for action in ("penalties", "court-cases", "trading")
        },
    ),
    "procurement-api:supplier": ("procurement.supplier", "supplier", {}),
    "procurement-api:project": ("procurement.procurementproject", "procurementproject", {}),
    "procurement-api:contract": ("procurement.contract", "contract", {}),
    "procurement-api:acceptance": ("procurement.acceptance", "acceptance", {}),
    "procurement-api:payment": ("procurement.payment", "payment", {}),
    "procurement-api:flag": (
        "procurement.redflag",
        "redflag",
        {
            "confirm": ("POST", ("procurement.change_redflag", "procurement.add_violation")),
            "dismiss": ("POST", ("procurement.change_redflag",)),
        },
    ),
    "procurement-api:violation": (
        "procurement.violation",
        "violation",
        {"withdraw": ("POST", ("procurement.change_violation",))},
    ),
    # A purchaser's score: the department (by credit code) and the procurement view right.
    "procurement-api:purchaser": ("procurement.procurementproject", "department", {}),
    "procurement-api:agreement": ("procurement.agreement", "agreement", {}),
    "procurement-api:arrears": ("procurement.arrearsitem", "arrearsitem", {}),
    "debt-api:profile": (
        "debt.debtprofile",
        "debtprofile",
        {
            "recompute": ("POST", ("debt.change_debtprofile",)),
            "report-default": ("POST", ("debt.change_debtprofile", f"{CR}.add_dishonestyrecord")),
        },
    ),
    "debt-api:assessment": ("debt.riskassessment", "riskassessment", {}),
    "debt-api:warning": (
        "debt.riskwarning",
        "riskwarning",
        {
            s: ("POST", ("debt.change_riskwarning",))
            for s in ("issue", "respond", "close", "withdraw")
        },
    ),
    "debt-api:emergency": ("debt.emergencyevent", "emergencyevent", {}),
    "debt-api:audit": ("debt.debtaudit", "debtaudit", {}),
    "debt-api:term-assessment": ("debt.termassessment", "termassessment", {}),
    "debt-api:bond": ("debt.bondissue", "bondissue", {}),
    "debt-api:rating": ("debt.creditrating", "creditrating", {}),
    "evaluations-api:scheme": ("evaluations.scheme", "scheme", {}),
    "evaluations-api:round": (
        "evaluations.round",
        "round",
        {
            "results": ("GET", ("evaluations.view_round",)),
            "scores": ("GET", ("evaluations.view_score",)),
            **{
                s: ("POST", ("evaluations.change_round",))
                for s in (
                    "compute",
                    "publish",
                    "return-to-scoring",
                    "score",
                    "start-scoring",
                    "submit-for-review",
                )
            },
        },
    ),
    "evaluations-api:result": ("evaluations.roundsubject", "roundsubject", {}),
    "evaluations-api:feedback": (
        "evaluations.scorefeedback",
        "scorefeedback",
        {"answer": ("POST", ("evaluations.change_scorefeedback",))},
    ),
    # Platform accounts: the exchange feed (core.read_exchange_feed, checked below).
    "api:exchange-record": ("core.outboxevent", "record", {}),
}
# Anyone, no sign-in.
PUBLIC_API = {
    "api:public-record": "public_record",
    "api:public-transparency-checkpoint": "transparencycheckpoint",
    "api:public-transparency-entry": "transparencyentry",
}

# Admin models whose admin withholds an action from everyone, by design (read-only admins:
# state changes go through the services). Everything else follows the model permissions.
ADMIN_READ_ONLY = {
    # The register of issued credit reports is what verification trusts.
    "core.issuedreport",
    f"{CR}.rectification",
    f"{CR}.faulttoleranceclaim",
    f"{CR}.creditrepairapplication",
    f"{CR}.accountabilityentry",
    f"{CR}.objection",
    f"{CR}.complaint",
    f"{CR}.intakeitem",
    f"{CR}.courtcase",
    "procurement.redflag",
    "procurement.violation",
    "debt.riskassessment",
    "debt.riskwarning",
    "debt.debtdefault",
    "evaluations.scheme",
    "evaluations.indicator",
    "evaluations.round",
    "evaluations.scorefeedback",
    # The access log: written by the views that log, deleted only by the retention task.
    "core.dataaccess",
}
# django-axes' records of sign-in attempts are written by the sign-in, never by hand.
AXES = {"axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}
# The outbox, deliveries and the transparency log are written by the services, never by hand.
EVENT_RECORDS = {
    "core.outboxevent",
    "core.webhookdelivery",
    "core.transparencyentry",
    "core.transparencycheckpoint",
}
ADMIN_READ_ONLY |= EVENT_RECORDS
ADMIN_NO_ADD = {"core.notification", "core.reminderlog", *AXES, *EVENT_RECORDS}
ADMIN_NO_CHANGE = {"core.notification", "core.reminderlog", *EVENT_RECORDS}
# How each admin model's rows relate to scope: "scoped" (the world has an in and an out
# object), "shared" (reference data every reader sees), "full" (rows that belong to no
# region: only a role that sees the whole province reads them in the admin).
ADMIN_SCOPE = {
    "auth.group": "shared",
    "authtoken.tokenproxy": "shared",
    "core.calendarday": "shared",
    "core.loanprimerate": "shared",
    "core.notification": "full",
    "core.reminderlog": "full",
    "core.dataaccess": "full",
    "core.webhooksubscription": "full",
    "core.outboxevent": "full",
    "core.webhookdelivery": "full",
    # The transparency log is public: every reader of the admin sees it whole.
    "core.transparencyentry": "shared",
    "core.transparencycheckpoint": "shared",
    **dict.fromkeys(AXES, "full"),
    "core.user": "scoped",
    "procurement.supplier": "shared",
    "credit_records.intakesource": "shared",
    "evaluations.scheme": "shared",
    "evaluations.indicator": "shared",
}


def declare(pattern: Pattern):
    """The declaration for ``pattern``, or None."""
    name = pattern.name
    if name.startswith("admin:"):
        return ("admin", None)
    for prefix in (*API, *PUBLIC_API):
        if name.startswith(prefix + "-"):
            suffix = name[len(prefix) + 1 :]
            if prefix in PUBLIC_API:
                return ("public_api", (PUBLIC_API[prefix], suffix))
            _model, _obj_kind, actions = API[prefix]
            if suffix in ("list", "detail") or suffix in actions:
                return ("api", (prefix, suffix))
            return None
    if name.endswith(":api-root"):
        return ("api_root", None)
    if name in WEB:
        return ("web", WEB[name])
    for key, spec in WEB.items():
        if "*" in key and fnmatchcase(name, key) and not pattern.params:
            return ("web", spec)
    return None


PATTERNS = url_patterns()


def test_every_action_slug_is_declared():
    from credit_records.views import RECORD_ACTIONS
    from debt.views import WARNING_ACTIONS

    for name, slugs in (
        ("workspace:record_action", RECORD_ACTIONS),
        ("debt:warning_action", WARNING_ACTIONS),
    ):
        assert set(slugs) == set(WEB[name].slugs), (
            f"{name}: declare the permission of each action in WEB (actions {sorted(slugs)})"
        )


def test_every_url_is_declared():
    missing = [p for p in PATTERNS if declare(p) is None]
    assert not missing, (
        "These URLs have no declared expectation in tests/integration/test_permission_matrix.py."
        " Add each to WEB (a page: page(perms, obj)), API (a router basename and its actions)"
        " or PUBLIC_API, naming the permission it needs and the world object that fills its"
        " parameters:\n" + "\n".join(f"  {p.name}  {p.route}" for p in missing)
    )


# --------------------------------------------------------------------------------------------
# The world
# --------------------------------------------------------------------------------------------


@dataclass
class World:
    objects: dict  # kind -> {"in": obj, "out": obj} (or {"shared": obj})
    users: dict  # role -> user
    clients: dict  # role -> web client
    api_clients: dict  # role -> token client
    out_uscc: str
    counts_sql: str = ""


def _marker(side):
    return IN if side == "in" else OUT


def _pdf(name):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def build_world() -> World:
    from rest_framework.authtoken.models import Token, TokenProxy

    from core.events import events_of
    from core.models import (
        CalendarDay,
        IssuedReport,
        LoanPrimeRate,
        Notification,
        Region,
        ReminderLog,
        TransparencyCheckpoint,
        TransparencyEntry,
        WebhookDelivery,
        WebhookSubscription,
    )
    from credit_records import services as cs
    from credit_records.models import (
        AccountabilityEntry,
        Commendation,
        Commitment,
        IntakeKind,
        IntakeSource,
        Severity,
    )
    from debt import services as ds
    from debt.models import BondIssue, CreditRating, DebtAudit, EmergencyEvent, TermAssessment
    from evaluations import services as es
    from evaluations.models import (
        FeedbackAttachment,
        Indicator,
        Score,
        ScoreFeedback,
        SubjectLevel,
    )
    from procurement import services as ps
    from procurement.models import (
        Acceptance,
        AcceptanceResult,
        Agreement,
        ArrearsBaseline,
        ArrearsItem,
        Contract,
        Obligation,
        Payment,
        ProcurementProject,
        RedFlag,
        Supplier,
    )

    from ..builders.complaints import make_complaint
    from ..builders.core import DepartmentFactory, UserFactory, valid_uscc
    from ..builders.debt import make_profile
    from ..builders.records import OfficialFactory, make_record
    from ..conftest import ensure_jiangsu_regions

    today = timezone.localdate()
    regions = ensure_jiangsu_regions()
    city = {"in": regions["320100"], "out": regions["320500"]}
    county = {
        side: Region.objects.filter(parent=city[side]).order_by("code").first() for side in city
    }
    objects: dict = {}

    def put(kind, side, obj):
        objects.setdefault(kind, {})[side] = obj

    supplier = ps.supplier_save(
        actor=None,
        supplier=Supplier(name="共享供应商", uscc=valid_uscc(7001, prefix="91"), is_sme=True),
    )
    put("supplier", "shared", supplier)
    scheme = es.default_scheme()
    put("scheme", "shared", scheme)
    put("indicator", "shared", scheme.dimensions.first().indicators.first())
    put("calendarday", "shared", CalendarDay.objects.get_or_create(date=today)[0])
    put(
        "loanprimerate",
        "shared",
        LoanPrimeRate.objects.get_or_create(
            effective_date=datetime.date(2025, 5, 20), defaults={"one_year_percent": "3.00"}
        )[0],
    )

    intake_source = IntakeSource.objects.create(
        code="matrix-source", name="矩阵归集来源", kind=IntakeKind.PENALTY
    )
    put("intakesource", "shared", intake_source)

    users = {
        "administrator": UserFactory(username="m_admin", role="Administrator", is_superuser=True),
        "province_supervisor": UserFactory(
            username="m_province", role="Supervisor", region=regions["320000"]
        ),
        "city_supervisor": UserFactory(username="m_nanjing", role="Supervisor", region=city["in"]),
        "auditor": UserFactory(username="m_auditor", role="Auditor", region=city["in"]),
        "no_role": UserFactory(username="m_nobody"),
    }
    suzhou_supervisor = UserFactory(username="m_suzhou", role="Supervisor", region=city["out"])
    put("user", "in", users["city_supervisor"])
    put("user", "out", suzhou_supervisor)

    for side in ("in", "out"):
        m = _marker(side)
        region = city[side]
        put("region", side, region)
        department = DepartmentFactory(name=f"{region.name}财政局{m}", region=region)
        put("department", side, department)
        government = DepartmentFactory(name=f"{region.name}人民政府", region=region)
        if side == "in":
            users["liaison"] = UserFactory(
                username="m_liaison", role="Department liaison", department=department
            )
        official = OfficialFactory(department=department, name=f"官员{m}")
        put("official", side, official)
        put(
            "issuedreport",
            side,
            IssuedReport.objects.create(
                code=f"{m}-REPORT-CODE",
                department=department,
                variant="official",
                purpose="honours",
                period_start=today - datetime.timedelta(days=365),
                period_end=today,
                valid_until=today + datetime.timedelta(days=90),
                sha256="0" * 64,
            ),
        )
        published = make_record(
            department,
            state="confirmed",
            decision_number=f"{m}-REC-PUB",
            internal_notes=f"{SECRET}-NOTES",
            officials=[official],
        )
        put("record", side, published)
        put("public_record", side, published)
        draft = make_record(department, state="draft", decision_number=f"{m}-REC-{SECRET}")
        put("draft_record", side, draft)
        _intake_rows(put, side, department, intake_source)
        put("unpublished_record", side, draft)
        rectifying = make_record(
            department, state="rectification_required", decision_number=f"{m}-REC-RECT"
        )
        put("rectification", side, rectifying.rectification)
        claim = cs.fault_tolerance_claim_file(
            record=rectifying, actor=None, grounds=f"{m}-CLAIM-GROUNDS"
        )
        put("faulttoleranceclaim", side, claim)
        objected = make_record(department, state="confirmed", decision_number=f"{m}-REC-OBJ")
        put(
            "objection",
            side,
            cs.objection_file(
                record=objected, actor=None, grounds="other", explanation=f"{m}-OBJECTION"
            ),
        )
        complaint, _query_code = make_complaint(
            department,
            description=f"{m}-COMPLAINT 采购款逾期未付，多次催告无果。",
            files=[_pdf(f"{m}-complaint.pdf")],
        )
        put("complaint", side, complaint)
        put("complaintattachment", side, complaint.attachments.get())
        closed = make_record(
            department,
            state="closed",
            decision_number=f"{m}-REC-CLOSED",
            decision_date=today - datetime.timedelta(days=200),
        )
        put(
            "creditrepairapplication",
            side,
            cs.credit_repair_apply(record=closed, actor=None, commitment_text=f"{m}-REPAIR"),
        )
        (attachment,) = cs.record_add_evidence(
            record=published, actor=None, files=[_pdf(f"{m}-evidence.pdf")]
        )
        put("attachment", side, attachment)
        # Confirming a record with responsible officials holds each of them accountable.
        entry = AccountabilityEntry.objects.get(official=official, record=published)
        entry.note = f"{m}-ACCOUNTABLE"
        entry.save()
        put("accountabilityentry", side, entry)
        put(
            "commendation",
            side,
            Commendation.objects.create(
                title=f"{m}-COMMENDATION",
                level="city",
                issuing_authority="市政府",
                date=today - datetime.timedelta(days=5),
                department=department,
            ),
        )
        put(
            "commitment",
            side,
            Commitment.objects.create(
                department=department,
                content=f"{m}-PROMISE",
                promised_date=today - datetime.timedelta(days=3),
            ),
        )
        put(
            "reminderlog",
            side,
            ReminderLog.objects.create(
                kind="rectification",
                object_id=rectifying.rectification.pk,
                due_date=today + datetime.timedelta(days=3),
                days_before=3,
            ),
        )
        # Procurement: a project signed late (a red flag), accepted and paid.
        award = today - datetime.timedelta(days=120)
        project = ps.project_save(
            actor=None,
            project=ProcurementProject(
                purchaser=department,
                code=f"{m}-P1",
                title=f"{m}-PROJECT",
                method="open_tender",
                budget=Decimal("100000"),
                notice_date=award - datetime.timedelta(days=20),
                award_date=award,
                supplier=supplier,
                award_amount=Decimal("100000"),
            ),
        )
        put("procurementproject", side, project)
        contract = ps.contract_save(
            actor=None,
            contract=Contract(
                project=project,
                number=f"{m}-CONTRACT",
                signed_date=award + datetime.timedelta(days=40),
                amount=Decimal("100000"),
                supplementary_amount=Decimal("0"),
                payment_after_acceptance=True,
                filed_date=award + datetime.timedelta(days=41),
            ),
        )
        put("contract", side, contract)
        acceptance = ps.acceptance_save(
            actor=None,
            acceptance=Acceptance(
                contract=contract,
                delivery_date=award + datetime.timedelta(days=50),
                acceptance_date=award + datetime.timedelta(days=55),
                result=AcceptanceResult.PASSED,
            ),
        )
        put("acceptance", side, acceptance)
        payment = ps.payment_save(
            actor=None,
            payment=Payment(
                contract=contract, sequence=1, amount=Decimal("100000"), paid_date=None
            ),
        )
        put("payment", side, payment)
        flag = RedFlag.objects.filter(purchaser=department, status="open").first()
        assert flag is not None, "the late signature raises no red flag"
        put("redflag", side, flag)
        put(
            "violation",
            side,
            ps.violation_create(
                actor=None,
                purchaser=department,
                kind="avoid_open_tender",
                severity="general",
                decision_number=f"{m}-VIOLATION",
                issuing_authority="财政局",
                decided_on=today - datetime.timedelta(days=10),
                facts=f"{m}-VIOLATION-FACTS",
                project=project,
                create_record=False,
            ),
        )
        # Government agreements and the arrears ledger.
        agreement = ps.agreement_save(
            actor=None,
            agreement=Agreement(
                department=department,
                kind="investment",
                number=f"{m}-AGREEMENT",
                title=f"{m}-AGREEMENT-TITLE",
                counterparty_name=f"{m}-ENTERPRISE",
                counterparty_uscc=valid_uscc(7100 + len(objects), prefix="91"),
                counterparty_is_sme=True,
                signed_date=today - datetime.timedelta(days=200),
            ),
        )
        put("agreement", side, agreement)
        put(
            "obligation",
            side,
            ps.obligation_save(
                actor=None,
                obligation=Obligation(
                    agreement=agreement,
                    description=f"{m}-OBLIGATION",
                    amount=Decimal("1000"),
                    condition="投产",
                ),
            ),
        )
        arrears = ps.arrears_item_save(
            actor=None,
            item=ArrearsItem(
                department=department,
                reference=f"{m}-ARREARS",
                kind="goods",
                description=f"{m}-ARREARS-WHAT",
                creditor_name=f"{m}-CREDITOR",
                creditor_uscc=valid_uscc(7200 + len(objects), prefix="91"),
                creditor_is_sme=True,
                amount=Decimal("5000"),
                due_date=today - datetime.timedelta(days=40),
            ),
        )
        put("arrearsitem", side, arrears)
        (instalment,) = ps.repayment_plan_set(
            actor=None,
            item=arrears,
            agreed_on=today - datetime.timedelta(days=5),
            instalments=[(today + datetime.timedelta(days=20), Decimal("5000"))],
        )
        put("instalment", side, instalment)
        put(
            "arrearsbaseline",
            side,
            ArrearsBaseline.objects.create(
                region=region,
                as_of=today - datetime.timedelta(days=100),
                amount=Decimal("9000"),
                note=f"{m}-BASELINE",
            ),
        )
        # Debt.
        profile = make_profile(region, ratio="250", overdue_amount=Decimal("5"))
        put("debtprofile", side, profile)
        put("riskassessment", side, profile.assessment)
        put(
            "riskwarning",
            side,
            ds.warning_create(
                actor=None, region=region, title=f"{m}-WARNING", reason=f"{m}-WARNING-REASON"
            ),
        )
        put(
            "debtdefault",
            side,
            ds.debt_default_report(
                actor=None,
                profile=profile,
                department=government,
                severity=Severity.GENERAL,
                decision_number=f"{m}-DEBT-DEFAULT",
                issuing_authority="财政厅",
                decision_date=today - datetime.timedelta(days=5),
                facts=f"{m}-DEFAULT",
            ),
        )
        put(
            "emergencyevent",
            side,
            EmergencyEvent.objects.create(
                region=region,
                title=f"{m}-EMERGENCY",
                level="IV",
                status="responding",
                occurred_on=today - datetime.timedelta(days=20),
                description=f"{m}-EMERGENCY",
            ),
        )
        put(
            "debtaudit",
            side,
            DebtAudit.objects.create(
                region=region,
                report_number=f"{m}-AUDIT",
                leading_official="某某",
                position="市长",
                term_start=datetime.date(2019, 1, 1),
                term_end=datetime.date(2024, 1, 1),
                audit_authority="审计厅",
                report_date=today - datetime.timedelta(days=30),
                findings=f"{m}-FINDINGS",
            ),
        )
        put(
            "termassessment",
            side,
            TermAssessment.objects.create(
                region=region,
                period_start=2021,
                period_end=2025,
                borrowing_score=Decimal("80"),
                use_score=Decimal("80"),
                management_score=Decimal("80"),
                conclusion="good",
                comments=f"{m}-TERM",
                assessed_on=today - datetime.timedelta(days=30),
            ),
        )
        put(
            "bondissue",
            side,
            BondIssue.objects.create(
                region=region,
                code=f"{m}-BOND",
                name=f"{m}-BOND-NAME",
                bond_type="general",
                amount=Decimal("10"),
                rate=Decimal("2"),
                issue_date=today - datetime.timedelta(days=100),
                maturity_date=today + datetime.timedelta(days=3650),
            ),
        )
        put(
            "creditrating",
            side,
            CreditRating.objects.create(
                region=region,
                agency=f"{m}-AGENCY",
                rating="AA",
                outlook="stable",
                rated_on=today - datetime.timedelta(days=50),
            ),
        )
        # Evaluations: a draft round organised by the city over one of its counties.
        evaluation_round = es.round_create(
            actor=None,
            name=f"{m}-ROUND",
            scheme=scheme,
            organiser=region,
            level=SubjectLevel.COUNTY,
            period_start=today - datetime.timedelta(days=365),
            period_end=today,
            subjects=[county[side]],
        )
        put("round", side, evaluation_round)
        subject = evaluation_round.subjects.first()
        put("roundsubject", side, subject)
        # The county's feedback on a score, with an evidence file (rows, not the services:
        # the world's rounds stay drafts, which other pages need).
        score = Score.objects.create(
            round=evaluation_round,
            subject=subject,
            indicator=Indicator.objects.filter(dimension__scheme=scheme, kind="manual").first(),
            source="manual",
            value=Decimal(80),
        )
        feedback = ScoreFeedback.objects.create(
            round=evaluation_round,
            subject=subject,
            score=score,
            explanation=f"{m}-FEEDBACK",
            score_at_filing=Decimal(80),
        )
        put("scorefeedback", side, feedback)
        put(
            "feedbackattachment",
            side,
            FeedbackAttachment.objects.create(
                feedback=feedback,
                file=_pdf(f"{m}-feedback.pdf"),
                original_name=f"{m}-feedback.pdf",
                content_type="application/pdf",
                size=30,
            ),
        )

    # Notifications: each signed-in role has its own; the out one is a 苏州 official's.
    for role, user in users.items():
        note = Notification.objects.create(
            recipient=user, kind="reminder", title=f"{IN}-NOTE-{role}", message="matrix"
        )
        objects.setdefault("own_notification", {})[role] = note
    put(
        "notification",
        "out",
        Notification.objects.create(
            recipient=suzhou_supervisor, kind="reminder", title=f"{OUT}-NOTE", message="matrix"
        ),
    )
    put("notification", "in", objects["own_notification"]["city_supervisor"])
    put("group", "shared", users["auditor"].groups.first())
    _axes_rows(put)
    _access_rows(put, users["city_supervisor"], suzhou_supervisor)
    _export_jobs(put, users["city_supervisor"], suzhou_supervisor)

    clients, api_clients = {"anonymous": Client()}, {"anonymous": Client()}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        clients[role] = client
        token = Token.objects.create(user=user)
        api_clients[role] = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    # The event outbox, a webhook and its delivery, the transparency log: no region's, each
    # side's record gives its own.
    for side in ("in", "out"):
        record = objects["record"][side]
        event = events_of(record).first()
        put("outboxevent", side, event)
        hook = WebhookSubscription.objects.create(
            name=f"{_marker(side)}-HOOK", target_url="https://example.org/hook", secret=SECRET
        )
        put("webhooksubscription", side, hook)
        put(
            "webhookdelivery",
            side,
            WebhookDelivery.objects.create(
                subscription=hook,
                event=event,
                content_type_id=event.content_type_id,
                object_id=event.object_id,
                next_attempt_at=timezone.now(),
                retry_since=timezone.now(),
            ),
        )
    put("transparencyentry", "shared", TransparencyEntry.objects.order_by("seq").first())
    put(
        "transparencycheckpoint",
        "shared",
        TransparencyCheckpoint.objects.create(
            date=today - datetime.timedelta(days=1), entry_count=0, head_hash="0" * 64
        ),
    )
    # The admin's token pages take the user's key (``TokenProxy.pk``), not the token's.
    put("tokenproxy", "shared", TokenProxy.objects.get(user=users["no_role"]))
    # Reference rows loaded by migrations have no history yet: the admin's history pages need
    # a version to show.
    for entry in objects.values():
        for obj in entry.values():
            history = getattr(type(obj), "history", None)
            if history is not None and not obj.history.exists():
                history.bulk_history_create([obj])
    return World(
        objects=objects,
        users=users,
        clients=clients,
        api_clients=api_clients,
        out_uscc=objects["department"]["out"].uscc,
        counts_sql=_counts_sql(),
    )


def _intake_rows(put, side, department, source):
    """An item waiting in the intake queue and an open court case, for each side."""
    from credit_records.models import CourtCase, IntakeItem, IntakeKind, IntakeStatus

    m = _marker(side)
    put(
        "intakeitem",
        side,
        IntakeItem.objects.create(
            source=source,
            kind=IntakeKind.PENALTY,
            document_number=f"{m}-INTAKE",
            subject_name=department.name,
            subject_uscc=department.uscc,
            department=department,
            region=department.region,
            status=IntakeStatus.STAGED,
            payload={"document_number": f"{m}-INTAKE"},
        ),
    )
    put(
        "courtcase",
        side,
        CourtCase.objects.create(
            case_number=f"{m}-COURT",
            court="矩阵法院",
            department=department,
            notice_date=datetime.date(2026, 3, 2),
            settle_by=datetime.date(2026, 3, 16),
        ),
    )


def _axes_rows(put):
    """django-axes' sign-in records: one per side, its user name marked."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for side in ("in", "out"):
        m = _marker(side)
        common = dict(user_agent="matrix", ip_address="10.0.0.1", http_accept="*/*")
        common.update(path_info="/accounts/login/", username=f"{m}-signin")
        put(
            "accessattempt",
            side,
            AccessAttempt.objects.create(
                **common, get_data="", post_data="", failures_since_start=1
            ),
        )
        put("accesslog", side, AccessLog.objects.create(**common))
        put("accessfailurelog", side, AccessFailureLog.objects.create(**common))


def _access_rows(put, nanjing, suzhou):
    """The access log: one row per side, its label marked."""
    from core.models import DataAccess

    for side, user in (("in", nanjing), ("out", suzhou)):
        m = _marker(side)
        put(
            "dataaccess",
            side,
            DataAccess.objects.create(
                user=user, username=user.username, action="view", label=f"{m}-ACCESS", path="/"
            ),
        )


def _export_jobs(put, nanjing, suzhou):
    from django.core.files.base import ContentFile

    from core.export_jobs import scope_key
    from core.models import ExportJob

    for side, user in (("in", nanjing), ("out", suzhou)):
        m = _marker(side)
        job = ExportJob(
            requested_by=user,
            view_name="workspace:record_list",
            title=f"{m}-EXPORT",
            format="csv",
            language="zh-hans",
            status="done",
            filename=f"{m}-export.csv",
            # Made for the requester as they are now: a change of role or scope refuses it.
            scope_key=scope_key(user),
            expires_at=timezone.now() + datetime.timedelta(days=1),
        )
        job.file.save(f"{m}-export.csv", ContentFile(f"{m}-REC-PUB\n".encode()), save=False)
        job.save()
        put("exportjob", side, job)


def _counts_sql() -> str:
    from django.apps import apps

    tables = sorted(
        {
            model._meta.db_table
            for app in (*DOMAIN_APPS, "auth", "authtoken")
            for model in apps.get_app_config(app).get_models()
            if not model._meta.proxy
        }
    )
    quote = connection.ops.quote_name
    return "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once; every test runs in a savepoint inside this module's transaction, so the
    POSTs below roll back and the world stays as built."""
    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            cache.clear()


# --------------------------------------------------------------------------------------------
# Scope: where each object lies for each role
# --------------------------------------------------------------------------------------------


# Objects that belong to a region and no department: outside every liaison's scope.
REGION_ONLY = {
    "debtprofile",
    "riskassessment",
    "riskwarning",
    "debtdefault",
    "emergencyevent",
    "debtaudit",
    "termassessment",
    "bondissue",
    "creditrating",
    "round",
    "roundsubject",
    "scorefeedback",
    "feedbackattachment",
}


def sees(role: str, side: str, scope: str = "scoped", kind: str | None = None) -> bool:
    """Whether ``role``'s scope holds an object on ``side`` ("in": 南京 and the liaison's own
    department; "out": 苏州)."""
    if role in ("anonymous", "no_role"):
        return False
    if role == "liaison" and kind in REGION_ONLY:
        return False
    if scope == "shared" or side == "shared":
        return True
    if scope == "full":
        return role == "administrator"
    if role in FULL_VIEW:
        return True
    return side == "in"


# --------------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    pattern: Pattern
    kind: str  # web, api, api_root, public_api, admin
    detail: object
    side: str | None  # in / out / shared / None
    extra: tuple = ()  # (("action", "confirm"), ("export", "csv"), ("format", "json"))

    @property
    def id(self):
        bits = [self.pattern.name]
        if "format" in self.pattern.params:
            bits.append(".json")
        for key, value in self.extra:
            bits.append(f"{key}={value}")
        if self.side:
            bits.append(self.side)
        return "|".join(bits)


def _sides(obj_kind):
    if obj_kind in (
        "supplier",
        "scheme",
        "indicator",
        "calendarday",
        "loanprimerate",
        "intakesource",
        "transparencyentry",
        "transparencycheckpoint",
        "group",
        "tokenproxy",
    ):
        return ("shared",)
    return ("in", "out")


def _admin_model(pattern: Pattern):
    """The model an admin URL belongs to (from the registry), or None for site-wide URLs."""
    route = "".join(t for k, t in pattern.parts if k == "lit").strip("/").split("/")
    if len(route) >= 3 and route[0] == "admin":
        for model in django_admin.site._registry:
            if (model._meta.app_label, model._meta.model_name) == (route[1], route[2]):
                return model
    return None


def _admin_kind(model) -> str:
    label = model._meta.label_lower
    if label == "authtoken.tokenproxy":
        return "tokenproxy"
    if label == "auth.group":
        return "group"
    return {"dishonestyrecord": "record", "publicofficial": "official"}.get(
        model._meta.model_name, model._meta.model_name
    )


def cases() -> list[Case]:
    from evaluations.services import ROUND_ACTIONS

    found = []
    for pattern in PATTERNS:
        declared = declare(pattern)
        if declared is None:
            continue
        kind, detail = declared
        if kind == "web":
            spec = detail
            slugs = spec.slugs
            if slugs == "round_actions":
                slugs = {s: spec.perms for s in ROUND_ACTIONS}
            extras = [()]
            if "action" in pattern.params:
                extras = [(("action", s),) for s in slugs]
            elif spec.export:
                extras = [(), (("export", "csv"),), (("export", "xlsx"),)]
            if pattern.name == "workspace:record_list":
                extras.append((("export", "history-csv"),))
            sides = _sides(spec.obj) if spec.obj else (None,)
            if pattern.name == "public:record":
                sides = ("in", "out", "unpublished")
            for side in sides:
                for extra in extras:
                    found.append(Case(pattern, kind, spec, side, extra))
        elif kind in ("api", "public_api"):
            suffix = detail[1]
            obj = API[detail[0]][1] if kind == "api" else detail[0]
            sides = (None,) if suffix == "list" else _sides(obj)
            if kind == "public_api" and suffix == "detail":
                sides = ("in", "out", "unpublished")
            for side in sides:
                found.append(Case(pattern, kind, detail, side))
        elif kind == "api_root":
            found.append(Case(pattern, kind, None, None))
        else:  # admin
            model = _admin_model(pattern)
            params = [p for p in pattern.params if p != "format"]
            if pattern.name == "admin:app_list":
                for label in {m._meta.app_label for m in django_admin.site._registry}:
                    found.append(Case(pattern, kind, None, None, (("app_label", label),)))
            elif model is not None and params:
                scope = ADMIN_SCOPE.get(model._meta.label_lower, "scoped")
                sides = ("shared",) if scope == "shared" else ("in", "out")
                for side in sides:
                    found.append(Case(pattern, kind, model, side))
            elif pattern.name == "admin:view_on_site":
                for side in ("in", "out"):
                    found.append(Case(pattern, kind, None, side))
            else:
                found.append(Case(pattern, kind, model, None))
    return found


CASES = cases()


# --------------------------------------------------------------------------------------------
# Filling parameters
# --------------------------------------------------------------------------------------------


def _obj(world, kind, side, role=None):
    if kind == "own_notification":
        return world.objects[kind][role]
    if side == "unpublished":
        return world.objects["unpublished_record"]["in"]
    entry = world.objects[kind]
    return entry.get(side) or entry.get("shared")


def fill(world: World, case: Case, role: str) -> str:
    """The URL of ``case``, parameters filled with the right object's keys."""
    pattern = case.pattern
    values = {k: v for k, v in case.extra if k in pattern.params}
    query = {k: v for k, v in case.extra if k not in pattern.params}
    obj = None
    if case.kind == "web" and case.detail.obj:
        obj = _obj(world, case.detail.obj, case.side, role)
    elif case.kind == "api" and case.side:
        obj = _obj(world, API[case.detail[0]][1], case.side)
    elif case.kind == "public_api" and case.side:
        obj = _obj(world, case.detail[0], case.side)
    elif case.kind == "admin" and case.detail is not None and case.side:
        obj = _obj(world, _admin_kind(case.detail), case.side)
    for param in pattern.params:
        if param in values:
            continue
        if param == "format":
            # A router's root takes the suffix with its dot (``<drf_format_suffix:format>``).
            values[param] = ".json" if case.kind == "api_root" else "json"
        elif param == "pk":
            if case.kind == "web" and case.detail.obj in (
                "payment",
                "roundsubject",
                "scorefeedback",
                "obligation",
                "instalment",
            ):
                values[param] = {
                    "payment": lambda: obj.contract.project_id,
                    "obligation": lambda: obj.agreement_id,
                    "instalment": lambda: obj.item_id,
                }.get(case.detail.obj, lambda: obj.round_id)()
            else:
                values[param] = obj.pk
        elif param in ("payment", "subject_pk", "feedback_pk", "obligation", "instalment"):
            values[param] = obj.pk
        elif param == "uscc":
            values[param] = obj.uscc
        elif param == "code":
            values[param] = obj.code
        elif param in ("object_id", "_1"):
            values[param] = obj.pk
        elif param == "_2":
            values[param] = obj.history.latest().history_id
        elif param == "content_type_id":
            record = world.objects["record"][case.side]
            values[param] = ContentType.objects.get_for_model(record).pk
            values["object_id"] = record.pk
        elif param == "id":  # the admin's password change of a user
            values[param] = obj.pk
        elif param == "uidb64":  # a password reset link: one that is not valid
            values[param] = "MA"
        elif param == "token":
            values[param] = "no-such-token"
        elif param == "url":  # the admin's catch-all
            values[param] = "no/such/page/"
        else:
            raise AssertionError(
                f"{case.id}: no rule fills the parameter <{param}> of {pattern.route};"
                " add one to fill() in tests/integration/test_permission_matrix.py"
            )
    url = build_url(pattern, values)
    match = resolve(url.split("?")[0])
    assert match.func == pattern.callback, f"{case.id}: {url} resolves to another view"
    if case.kind == "admin" and pattern.name == "admin:autocomplete":
        query.update(app_label="core", model_name="department", field_name="region", term="")
    if query:
        from urllib.parse import urlencode

        url += "?" + urlencode(query)
    return url


# --------------------------------------------------------------------------------------------
# Expectations
# --------------------------------------------------------------------------------------------

DENIED_OUT = {403, 404}  # lacking the permission and out of scope: either reveals nothing


def _scoped_answer(role, perms, side, scope="scoped", ok=200, kind=None):
    if not has_perms(role, perms):
        return {403} if sees(role, side, scope, kind) else DENIED_OUT
    return {ok} if sees(role, side, scope, kind) else {404}


def expected_web(case: Case, role: str):
    """(statuses, redirect prefix or None)."""
    spec: Spec = case.detail
    signed_in = role != "anonymous"
    if spec.kind == "special":
        return spec.statuses["signed_in" if signed_in else "anonymous"], None
    if spec.kind == "public":
        if case.side == "unpublished":
            return {404}, None
        return {200}, None
    if not signed_in:
        return {302}, LOGIN
    perms = spec.perms
    action = dict(case.extra).get("action")
    if action and spec.slugs and spec.slugs != "round_actions":
        perms = tuple(dict.fromkeys((*perms, *spec.slugs[action])))
    export = dict(case.extra).get("export")
    if export:
        app = perms[0].split(".")[0]
        perms = (*perms, f"{app}.export_{spec.export or 'dishonestyrecord'}")
    ok = 405 if spec.method == "POST" else 200
    if spec.obj is None or spec.obj == "own_notification":
        if spec.kind == "login":
            return {ok}, None
        return ({ok} if has_perms(role, perms) else {403}), None
    if spec.obj == "notification":  # one's own, or someone else's
        return ({ok} if case.side == "in" and role == "city_supervisor" else {ok, 404}), None
    if spec.obj == "exportjob":  # the city supervisor's own ("in") or a 苏州 official's
        mine = case.side == "in" and role == "city_supervisor"
        return ({200} if mine or role == "administrator" else {404}), None
    if spec.obj == "complaintattachment":
        # Only the handling office (the city supervisor, for its own city's complaint) opens
        # the complainant's evidence; whoever else may read complaints gets "no such file".
        if not has_perms(role, perms):
            return {403}, None
        return ({200} if case.side == "in" and role == "city_supervisor" else {404}), None
    if spec.method == "POST":
        # A POST-only view answers GET before looking at the object.
        return ({405} if has_perms(role, perms) else {403, 405}), None
    scope = "shared" if case.side == "shared" else "scoped"
    return _scoped_answer(role, perms, case.side, scope, kind=spec.obj), None


def expected_api(case: Case, role: str):
    prefix, suffix = case.detail
    model, obj, actions = API[prefix]
    if role == "anonymous":
        return {401, 403}
    app, name = model.split(".")
    perms = (f"{app}.view_{name}",)
    if prefix == "procurement-api:purchaser":
        perms = ("core.view_department", "procurement.view_procurementproject")
    if prefix == "api:exchange-record":
        perms = ("core.read_exchange_feed",)
    if suffix in actions:
        method, action_perms = actions[suffix]
        if method == "POST":
            return {403, 405}  # answered before the object is looked at; POSTed below
        perms = action_perms
    if suffix == "list":
        return {200} if has_perms(role, perms) else {403}
    scope = "shared" if case.side == "shared" else "scoped"
    return _scoped_answer(role, perms, case.side, scope, kind=obj)


def _admin_action(pattern: Pattern) -> str:
    name = pattern.name.split(":", 1)[1]
    for suffix in (
        "import_errors",
        "process_import",
        "import",
        "export",
        "simple_history",
        "changelist",
        "add",
        "history",
        "delete",
        "change",
        "redirect",
    ):
        if name.endswith("_" + suffix):
            return suffix
    if name == "auth_user_password_change":
        return "password"
    return name


def expected_admin(case: Case, role: str):
    """(statuses, redirect prefix)."""
    pattern, model = case.pattern, case.detail
    staff = role in ("administrator", "province_supervisor", "city_supervisor", "auditor")
    name = pattern.name
    if name == "admin:login":
        # Anonymous: to the portal's sign-in page (password, then the second factor).
        return ({302} if staff or role == "anonymous" else {200}), None
    if name == "admin:logout":
        # The admin sends whoever may not use it back to its index (then to its sign-in).
        return ({405} if staff else {302}), ("/admin/" if not staff else None)
    if not staff:
        return {302}, ADMIN_LOGIN
    if name in ("admin:index", "admin:password_change", "admin:password_change_done"):
        return {200}, None
    if name == "admin:jsi18n":
        return {200}, None
    if name == "admin:autocomplete":
        return {200}, None
    if name == "admin:?":  # the catch-all
        return {404}, None
    if name == "admin:app_list":
        label = dict(case.extra)["app_label"]
        readable = any(
            has_perm(role, f"{label}.{action}_{m._meta.model_name}")
            for m in django_admin.site._registry
            if m._meta.app_label == label
            for action in ("view", "change", "add", "delete")
        )
        return ({200} if readable else {404}), None
    if name == "admin:view_on_site":
        # The admin's "view on site" shortcut: to the page of an object in scope (404 for a
        # model without one), never to (or about) an object outside it.
        return ({302, 404} if sees(role, case.side) else {404}), None
    label = model._meta.label_lower
    app, model_name = label.split(".")
    kind = _admin_kind(model)
    action = _admin_action(pattern)
    scope = ADMIN_SCOPE.get(label, "scoped")

    def perm(verb):
        return has_perm(role, f"{app}.{verb}_{model_name}")

    read = perm("view") or perm("change")
    if action == "redirect":
        return {302}, None
    if action == "changelist":
        return ({200} if read else {403}), None
    if action == "add":
        allowed = perm("add") and label not in ADMIN_READ_ONLY | ADMIN_NO_ADD
        return ({200} if allowed else {403}), None
    if action in ("import", "process_import"):
        if action == "process_import":  # POST only: GET is refused before anything else
            return {403, 405}, None
        return ({200} if perm("import") else {403}), None
    if action == "import_errors":
        return ({200} if perm("import") else {403}), None
    if action == "export":
        return ({200} if perm("export") else {403}), None
    if action == "password":
        return ({200} if perm("change") else {403, 404}), None
    if action in ("change", "history", "simple_history"):
        allowed = read
    elif action == "delete":
        allowed = perm("delete") and label not in ADMIN_READ_ONLY
    else:
        raise AssertionError(f"{case.id}: no expectation for the admin action {action!r}")
    if not allowed:
        return ({403} if sees(role, case.side, scope, kind) else DENIED_OUT), None
    return ({200} if sees(role, case.side, scope, kind) else {404}), None


# --------------------------------------------------------------------------------------------
# Reading answers
# --------------------------------------------------------------------------------------------


def body_text(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    if content[:2] == b"PK":  # XLSX: the text is in the zipped XML parts
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            parts = [n for n in book.namelist() if n.endswith(".xml")]
            return "".join(book.read(n).decode("utf-8", "replace") for n in parts)
    return content.decode("utf-8", "replace")


def check_no_leak(world: World, case: Case, role: str, text: str, public: bool, url="") -> str:
    """``text`` (the answer's body) without the address asked for, checked for leaks."""
    # A page may repeat the address asked for (a 404 page does): that tells nothing new.
    text = text.replace(url, "")
    if public:
        assert SECRET not in text, f"a public answer shows {SECRET} data"
        return text
    if role not in FULL_VIEW:
        for marker in (OUT, world.out_uscc):
            assert marker not in text, f"the answer shows {marker!r}, from outside the scope"
    return text


SHOWN_AS = {
    "redflag": lambda flag: flag.purchaser.name,
    "payment": lambda payment: payment.contract.project.code,
    "contract": lambda contract: contract.project.code,
    "objection": lambda objection: objection.record.decision_number,
    "complaint": lambda complaint: complaint.tracking_number,
    "arrearsitem": lambda item: item.reference,
    "intakeitem": lambda item: item.document_number,
    "courtcase": lambda case: case.case_number,
}


def _shows_marker(world, kind, side, role):
    obj = _obj(world, kind, side, role)
    if kind in SHOWN_AS:
        return SHOWN_AS[kind](obj)
    for attr in (
        "decision_number",
        "title",
        "name",
        "content",
        "number",
        "code",
        "agency",
        "report_number",
    ):
        value = getattr(obj, attr, None)
        if isinstance(value, str) and (IN in value or OUT in value):
            return value
    raise AssertionError(f"no marker on {kind} {obj!r}")


# --------------------------------------------------------------------------------------------
# The GET matrix
# --------------------------------------------------------------------------------------------


def _client(world, case, role):
    if case.kind in ("api", "api_root", "public_api"):
        return world.api_clients[role]
    return world.clients[role]


def _is_public(case: Case) -> bool:
    return case.kind == "public_api" or (
        case.kind == "web" and case.detail.kind in ("public", "special")
    )


NON_STAFF = ("anonymous", "liaison", "no_role")


def _post_only(case: Case) -> bool:
    if case.kind == "web":
        return case.detail.method == "POST"
    if case.kind == "api":
        prefix, suffix = case.detail
        actions = API[prefix][2]
        return suffix in actions and actions[suffix][0] == "POST"
    return False


def expected_for(case: Case, role: str) -> set:
    """The statuses ``role`` may get for ``case``."""
    if case.kind == "web":
        return expected_web(case, role)[0]
    if case.kind == "api":
        return expected_api(case, role)
    if case.kind == "api_root":
        return {200} if role != "anonymous" else {401, 403}
    if case.kind == "public_api":
        return {404} if case.side == "unpublished" else {200}
    return expected_admin(case, role)[0]


# The two roles scoped to 南京, with different permissions.
REGIONAL = ("city_supervisor", "auditor")
# Admin pages whose content does not depend on the permissions of who may open them.
SAME_FOR_ALL_READERS = ("history", "simple_history", "redirect")
# The admin's forms that are not about one object.
ADMIN_FORMS = ("add", "import", "process_import", "import_errors", "export")


def _regional_out(case: Case) -> str:
    """Of the two 南京 roles, the one asked about the 苏州 object: the one the URL lets in
    (a missing scope check shows only to a role that has the permission), else the
    supervisor."""
    inside = dataclasses.replace(case, side="in")
    for role in REGIONAL:
        if 200 in expected_for(inside, role):
            return role
    return REGIONAL[0]


def _get_roles(case: Case) -> tuple[str, ...]:
    """The roles a case is asked as: every role on every URL, each scoped role in and out of
    its scope, except where the answer cannot differ:

    * a ``.json`` format-suffix duplicate serves the same view as its plain twin: it is asked
      by the city supervisor only (once in scope, once out of it);
    * a public page or API answers everyone alike: asked anonymously and as the
      administrator, who could see most were it not public;
    * the administrator and the province supervisor see both cities: asked on one side only;
    * a view that takes only a POST answers a GET before it looks at the object: asked on one
      side only (``test_write`` POSTs on both);
    * an anonymous visitor meets the sign-in wall on either side, both cities lie outside the
      scope of a user without a role, and of a liaison for what belongs to a region only:
      asked on one side only (public pages and API on every side);
    * those who may not use the admin are sent to its sign-in before it looks at anything:
      asked on one side only, and of them the user without a role (the liaison holds more
      permissions) only on the admin pages that are not about one object;
    * on the admin's pages of one object, the province supervisor has the city supervisor's
      permissions (asked in scope) and the administrator's view of both cities (asked out of
      scope): not asked again. (Its scope is checked by every list and changelist, and by the
      workspace's and the API's pages of one object.)
    * on the admin's forms that are not about one object (add, import, export), the
      province supervisor has the city supervisor's permissions: not asked again (the
      changelists show its scope);
    * on the admin's histories and redirects, which the administrator reaches unscoped like
      the admin's change page (asked), the administrator is not asked again;
    * out of scope, of the two 南京 roles only the one the URL lets in (``_regional_out``);
      in scope, where both get the same error, or the same admin history or redirect, only
      the supervisor.
    """
    if "format" in case.pattern.params:
        return ("city_supervisor",)
    roles = ROLES
    if case.kind == "public_api" or (case.kind == "web" and case.detail.kind == "public"):
        roles = ("anonymous", "administrator")
    if _post_only(case):
        return roles if case.side in ("in", None) else ()
    admin = case.kind == "admin"
    if admin and case.side is None and case.detail is not None and _admin_form(case):
        roles = tuple(r for r in roles if r != "province_supervisor")
    if case.side not in ("in", "out") or _is_public(case):
        return roles
    if case.side == "in":
        drop = set(FULL_VIEW)
        if admin:
            drop.add("province_supervisor")
            if case.pattern.params:
                drop.add("no_role")
        same = expected_for(case, "city_supervisor") == expected_for(case, "auditor")
        if same and (
            200 not in expected_for(case, "auditor")
            or (admin and _admin_action(case.pattern) in SAME_FOR_ALL_READERS)
        ):
            drop.add("auditor")
    else:
        drop = {"anonymous", "no_role", *(r for r in REGIONAL if r != _regional_out(case))}
        if admin:
            drop |= {"liaison", "province_supervisor"}
            if _admin_action(case.pattern) in SAME_FOR_ALL_READERS:
                drop.add("administrator")
        elif case.kind in ("web", "api") and _case_object(case) in REGION_ONLY:
            drop.add("liaison")
    return tuple(r for r in roles if r not in drop)


def _admin_form(case: Case) -> bool:
    return _admin_action(case.pattern) in ADMIN_FORMS


def _case_object(case: Case) -> str | None:
    if case.kind == "web":
        return case.detail.obj
    if case.kind == "api":
        return API[case.detail[0]][1]
    return None


def _request(client, method, url, **kwargs):
    """One request in a savepoint rolled back afterwards, its body read inside it (a streamed
    export runs its queries while it is read): the world stays as built for the next one."""
    with transaction.atomic():
        try:
            response = getattr(client, method)(url, **kwargs)
            text = body_text(response)
        finally:
            transaction.set_rollback(True)
            translation.deactivate()
    return response, text


def check_get(world, case: Case, role: str, url: str) -> None:
    if _is_public(case) or case.pattern.name.startswith("public:"):
        cache.clear()  # the public API's rate limit counts in the cache
    response, text = _request(_client(world, case, role), "get", url)
    status = response.status_code
    redirect = None
    public = False
    if case.kind == "web":
        expected, redirect = expected_web(case, role)
        public = case.detail.kind in ("public", "special")
    elif case.kind == "api":
        expected = expected_api(case, role)
    elif case.kind == "api_root":
        expected = {200} if role != "anonymous" else {401, 403}
    elif case.kind == "public_api":
        expected = {404} if case.side == "unpublished" else {200}
        public = True
    else:
        expected, redirect = expected_admin(case, role)
    assert status in expected, f"{status}, expected {sorted(expected)}"
    if status == 302 and redirect:
        assert response["Location"].startswith(redirect), (
            f"redirected to {response['Location']}, not {redirect}"
        )
    text = check_no_leak(world, case, role, text, public, url)
    # A list shows what is in the role's scope.
    if (
        status == 200
        and case.kind == "web"
        and case.detail.shows
        and not dict(case.extra).get("export", "").startswith("history")
    ):
        kind = case.detail.shows
        marker = _shows_marker(world, kind, "in", role)
        if kind == "own_notification" or sees(role, "in"):
            assert marker in text, f"{marker!r} (in scope) is missing"
        if kind != "own_notification" and sees(role, "out"):
            out = _shows_marker(world, kind, "out", role)
            assert out in text, f"{out!r} (in scope) is missing"


def _by_pattern(pairs):
    """[(pattern, [items])] in the order met."""
    groups: dict = {}
    for pattern, item in pairs:
        groups.setdefault(pattern, []).append(item)
    return list(groups.items())


def _pattern_id(pattern: Pattern) -> str:
    return pattern.name + (".json" if "format" in pattern.params else "")


def _report(failures: list[str], what: str) -> None:
    assert not failures, (
        f"{len(failures)} {what} answered otherwise than declared in"
        " tests/integration/test_permission_matrix.py:\n" + "\n".join(failures)
    )


GET_GROUPS = _by_pattern((case.pattern, case) for case in CASES)


@pytest.mark.parametrize(
    ("pattern", "cases"), GET_GROUPS, ids=[_pattern_id(p) for p, _c in GET_GROUPS]
)
def test_get(world, pattern, cases):
    """Every case of one URL (its objects, actions and export formats) × the roles."""
    failures = []
    for case in cases:
        for role in _get_roles(case):
            url = case.id
            try:
                url = fill(world, case, role)
                check_get(world, case, role, url)
            except Exception as error:  # every failure is reported together, at the end
                failures.append(
                    f"  GET {url} ({case.id}) as {role}: {type(error).__name__}: {error}".rstrip()
                )
    _report(failures, "GET requests")


# --------------------------------------------------------------------------------------------
# The POST matrix: writes outside the scope answer 404 (or 403) and change nothing
# --------------------------------------------------------------------------------------------

# A payload that every form and serializer of a write finds valid where it can: were the
# scope check missing, the write would go through.
PAYLOAD = {
    "reason": "矩阵测试",
    "requirements": "矩阵测试",
    "deadline": "2099-01-01",
    "new_deadline": "2099-01-01",
    "explanation": "矩阵测试",
    "content": "矩阵测试",
    "grounds": "矩阵测试",
    "commitment_text": "矩阵测试",
    "statement": "矩阵测试",
    "approve": "true",
    "fulfilled": "false",
    "evidence": "矩阵测试",
    "severity": "general",
    "issuing_authority": "矩阵测试",
    "decision_number": "矩阵测试",
    "kind": "avoid_open_tender",
    "decided_on": "2026-01-01",
    "facts": "矩阵测试",
    "note": "矩阵测试",
    "required_response": "矩阵测试",
    "response": "矩阵测试",
    "response_deadline": "2099-01-01",
    "title": "矩阵测试",
    "name": "矩阵测试",
    "level": "city",
    "date": "2026-01-01",
    "promised_date": "2099-01-01",
    "value": "1",
}


def _write_cases():
    found = []
    for case in CASES:
        if case.side not in ("in", "out"):
            continue
        if case.kind == "web" and case.detail.kind in ("perm", "login") and case.detail.obj:
            # Only the views that take a POST; a page answers it with 405.
            if not hasattr(getattr(case.pattern.callback, "view_class", None), "post"):
                continue
            if any(k == "export" for k, _v in case.extra):
                continue
            found.append((case, "post"))
        elif case.kind == "api" and case.pattern.params and "format" not in case.pattern.params:
            prefix, suffix = case.detail
            actions = API[prefix][2]
            if suffix in actions and actions[suffix][0] == "POST":
                found.append((case, "post"))
            elif suffix == "detail":
                found.append((case, "patch"))
        elif case.kind == "admin" and _admin_action(case.pattern) in ("change", "delete"):
            found.append((case, "post"))
    return found


WRITE_CASES = _write_cases()


def _fingerprint(world, obj):
    with connection.cursor() as cursor:
        cursor.execute(world.counts_sql)
        counts = cursor.fetchone()
    row = type(obj)._default_manager.filter(pk=obj.pk).values().first()
    return counts, row


def _target(world, case, side, role):
    if case.kind == "web":
        return _obj(world, case.detail.obj, side, role)
    if case.kind == "api":
        return _obj(world, API[case.detail[0]][1], side)
    return _obj(world, _admin_kind(case.detail), side)


def _write_roles(case: Case) -> tuple[str, ...]:
    """Who writes. In scope: the roles that may not write at all (auditors, users without a
    role) and anonymous visitors; in-scope writes by roles that may write are the feature
    tests' business. Out of scope: the city supervisor, who holds the write permissions, and
    the liaison (outside the admin, which sends liaisons to its sign-in whatever the object).
    Someone's notification: everyone but its recipient (the city supervisor's "in" one)."""
    if case.kind == "web" and case.detail.obj == "notification":
        if case.side == "in":
            return tuple(r for r in ROLES if r != "city_supervisor")
        return tuple(r for r in ROLES if r not in ("anonymous", "no_role"))
    if case.side == "in":
        return ("anonymous", "auditor", "no_role")
    if case.kind == "admin":
        return ("city_supervisor",)
    return ("city_supervisor", "liaison")


def check_write(world, case: Case, method: str, role: str, url: str) -> None:
    target = _target(world, case, case.side, role)
    client = _client(world, case, role)
    with transaction.atomic():
        try:
            before = _fingerprint(world, target)
            if method == "patch":
                response = client.patch(url, data=PAYLOAD, content_type="application/json")
            else:
                response = client.post(url, data=PAYLOAD)
            text = body_text(response)
            after = _fingerprint(world, target)
        finally:
            transaction.set_rollback(True)
            translation.deactivate()
    status = response.status_code
    staff = role in ("administrator", "province_supervisor", "city_supervisor", "auditor")
    if role == "anonymous" or (case.kind == "admin" and not staff):
        # Signed out, or not staff: the sign-in (the admin's own, for the admin).
        expected = {401, 403} if case.kind == "api" else {302}
    else:
        expected = {403, 404}
        if case.kind == "api" and method == "patch":
            expected |= {405}  # read-only endpoints have no update at all
    assert status in expected, f"{status}, expected {sorted(expected)}"
    if status == 302:
        login = ADMIN_LOGIN if case.kind == "admin" else LOGIN
        assert response["Location"].startswith(login), f"redirected to {response['Location']}"
    assert after == before, f"answered {status} but changed data"
    if not (case.kind == "web" and case.detail.obj == "notification"):
        check_no_leak(world, case, role, text, public=False, url=url)


WRITE_GROUPS = _by_pattern((case.pattern, (case, method)) for case, method in WRITE_CASES)


@pytest.mark.parametrize(
    ("pattern", "writes"), WRITE_GROUPS, ids=[_pattern_id(p) for p, _w in WRITE_GROUPS]
)
def test_write(world, pattern, writes):
    """Out of scope: 404 (or 403) and nothing changes. In scope, for roles that may not
    write at all (auditors, users without a role): 403 (or 404) and nothing changes."""
    failures = []
    for case, method in writes:
        for role in _write_roles(case):
            url = case.id
            try:
                url = fill(world, case, role)
                check_write(world, case, method, role, url)
            except Exception as error:  # every failure is reported together, at the end
                failures.append(
                    f"  {method.upper()} {url} ({case.id}) as {role}:"
                    f" {type(error).__name__}: {error}".rstrip()
                )
    _report(failures, "writes")
