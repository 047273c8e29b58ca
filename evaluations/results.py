"""Presentation of a round's results: the bar chart of totals and the XLSX laid out for
performance assessment (绩效考核)."""

import io
import math
from decimal import Decimal

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.exports import (
    XLSX_CONTENT_TYPE,
    content_disposition,
    export_filename,
    neutralise_formula,
)
from debt.charts import Bar, Threshold, bar_chart

from .models import Grade, SubjectLevel
from .services import CENT, grade_cutoffs

GRADE_CSS = {
    Grade.EXCELLENT: "eval-excellent",
    Grade.GOOD: "eval-good",
    Grade.PASS: "eval-pass",
    Grade.FAIL: "eval-fail",
}


AXIS_STEP = 20


def axis_maximum(subjects) -> int:
    """The totals' axis: 0 to 100, or to the next 20 above the best total when bonus points
    carry one beyond 100 (a 0–200 axis squeezed the bars into its first half)."""
    best = max((subject.total for subject in subjects if subject.total is not None), default=0)
    return max(100, math.ceil(best / AXIS_STEP) * AXIS_STEP)


def totals_chart(evaluation_round, subjects, cutoffs) -> str:
    bars = [
        Bar(
            label=subject.name,
            value=subject.total,
            css=GRADE_CSS.get(subject.grade, "series-a"),
            note=subject.get_grade_display() if subject.grade else "",
        )
        for subject in subjects
    ]
    labels = [Grade.EXCELLENT.label, Grade.GOOD.label, Grade.PASS.label]
    thresholds = [
        Threshold(value=Decimal(str(cutoff)), label=str(label), css="threshold-grade")
        for cutoff, label in zip(cutoffs, labels, strict=False)
    ]
    return bar_chart(
        chart_id=f"round-{evaluation_round.pk}-totals",
        maximum=axis_maximum(subjects),
        tick_count=axis_maximum(subjects) // AXIS_STEP,
        title=_("Totals of %(round)s") % {"round": evaluation_round.name},
        description=_("One bar per subject, coloured by grade; the lines mark the grade cut-offs."),
        bars=bars,
        thresholds=thresholds,
    )


