"""Every user-facing string is translated into Simplified Chinese, and the shipped binary
catalogue matches its source."""

import shutil
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from .conftest import skip_or_fail

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
# Where user-facing strings live (the apps, settings and templates), plus the catalogue.
SOURCE_FOLDERS = [
    "config",
    "core",
    "credit_records",
    "procurement",
    "debt",
    "evaluations",
    "templates",
    "locale",
]
IGNORED = shutil.ignore_patterns("__pycache__", "*.mo")


def untranslated(po: polib.POFile) -> list[str]:
    return [entry.msgid for entry in po if not entry.obsolete and not entry.translated()]


def test_the_chinese_catalogue_has_no_untranslated_or_fuzzy_entry():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    assert untranslated(po) == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []


def test_the_compiled_catalogue_matches_its_source():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    mo = polib.mofile(str(CATALOGUE / "django.mo"))
    source = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in po.translated_entries()}
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo if e.msgid}
    assert compiled == source, "run `make messages` to recompile django.mo"


def test_every_string_in_the_code_and_templates_is_in_the_catalogue(tmp_path, monkeypatch):
    if not shutil.which("xgettext"):
        skip_or_fail("needs GNU gettext (xgettext) to extract the strings")
    # makemessages rewrites catalogues in place, so extract from a copy of the sources.
    root = Path(settings.BASE_DIR)
    for source in SOURCE_FOLDERS:
        if (root / source).is_dir():
            shutil.copytree(root / source, tmp_path / source, ignore=IGNORED)
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command("makemessages", locale=["zh_Hans"], no_obsolete=True, verbosity=0)
    missing = untranslated(polib.pofile(str(tmp_path / CATALOGUE.relative_to(root) / "django.po")))
    assert missing == [], "new strings need translating: run `make messages`"


def test_the_default_language_is_simplified_chinese(client, db):
    with translation.override(None):
        response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "zh-hans"
    assert "登录" in response.content.decode()


def test_a_commendation_level_reads_as_a_level_of_honour_not_as_a_region_level():
    from core.models import RegionLevel
    from credit_records.models import CommendationLevel

    with translation.override("zh-hans"):
        assert CommendationLevel.CITY.label == "市级"
        assert CommendationLevel.COUNTY.label == "县级"
        assert RegionLevel.CITY.label == "市"
    with translation.override("en"):
        assert CommendationLevel.CITY.label == "City"
