"""Demo data for ``make run``: believable Jiangsu departments and one account per role.

Idempotent: every object is found by its natural key before it is created, so running it
again changes nothing (except resetting the demo passwords).
"""

import hashlib

from django.db import transaction

from .models import Department, DepartmentKind, Region, User
from .reference import load_jiangsu_regions
from .roles import Role
from .services import user_assign_role
from .validators import USCC_ALPHABET, uscc_check_character

DEMO_PASSWORD = "chengxin-demo"

# (name, region code, kind, parent department name or None)
DEPARTMENTS = [
    ("江苏省发展和改革委员会", "320000", DepartmentKind.ORGAN, None),
    ("江苏省财政厅", "320000", DepartmentKind.ORGAN, None),
    (
        "江苏省公共信用信息中心",
        "320000",
        DepartmentKind.PUBLIC_INSTITUTION,
        "江苏省发展和改革委员会",
    ),
    ("江苏省住房和城乡建设厅", "320000", DepartmentKind.ORGAN, None),
    ("南京市人民政府办公厅", "320100", DepartmentKind.ORGAN, None),
    ("南京市发展和改革委员会", "320100", DepartmentKind.ORGAN, None),
    ("南京市财政局", "320100", DepartmentKind.ORGAN, None),
    ("南京市市场监督管理局", "320100", DepartmentKind.ORGAN, None),
    ("南京市交通运输局", "320100", DepartmentKind.ORGAN, None),
    ("南京市政府采购中心", "320100", DepartmentKind.PUBLIC_INSTITUTION, "南京市财政局"),
    ("南京市玄武区人民政府", "320102", DepartmentKind.ORGAN, None),
    ("南京市江宁区住房和城乡建设局", "320115", DepartmentKind.ORGAN, None),
    ("南京市鼓楼区教育局", "320106", DepartmentKind.ORGAN, None),
    ("苏州市人民政府办公室", "320500", DepartmentKind.ORGAN, None),
    ("苏州市发展和改革委员会", "320500", DepartmentKind.ORGAN, None),
    ("苏州市财政局", "320500", DepartmentKind.ORGAN, None),
    ("苏州市住房和城乡建设局", "320500", DepartmentKind.ORGAN, None),
    ("苏州市姑苏区人民政府", "320508", DepartmentKind.ORGAN, None),
    ("昆山市人民政府", "320583", DepartmentKind.ORGAN, None),
    ("昆山市财政局", "320583", DepartmentKind.ORGAN, None),
    ("常熟市水务局", "320581", DepartmentKind.ORGAN, None),
    ("无锡市财政局", "320200", DepartmentKind.ORGAN, None),
    ("无锡市交通运输局", "320200", DepartmentKind.ORGAN, None),
    ("江阴市人民政府", "320281", DepartmentKind.ORGAN, None),
    ("徐州市财政局", "320300", DepartmentKind.ORGAN, None),
    ("常州市市场监督管理局", "320400", DepartmentKind.ORGAN, None),
    ("南通市财政局", "320600", DepartmentKind.ORGAN, None),
    ("扬州市住房和城乡建设局", "321000", DepartmentKind.ORGAN, None),
    ("盐城市医疗保障局", "320900", DepartmentKind.ORGAN, None),
    ("泰州市人民医院", "321200", DepartmentKind.PUBLIC_INSTITUTION, None),
]

# (username, display name, role, region code or None, department name or None)
ACCOUNTS = [
    ("admin", "系统管理员", Role.ADMINISTRATOR, None, None),
    ("province", "省信用办 王主任", Role.SUPERVISOR, "320000", None),
    ("nanjing", "南京市信用办 李科长", Role.SUPERVISOR, "320100", None),
    ("suzhou", "苏州市信用办 陈科长", Role.SUPERVISOR, "320500", None),
    ("nanjing_liaison", "南京市财政局 赵联络员", Role.LIAISON, None, "南京市财政局"),
    ("auditor", "省审计厅 周审计员", Role.AUDITOR, "320000", None),
]


def demo_uscc(name: str, region_code: str, kind: str) -> str:
    """A valid, stable code for a demo department: 11 (organ) or 12 (institution), the
    region code, nine characters derived from the name, and the computed check character."""
    prefix = "12" if kind == DepartmentKind.PUBLIC_INSTITUTION else "11"
    digest = hashlib.sha256(name.encode()).digest()
    body = "".join(USCC_ALPHABET[byte % len(USCC_ALPHABET)] for byte in digest[:9])
    first17 = f"{prefix}{region_code}{body}"
    return first17 + uscc_check_character(first17)


@transaction.atomic
def seed_demo() -> dict[str, int]:
    created = {"regions": load_jiangsu_regions(Region), "departments": 0, "users": 0}
    regions = {region.code: region for region in Region.objects.all()}
    departments: dict[str, Department] = {}
    for name, region_code, kind, parent_name in DEPARTMENTS:
        department, was_created = Department.objects.get_or_create(
            uscc=demo_uscc(name, region_code, kind),
            defaults={
                "name": name,
                "region": regions[region_code],
                "kind": kind,
                "parent": departments.get(parent_name) if parent_name else None,
            },
        )
        departments[name] = department
        created["departments"] += was_created
    for username, display_name, role, region_code, department_name in ACCOUNTS:
        user, was_created = User.objects.get_or_create(username=username)
        created["users"] += was_created
        user.last_name = display_name
        user.email = f"{username}@demo.chengxin.invalid"
        user.is_superuser = role == Role.ADMINISTRATOR
        user.set_password(DEMO_PASSWORD)
        user.save()
        user_assign_role(
            user=user,
            role=role,
            region=regions[region_code] if region_code else None,
            department=departments[department_name] if department_name else None,
            actor=None,
        )
    return created
