"""The Chinese reads as one office writes: one term per concept, full-width punctuation inside
Chinese sentences, and "全部" as the empty choice of every filter.

The terms, decided once:

* 决定文书号 — the number of a decision document (the national 双公示 field is
  行政处罚决定书文号; the record's field, its import column and its exports all say 决定文书号,
  so a spreadsheet made from an export imports again). Never 决定文号.
* 表彰 — a commendation, the record of an honour. 守信激励 is the incentive a commendation
  earns (the Jiangsu opinions: "受到表彰奖励的……予以守信激励"), never the name of the record.
"""

import importlib
import re
from pathlib import Path

import django_filters
import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

CJK = r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e“”‘’]"
# ASCII punctuation right next to a Chinese character (a space between counts as next to).
ASCII_IN_CHINESE = re.compile(rf"{CJK} ?[,:;()!?]|[,:;()!?] ?{CJK}")
# Placeholders are code, not prose: %(name)s, %d, %%, {name}.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif%]|\{\w*\}")


def catalogue():
    return [entry for entry in polib.pofile(str(CATALOGUE)) if not entry.obsolete]


def translations(entry) -> list[str]:
    return [entry.msgstr, *entry.msgstr_plural.values()]


def prose(text: str) -> str:
    return PLACEHOLDER.sub("0", text)


def ascii_punctuation_in_chinese(text: str) -> list[str]:
    return [match.group(0) for match in ASCII_IN_CHINESE.finditer(prose(text))]


@pytest.mark.parametrize(
    ("text", "is_wrong"),
    [
        ("未保存任何内容:原因", True),
        ("部门,地区", True),
        ("部门名称(全称)", True),
        ("请稍后再试!", True),
        ("按 GB 32100-2015, 以11开头", True),
        ("未保存任何内容：%(reason)s", False),
        ("统一社会信用代码（%(prefix)s）开头", False),
        ("年利率 %(rate)s%%（约定）", False),
        ("0.05% a day (none agreed)", False),
        ("API 密钥：abc,def", False),
    ],
)
def test_the_check_finds_ascii_punctuation_between_chinese_characters(text, is_wrong):
    assert bool(ascii_punctuation_in_chinese(text)) is is_wrong


def test_no_chinese_translation_puts_ascii_punctuation_inside_a_chinese_sentence():
    offending = {
        entry.msgid: text
        for entry in catalogue()
        for text in translations(entry)
        if ascii_punctuation_in_chinese(text)
    }
    assert offending == {}, "use ，。：；（）！？ inside Chinese sentences"


def test_a_decision_document_number_is_called_决定文书号_everywhere():
    entries = catalogue()
    assert [e.msgid for e in entries if any("决定文号" in t for t in translations(e))] == []
    by_id = {entry.msgid: entry.msgstr for entry in entries}
    assert by_id["Decision number"] == "决定文书号"
    assert by_id["decision document number"] == "决定文书号"

    from credit_records.models import DishonestyRecord
    from procurement.models import Violation

    with translation.override("zh-hans"):
        for model in (DishonestyRecord, Violation):
            assert str(model._meta.get_field("decision_number").verbose_name) == "决定文书号"


def test_a_commendation_is_表彰_and_守信激励_is_only_the_incentive_it_earns():
    for entry in catalogue():
        if "commendation" in entry.msgid.lower():
            for text in translations(entry):
                assert "守信激励" not in text, entry.msgid
    # The record's own names; "honours and commendations" (评优评先) is the selection for them.
    by_id = {entry.msgid: entry.msgstr for entry in catalogue()}
    for name in ("Commendations", "commendation", "commendations", "New commendation"):
        assert "表彰" in by_id[name], name

    from credit_records.models import Commendation

    with translation.override("zh-hans"):
        assert str(Commendation._meta.verbose_name) == "表彰"
        assert str(Commendation._meta.verbose_name_plural) == "表彰"


def test_the_commendation_pages_and_exports_say_表彰(login, nanjing_supervisor):
    client = login(nanjing_supervisor)
    page = client.get("/workspace/commendations/").content.decode()
    assert "<h1>表彰</h1>" in page
    assert "守信激励" in page  # the lead names the incentive a commendation earns
    assert "决定文号" not in client.get("/workspace/records/").content.decode()


def filtersets():
    """Every FilterSet the apps declare, in their ``filters`` modules."""
    found = {}
    for config in apps.get_app_configs():
        if not config.name.startswith(
            ("core", "credit_records", "procurement", "debt", "evaluations")
        ):
            continue
        for module_name in ("filters", "complaint_filters"):
            try:
                module = importlib.import_module(f"{config.name}.{module_name}")
            except ModuleNotFoundError:
                continue
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, django_filters.FilterSet)
                    and value.__module__ == module.__name__
                    and value._meta.model is not None
                ):
                    found[f"{value.__module__}.{value.__name__}"] = value
    return found


@pytest.mark.django_db
def test_every_filter_offers_全部_as_its_empty_choice(nanjing_supervisor):
    sets = filtersets()
    assert len(sets) >= 20
    empty_choices = {}
    with translation.override("zh-hans"):
        for name, filterset_class in sets.items():
            try:
                filterset = filterset_class(data={}, user=nanjing_supervisor)
            except TypeError:
                filterset = filterset_class(data={})
            for field_name, field in filterset.form.fields.items():
                if field_name == "o":  # the sort order: "默认排序", not a filter
                    continue
                choices = getattr(field.widget, "choices", None)
                if choices is None:
                    continue
                for value, label in list(choices)[:1]:
                    if value in ("", None):
                        empty_choices[f"{name}.{field_name}"] = str(label)
    assert empty_choices, "no filter with an empty choice found"
    assert {key: label for key, label in empty_choices.items() if label != "全部"} == {}


@pytest.mark.django_db
def test_a_yes_no_filter_starts_at_全部_not_at_未知(login, nanjing_supervisor):
    page = login(nanjing_supervisor).get("/workspace/officials/").content.decode()
    active = re.search(r'<select name="active"[^>]*>(.*?)</select>', page, re.S).group(1)
    first = re.search(r"<option[^>]*>([^<]*)</option>", active).group(1)
    assert first == "全部"
    assert "未知" not in active
