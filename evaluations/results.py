"""Presentation of a round's results: the bar chart of totals and the XLSX laid out for
performance assessment (绩效考核)."""

import io
import math
from decimal import Decimal

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from credit_records.exports import neutralise_formula
from debt.charts import Bar, Threshold, bar_chart

from .models import Grade

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


def xlsx_response(evaluation_round, subjects, dimensions) -> HttpResponse:
    """One title row, one header row, one row per subject: rank, subject, dimension
    subtotals, weighted score, bonus, deduction, total, grade, change."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet(_("Results")[:31])
    title = workbook.add_format({"bold": True, "font_size": 14, "align": "center"})
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    number = workbook.add_format({"num_format": "0.00", "border": 1})
    text = workbook.add_format({"border": 1})
    headers = [
        _("Rank"),
        _("Subject"),
        *dimensions,
        _("Weighted score"),
        _("Bonus points"),
        _("Deduction points"),
        _("Total"),
        _("Grade"),
        _("Change against the previous round"),
    ]
    sheet.merge_range(
        0,
        0,
        0,
        len(headers) - 1,
        # The round's and dimensions' names are typed by users: text, never a formula
        # (``write`` and ``merge_range`` would store "=…" as one).
        neutralise_formula(
            _("%(round)s (%(start)s – %(end)s): results for performance assessment")
            % {
                "round": evaluation_round.name,
                "start": evaluation_round.period_start.isoformat(),
                "end": evaluation_round.period_end.isoformat(),
            }
        ),
        title,
    )
    for column, value in enumerate(headers):
        sheet.write_string(1, column, neutralise_formula(str(value)), header)
    for row, subject in enumerate(subjects, start=2):
        values = [
            subject.rank,
            neutralise_formula(subject.name),
            *(subject.dimension_scores.get(name) for name in dimensions),
            subject.base,
            subject.bonus,
            subject.deduction,
            subject.total,
            subject.get_grade_display() if subject.grade else "",
            subject.change,
        ]
        for column, value in enumerate(values):
            if value is None:
                sheet.write_blank(row, column, None, text)
            elif isinstance(value, (Decimal, int)) or (
                isinstance(value, str) and column >= 2 and _is_number(value)
            ):
                sheet.write_number(row, column, float(value), number)
            else:
                sheet.write_string(row, column, str(value), text)
    sheet.set_column(1, 1, 18)
    sheet.set_column(2, len(headers) - 1, 12)
    sheet.freeze_panes(2, 2)
    workbook.close()
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="evaluation-{evaluation_round.pk}-{stamp}.xlsx"'
    )
    return response


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True
