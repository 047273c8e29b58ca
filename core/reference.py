"""Reference data every installation needs: Jiangsu's administrative divisions (GB/T 2260) and
the published one-year loan prime rates.

The province, its 13 prefecture-level cities and all 95 county-level divisions (districts,
county-level cities and counties) as the 2023 edition of the codes lists them: 南通市's
崇川区 has had the code 320613 since it absorbed 港闸区 in 2020, and 海门 became a district
(320614) the same year. Later changes are made in the admin or with the region import.
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
    # 南京市
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
    # 无锡市
    ("320205", "锡山区"),
    ("320206", "惠山区"),
    ("320211", "滨湖区"),
    ("320213", "梁溪区"),
    ("320214", "新吴区"),
    ("320281", "江阴市"),
    ("320282", "宜兴市"),
    # 徐州市
    ("320302", "鼓楼区"),
    ("320303", "云龙区"),
    ("320305", "贾汪区"),
    ("320311", "泉山区"),
    ("320312", "铜山区"),
    ("320321", "丰县"),
    ("320322", "沛县"),
    ("320324", "睢宁县"),
    ("320381", "新沂市"),
    ("320382", "邳州市"),
    # 常州市
    ("320402", "天宁区"),
    ("320404", "钟楼区"),
    ("320411", "新北区"),
    ("320412", "武进区"),
    ("320413", "金坛区"),
    ("320481", "溧阳市"),
    # 苏州市
    ("320505", "虎丘区"),
    ("320506", "吴中区"),
    ("320507", "相城区"),
    ("320508", "姑苏区"),
    ("320509", "吴江区"),
    ("320581", "常熟市"),
    ("320582", "张家港市"),
    ("320583", "昆山市"),
    ("320585", "太仓市"),
    # 南通市
    ("320612", "通州区"),
    ("320613", "崇川区"),
    ("320614", "海门区"),
    ("320623", "如东县"),
    ("320681", "启东市"),
    ("320682", "如皋市"),
    ("320685", "海安市"),
    # 连云港市
    ("320703", "连云区"),
    ("320706", "海州区"),
    ("320707", "赣榆区"),
    ("320722", "东海县"),
    ("320723", "灌云县"),
    ("320724", "灌南县"),
    # 淮安市
    ("320803", "淮安区"),
    ("320804", "淮阴区"),
    ("320812", "清江浦区"),
    ("320813", "洪泽区"),
    ("320826", "涟水县"),
    ("320830", "盱眙县"),
    ("320831", "金湖县"),
    # 盐城市
    ("320902", "亭湖区"),
    ("320903", "盐都区"),
    ("320904", "大丰区"),
    ("320921", "响水县"),
    ("320922", "滨海县"),
    ("320923", "阜宁县"),
    ("320924", "射阳县"),
    ("320925", "建湖县"),
    ("320981", "东台市"),
    # 扬州市
    ("321002", "广陵区"),
    ("321003", "邗江区"),
    ("321012", "江都区"),
    ("321023", "宝应县"),
    ("321081", "仪征市"),
    ("321084", "高邮市"),
    # 镇江市
    ("321102", "京口区"),
    ("321111", "润州区"),
    ("321112", "丹徒区"),
    ("321181", "丹阳市"),
    ("321182", "扬中市"),
    ("321183", "句容市"),
    # 泰州市
    ("321202", "海陵区"),
    ("321203", "高港区"),
    ("321204", "姜堰区"),
    ("321281", "兴化市"),
    ("321282", "靖江市"),
    ("321283", "泰兴市"),
    # 宿迁市
    ("321302", "宿城区"),
    ("321311", "宿豫区"),
    ("321322", "沭阳县"),
    ("321323", "泗阳县"),
    ("321324", "泗洪县"),
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
