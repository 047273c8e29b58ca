"""Reference data every installation needs: Jiangsu's administrative divisions (GB/T 2260) and
the published one-year loan prime rates.

The province, its 13 prefecture-level cities and a selection of counties and districts.
More counties are added through the admin or the region import.
"""

PROVINCE = ("320000", "江苏省")

CITIES = [
    ("320100", "南京市"),
    ("320200", "无锡市"),
    ("320300", "徐州市"),
    ("320400", "常州市"),
    ("320500", "苏州市"),
    ("320600", "南通市"),
    ("320700", "连云港市"),
    ("320800", "淮安市"),
    ("320900", "盐城市"),
    ("321000", "扬州市"),
    ("321100", "镇江市"),
    ("321200", "泰州市"),
    ("321300", "宿迁市"),
]

COUNTIES = [
    ("320102", "玄武区"),
    ("320104", "秦淮区"),
    ("320105", "建邺区"),
    ("320106", "鼓楼区"),
    ("320111", "浦口区"),
    ("320113", "栖霞区"),
    ("320114", "雨花台区"),
    ("320115", "江宁区"),
    ("320116", "六合区"),
    ("320117", "溧水区"),
    ("320118", "高淳区"),
    ("320205", "锡山区"),
    ("320206", "惠山区"),
    ("320211", "滨湖区"),
    ("320213", "梁溪区"),
    ("320214", "新吴区"),
    ("320281", "江阴市"),
    ("320282", "宜兴市"),
    ("320302", "鼓楼区"),
    ("320311", "泉山区"),
    ("320381", "新沂市"),
    ("320382", "邳州市"),
    ("320402", "天宁区"),
    ("320404", "钟楼区"),
    ("320411", "新北区"),
    ("320412", "武进区"),
    ("320481", "溧阳市"),
    ("320505", "虎丘区"),
    ("320506", "吴中区"),
    ("320507", "相城区"),
    ("320508", "姑苏区"),
    ("320509", "吴江区"),
    ("320581", "常熟市"),
    ("320582", "张家港市"),
    ("320583", "昆山市"),
    ("320585", "太仓市"),
    ("320602", "崇川区"),
    ("320612", "通州区"),
    ("320681", "启东市"),
    ("320685", "海安市"),
]


def load_jiangsu_regions(region_model) -> int:
    """Create the missing reference regions; returns how many were created.

    Takes the model as an argument so the data migration can pass its historical model.
    Paths are set here explicitly because historical models do not run ``Region.save``.
    """
    created = 0

    def ensure(code, name, level, parent):
        nonlocal created
        path = (parent.path if parent else "") + f"{code}/"
        region, was_created = region_model.objects.get_or_create(
            code=code, defaults={"name": name, "level": level, "parent": parent, "path": path}
        )
        created += was_created
        return region

    province = ensure(*PROVINCE, "province", None)
    cities = {code: ensure(code, name, "city", province) for code, name in CITIES}
    for code, name in COUNTIES:
        ensure(code, name, "county", cities[code[:4] + "00"])
    return created


# The one-year loan prime rate (贷款市场报价利率) since the reform of 17 August 2019 (PBoC
# announcement 〔2019〕15号), as the National Interbank Funding Center published it on the
# 20th of the month (the next working day when the 20th is not one). Later changes are
# entered by an administrator in the admin (LoanPrimeRate).
LOAN_PRIME_RATES = [
    ("2019-08-20", "4.25"),
    ("2019-09-20", "4.20"),
    ("2019-11-20", "4.15"),
    ("2020-02-20", "4.05"),
    ("2020-04-20", "3.85"),
    ("2021-12-20", "3.80"),
    ("2022-01-20", "3.70"),
    ("2022-08-22", "3.65"),
    ("2023-06-20", "3.55"),
    ("2023-08-21", "3.45"),
    ("2024-07-22", "3.35"),
    ("2024-10-21", "3.10"),
    ("2025-05-20", "3.00"),
]


def load_loan_prime_rates(rate_model) -> int:
    """Add the published rates not on file yet (an administrator's corrections stay); returns
    how many were added. Takes the model so the data migration can pass its historical one."""
    import datetime
    from decimal import Decimal

    created = 0
    for day, percent in LOAN_PRIME_RATES:
        _rate, was_created = rate_model.objects.get_or_create(
            effective_date=datetime.date.fromisoformat(day),
            defaults={"one_year_percent": Decimal(percent)},
        )
        created += was_created
    return created
