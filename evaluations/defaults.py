"""The default scheme: the policy's five principles with equal weights. No official weights
have been published, so the portal labels it as its own default. Plain data, read by the
data migration (with historical models) and by ``services.default_scheme``.

Each dimension: (name, weight, indicators); each indicator: (name, kind, formula key,
weight, maximum points). Indicator weights within a dimension total the dimension's weight.
"""

from decimal import Decimal

DEFAULT_SCHEME_NAME = "政务诚信评价（默认方案）"
DEFAULT_SCHEME_DESCRIPTION = (
    "依法行政、政务公开、勤政高效、守信践诺、失信惩戒五项原则，权重相等。"
    "本方案为本系统默认方案，国家未公布官方权重。"
)

D = Decimal
DEFAULT_DIMENSIONS = [
    (
        "依法行政",
        D(20),
        [
            ("每百个部门政务失信记录", "computed", "records_per_100_departments", D(10), D(0)),
            ("政府采购风险预警（每百个项目）", "computed", "procurement_red_flags", D(5), D(0)),
            ("法治政府建设评价", "manual", "", D(5), D(0)),
        ],
    ),
    (
        "政务公开",
        D(20),
        [("政务信息公开评价", "manual", "", D(20), D(0))],
    ),
    (
        "勤政高效",
        D(20),
        [
            ("按期整改率", "computed", "rectification_on_time", D(10), D(0)),
            ("中小企业账款按期支付率", "computed", "sme_payment_on_time", D(10), D(0)),
        ],
    ),
    (
        "守信践诺",
        D(20),
        [
            ("公开承诺履约率", "computed", "commitments_kept", D(10), D(0)),
            ("政府债务风险等级", "computed", "debt_risk_grade", D(5), D(0)),
            ("政府债务限额管理", "computed", "debt_limit_compliance", D(5), D(0)),
        ],
    ),
    (
        "失信惩戒",
        D(20),
        [
            ("整改逾期升级督办", "computed", "escalated_rectifications", D(10), D(0)),
            ("失信惩戒落实评价", "manual", "", D(10), D(0)),
            ("诚信建设创新做法（加分）", "bonus", "", D(0), D(5)),
            ("重大政务失信事件（减分）", "deduction", "", D(0), D(10)),
        ],
    ),
]


def create_default_scheme(scheme_model, dimension_model, indicator_model, formula_texts=None):
    """Create the default scheme once; returns (scheme, created). Works with historical
    models in a migration as with the real ones."""
    existing = scheme_model.objects.filter(name=DEFAULT_SCHEME_NAME).first()
    if existing is not None:
        return existing, False
    scheme = scheme_model.objects.create(
        name=DEFAULT_SCHEME_NAME, description=DEFAULT_SCHEME_DESCRIPTION, is_default=True
    )
    for d_order, (d_name, d_weight, items) in enumerate(DEFAULT_DIMENSIONS, start=1):
        dimension = dimension_model.objects.create(
            scheme=scheme, name=d_name, weight=d_weight, order=d_order
        )
        for i_order, (name, kind, key, weight, max_points) in enumerate(items, start=1):
            indicator_model.objects.create(
                dimension=dimension,
                name=name,
                kind=kind,
                formula_key=key,
                formula_text=(formula_texts or {}).get(key, ""),
                weight=weight,
                max_points=max_points,
                order=i_order,
            )
    return scheme, True