def xlsx_response(evaluation_round, subjects, dimensions, weights) -> HttpResponse:
    """The results laid out for performance assessment (绩效考核): a title (saying so when the
    round is not published, hence not final), what the results are (organising region and its
    code, subjects, status, publication date, scheme, the weights and grade cut-offs used),
    then one header row and one row per subject: rank, code(s), subject, dimension subtotals,
    weighted score, bonus, deduction, total, grade, change. Every score is a number cell
    with two decimals. A second sheet lists the weight of every indicator.

    ``weights`` is ``selectors.weights_used(evaluation_round)``."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet(_("Results")[:31])
    formats = {
        "title": workbook.add_format({"bold": True, "font_size": 14, "align": "center"}),
        "label": workbook.add_format({"bold": True}),
        "header": workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
        "number": workbook.add_format({"num_format": "#,##0.00", "border": 1}),
        "integer": workbook.add_format({"num_format": "0", "border": 1}),
        "text": workbook.add_format({"border": 1}),
    }
    code_headers = [_("Region code")]
    if evaluation_round.level == SubjectLevel.DEPARTMENT:
        code_headers.append(_("Unified social credit code"))
    first_score = len(code_headers) + 2  # after the rank, the codes and the subject
    headers = [
        _("Rank"),
        *code_headers,
        _("Subject"),
        *dimensions,
        _("Weighted score"),
        _("Bonus points"),
        _("Deduction points"),
        _("Total"),
        _("Grade"),
        _("Change against the previous round"),
    ]
    last_column = len(headers) - 1
    title = _("%(round)s (%(start)s – %(end)s): results for performance assessment") % {
        "round": evaluation_round.name,
        "start": evaluation_round.period_start.isoformat(),
        "end": evaluation_round.period_end.isoformat(),
    }
    if not evaluation_round.is_published:
        title = _("%(title)s (not published, for internal review only)") % {"title": title}
    # The round's, regions' and dimensions' names are typed by users: text, never a formula
    # (``write`` and ``merge_range`` would store "=…" as one).
    sheet.merge_range(0, 0, 0, last_column, neutralise_formula(title), formats["title"])
    about = _about(evaluation_round, weights)
    for row, (label, value) in enumerate(about, start=1):
        sheet.merge_range(row, 0, row, first_score - 2, str(label), formats["label"])
        sheet.merge_range(row, first_score - 1, row, last_column, neutralise_formula(str(value)))
    header_row = len(about) + 2  # a blank row between the description and the table
    for column, value in enumerate(headers):
        sheet.write_string(header_row, column, neutralise_formula(str(value)), formats["header"])
    for row, subject in enumerate(subjects, start=header_row + 1):
        _write_number(sheet, row, 0, subject.rank, formats["integer"], formats["text"])
        codes = [subject.region.code]
        if len(code_headers) > 1:
            codes.append(subject.department.uscc if subject.department else "")
        for column, code in enumerate(codes, start=1):
            sheet.write_string(row, column, code, formats["text"])
        sheet.write_string(row, first_score - 1, neutralise_formula(subject.name), formats["text"])
        scores = [
            *(subject.dimension_scores.get(name) for name in dimensions),
            subject.base,
            subject.bonus,
            subject.deduction,
            subject.total,
        ]
        for column, value in enumerate(scores, start=first_score):
            _write_number(sheet, row, column, value, formats["number"], formats["text"])
        grade = subject.get_grade_display() if subject.grade else ""
        sheet.write_string(row, last_column - 1, grade, formats["text"])
        _write_number(sheet, row, last_column, subject.change, formats["number"], formats["text"])
    sheet.set_column(0, first_score - 2, 16)
    sheet.set_column(first_score - 1, first_score - 1, 18)
    sheet.set_column(first_score, last_column, 12)
    sheet.freeze_panes(header_row + 1, first_score)
    sheet.autofilter(header_row, 0, header_row + len(subjects), last_column)
    _weights_sheet(workbook, weights, formats)
    workbook.close()
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    # The round's name (it says what was evaluated, in Chinese) and today's local date.
    response["Content-Disposition"] = content_disposition(
        export_filename(_("%(round)s results") % {"round": evaluation_round.name}, "xlsx")
    )
    return response


def _about(evaluation_round, weights) -> list[tuple[str, str]]:
    """The description above the table: what was evaluated, by whom, how, and how final."""
    cutoffs = [
        Decimal(str(value)).quantize(CENT)
        for value in (evaluation_round.grade_cutoffs or grade_cutoffs())
    ]
    published = (
        timezone.localtime(evaluation_round.published_at).date().isoformat()
        if evaluation_round.published_at
        else _("Not published")
    )
    dimension_weights = " · ".join(f"{item['dimension']} {item['weight']}" for item in weights)
    return [
        (_("Organising region"), evaluation_round.organiser.name),
        (_("Region code"), evaluation_round.organiser.code),
        (_("Subjects"), evaluation_round.get_level_display()),
        (_("Status"), evaluation_round.get_status_display()),
        (capfirst(_("published at")), published),
        (capfirst(_("scheme")), evaluation_round.scheme.name),
        (
            _("Weights"),
            _("%(weights)s (each indicator's weight: sheet “%(sheet)s”)")
            % {"weights": dimension_weights, "sheet": _("Weights")},
        ),
        (
            capfirst(_("grade cut-offs")),
            _("Grades: Excellent from %(a)s, Good from %(b)s, Pass from %(c)s, Fail below.")
            % dict(zip("abc", cutoffs, strict=False)),
        ),
    ]


def _weights_sheet(workbook, weights, formats) -> None:
    """Every dimension and indicator with the weight (or maximum points) the round used."""
    sheet = workbook.add_worksheet(_("Weights")[:31])
    headers = [
        _("Dimension"),
        _("Indicator"),
        _("Kind"),
        capfirst(_("weight")),
        capfirst(_("maximum points")),
    ]
    for column, value in enumerate(headers):
        sheet.write_string(0, column, str(value), formats["header"])
    row = 0
    for item in weights:
        row += 1
        sheet.write_string(row, 0, neutralise_formula(item["dimension"]), formats["label"])
        sheet.write_number(row, 3, float(item["weight"]), formats["number"])
        for indicator in item["indicators"]:
            row += 1
            sheet.write_string(row, 0, neutralise_formula(item["dimension"]), formats["text"])
            sheet.write_string(row, 1, neutralise_formula(indicator["name"]), formats["text"])
            sheet.write_string(row, 2, str(indicator["kind"]), formats["text"])
            _write_number(sheet, row, 3, indicator["weight"], formats["number"], formats["text"])
            _write_number(
                sheet, row, 4, indicator["max_points"], formats["number"], formats["text"]
            )
    sheet.set_column(0, 1, 24)
    sheet.set_column(2, 4, 14)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, row, len(headers) - 1)


def _write_number(sheet, row, column, value, number_format, blank_format) -> None:
    """A number cell (Decimal, int or a stored decimal string), or a blank one for none."""
    if value is None or (isinstance(value, str) and not _is_number(value)):
        sheet.write_blank(row, column, None, blank_format)
    else:
        sheet.write_number(row, column, float(value), number_format)


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True
