"""The data of ``python -m bench province``: a whole province, built with PostgreSQL's COPY.

The real 13 cities and 95 county-level regions (the data migration's reference regions),
40,000 departments, 250,000 officials, 1,000,000 dishonesty records (300,000 of them
published today), their timeline, 200,000 rectifications (50,000 open), 5,000,000 history
rows of the records, 200,000 procurement projects with contracts, acceptances and payments,
ten years of debt profiles for every region, and the complaints, objections, intake items,
issued reports, agreements and arrears of the other issues. ``--scale`` shrinks every count
(0.01 builds a one-hundredth province in seconds, to try the benchmark out).

Rows are generated in Python and streamed to ``COPY … FROM STDIN`` (psycopg's ``copy``), never
saved through the ORM one by one; rows derived from others (the timeline, the history) are
made by PostgreSQL itself with ``INSERT … SELECT``. Columns a generator does not give are
filled from the model (its default, ``auto_now``, NULL or an empty string), so a field added
later does not break the builder.
"""

import datetime
import random
import time
from decimal import Decimal

from psycopg import sql
from psycopg.types.json import Jsonb

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文斌辉鹏宇晨浩俊凯婷雪琳晶欣怡"
ORGANS = [
    "人民政府办公室",
    "发展和改革委员会",
    "教育局",
    "科学技术局",
    "工业和信息化局",
    "公安局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源和规划局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水务局",
    "农业农村局",
    "商务局",
    "文化广电和旅游局",
    "卫生健康委员会",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "城市管理局",
    "行政审批局",
    "数据局",
    "信访局",
    "机关事务管理局",
    "地方金融管理局",
    "体育局",
    "粮食和物资储备局",
    "税务局",
    "档案馆",
    "政务服务管理办公室",
    "国有资产监督管理委员会",
    "人民防空办公室",
    "公共资源交易中心",
    "融资担保中心",
]
INSTITUTIONS = [
    "第{n}中学",
    "第{n}小学",
    "第{n}人民医院",
    "第{n}幼儿园",
    "{n}号街道办事处",
    "社区卫生服务中心（{n}）",
    "城市建设投资服务中心第{n}分中心",
    "不动产登记中心第{n}服务点",
]
FACTS = [
    "未按合同约定期限支付中小企业账款，经督促后仍未整改。",
    "违反政府采购程序，擅自变更中标结果。",
    "未履行招商引资承诺的奖补政策，经法院判决后仍未执行。",
    "政务公开信息未按规定时限发布，经督办后仍未整改。",
]
CATEGORY_WEIGHTS = {
    "sme_arrears": 30,
    "administrative_penalty": 20,
    "court_judgment": 12,
    "broken_commitment": 10,
    "procurement_violation": 10,
    "dishonest_debtor": 6,
    "disciplinary_sanction": 5,
    "accountability": 4,
    "debt_default": 3,
}
COUNTING = [
    "confirmed",
    "rectification_required",
    "in_progress",
    "report_submitted",
    "verified",
    "closed",
]
RECTIFYING = ["rectification_required", "in_progress", "report_submitted"]
MARKER = "PROV"  # decision numbers of the province's records start with this

# The province's size at scale 1 (issue 25).
SIZES = {
    "departments": 40_000,
    "officials": 250_000,
    "published": 300_000,
    "records": 1_000_000,
    "rectifications": 200_000,
    "open_rectifications": 50_000,
    "history_per_record": 5,
    "suppliers": 20_000,
    "projects": 200_000,
    "complaints": 20_000,
    "objections": 10_000,
    "intake_items": 50_000,
    "reports": 5_000,
    "agreements": 10_000,
    "arrears": 10_000,
}


def scaled(scale: float) -> dict[str, int]:
    sizes = {name: max(1, round(count * scale)) for name, count in SIZES.items()}
    sizes["history_per_record"] = SIZES["history_per_record"]
    sizes["departments"] = max(sizes["departments"], 200)
    return sizes


class Copier:
    """Streams rows into one table with COPY; the columns it is not given get the model's
    default, NULL or an empty string (whichever the field allows)."""

    def __init__(self, model, columns: list[str]):
        from django.utils import timezone

        self.model = model
        self.table = model._meta.db_table
        by_name = {field.attname: field for field in model._meta.concrete_fields}
        unknown = set(columns) - set(by_name) - {"id"}
        if unknown:
            raise ValueError(f"{self.table}: no columns {sorted(unknown)}")
        now = timezone.now()
        self.json_positions = [
            index
            for index, name in enumerate(columns)
            if name in by_name and by_name[name].get_internal_type() == "JSONField"
        ]
        tail_names, tail = [], []
        for name, field in by_name.items():
            if name in columns or field.primary_key:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            elif field.has_default():
                value = field.get_default()
            elif field.null:
                value = None
            elif field.blank and field.get_internal_type() in (
                "CharField",
                "TextField",
                "SlugField",
                "EmailField",
            ):
                value = ""
            else:
                raise ValueError(f"{self.table}.{name} is required and was not given")
            if field.get_internal_type() == "JSONField":
                value = Jsonb(value)
            tail_names.append(field.column)
            tail.append(value)
        self.columns = [by_name[name].column if name in by_name else name for name in columns]
        self.columns += tail_names
        self.tail = tuple(tail)

    def copy(self, rows) -> int:
        from django.db import connection

        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(self.table), sql.SQL(", ").join(map(sql.Identifier, self.columns))
        )
        count = 0
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            tail, json_positions = self.tail, self.json_positions
            for row in rows:
                if json_positions:
                    row = list(row)
                    for index in json_positions:
                        row[index] = Jsonb(row[index])
                copy.write_row((*row, *tail))
                count += 1
        return count


def copy(model, columns: list[str], rows) -> int:
    return Copier(model, columns).copy(rows)


def reset_sequences(*models) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                sql.SQL(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    "COALESCE((SELECT max(id) FROM {}), 0) + 1, false)"
                ).format(sql.Identifier(table)),
                [table],
            )


def execute(statement: str, params=None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


class Builder:
    def __init__(self, scale: float, seed: int = 20261207):
        self.sizes = scaled(scale)
        self.rng = random.Random(seed)
        self.today = datetime.date.today()
        self.timings: list[tuple[str, int, float]] = []

    def step(self, name: str, function) -> None:
        started = time.perf_counter()
        rows = function()
        elapsed = time.perf_counter() - started
        self.timings.append((name, rows, elapsed))
        print(f"  {name:<44} {rows:>11,} rows {elapsed:>7.1f} s", flush=True)

    def build(self) -> None:
        self.step("departments", self.departments)
        self.step("users and roles (ORM)", self.users)
        self.step("officials", self.officials)
        self.step("dishonesty records", self.records)
        self.step("records' officials", self.record_officials)
        self.step("timeline (INSERT … SELECT)", self.timeline)
        self.step("rectifications", self.rectifications)
        self.step("history of the records (INSERT … SELECT)", self.history)
        self.step("suppliers", self.suppliers)
        self.step("projects, contracts, acceptances, payments", self.procurement)
        self.step("debt profiles", self.debt)
        self.step("complaints", self.complaints)
        self.step("objections", self.objections)
        self.step("intake items", self.intake)
        self.step("issued reports", self.reports)
        self.step("agreements, obligations, arrears", self.agreements)
        self.step("VACUUM ANALYZE", self.vacuum)

    # -- organisations ------------------------------------------------------------------

    def departments(self) -> int:
        from core.models import Department, Region
        from core.uscc import identifier_from_number, make_uscc

        regions = list(Region.objects.order_by("code").values_list("pk", "code", "name", "level"))
        names = {pk: name for pk, _code, name, _level in regions}
        parent = dict(Region.objects.values_list("pk", "parent_id"))
        per_region = self.sizes["departments"] // len(regions)
        rows, self.departments_of = [], {}
        number = 0
        for position, (pk, code, name, level) in enumerate(regions):
            prefix = name if level != "county" else names[parent[pk]] + name
            if level == "province":
                prefix = "江苏省"
            wanted = per_region + (position < self.sizes["departments"] % len(regions))
            made = []
            for index in range(wanted):
                if index < len(ORGANS):
                    title, kind, uscc_prefix = prefix + ORGANS[index], "organ", "11"
                else:
                    n = index - len(ORGANS)
                    template = INSTITUTIONS[n % len(INSTITUTIONS)]
                    title = prefix + template.format(n=n // len(INSTITUTIONS) + 1)
                    kind, uscc_prefix = "institution", "12"
                number += 1
                uscc = make_uscc(
                    prefix=uscc_prefix, region_code=code, identifier=identifier_from_number(number)
                )
                rows.append((number, title, uscc, pk, kind))
                made.append(number)
            self.departments_of[pk] = made
        self.region_of_department = {row[0]: row[3] for row in rows}
        self.department_ids = [row[0] for row in rows]
        count = copy(Department, ["id", "name", "uscc", "region_id", "kind"], rows)
        reset_sequences(Department)
        return count

    def users(self) -> int:
        from django.contrib.auth import get_user_model

        from core.models import Region
        from core.roles import Role
        from core.services import user_assign_role

        User = get_user_model()
        made = 0
        for username, code in (("prov-supervisor", "320000"), ("county-supervisor", "320583")):
            region = Region.objects.get(code=code)
            user = User.objects.create_user(username, password=None, region=region)
            user_assign_role(user=user, role=Role.SUPERVISOR, region=region, actor=None)
            made += 1
        # A liaison for one department in forty: the deadline scan's recipients. Saved in
        # bulk with their group (user_assign_role saves one at a time, with history).
        from django.contrib.auth.models import Group

        liaisons = User.objects.bulk_create(
            User(
                username=f"liaison-{department_id}",
                email=f"liaison-{department_id}@example.invalid",
                password="!",
                department_id=department_id,
            )
            for department_id in self.department_ids[::40]
        )
        group = Group.objects.get(name=Role.LIAISON.value)
        Membership = User.groups.through
        Membership.objects.bulk_create(
            Membership(user_id=u.pk, group_id=group.pk) for u in liaisons
        )
        return made + len(liaisons)

    def officials(self) -> int:
        from credit_records.models import PublicOfficial

        rng, count = self.rng, self.sizes["officials"]
        departments = self.department_ids
        self.officials_of: dict[int, list[int]] = {}
        positions = ["科员", "科长", "副科长", "主任", "副主任", "局长", "副局长", "处长"]

        def rows():
            for number in range(1, count + 1):
                department = departments[(number * 7919) % len(departments)]
                self.officials_of.setdefault(department, []).append(number)
                name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
                yield (number, name, f"GW{number:07d}", department, rng.choice(positions))

        made = copy(
            PublicOfficial, ["id", "name", "employee_number", "department_id", "position"], rows()
        )
        reset_sequences(PublicOfficial)
        return made

    # -- records --------------------------------------------------------------------------

    def records(self) -> int:
        from credit_records.models import DishonestyRecord
        from credit_records.rules import disclosure_window

        rng, today, sizes = self.rng, self.today, self.sizes
        categories = list(CATEGORY_WEIGHTS)
        weights = list(CATEGORY_WEIGHTS.values())
        departments = self.department_ids
        longest = {"general": 364, "serious": 3 * 365 - 2, "minor": 89}
        published, total = sizes["published"], sizes["records"]
        # The rest: records whose window ended (most of ten years' history), drafts,
        # exempted, withdrawn, undisclosed minor ones, and ones repaired early.
        hidden_kinds = [
            ("expired", 0.80),
            ("draft", 0.04),
            ("exempted", 0.03),
            ("withdrawn", 0.03),
            ("undisclosed", 0.07),
            ("repaired", 0.03),
        ]
        self.rectifying_records: list[tuple[int, datetime.date]] = []
        self.closed_records: list[tuple[int, datetime.date]] = []
        self.published_ids: list[int] = []
        self.record_official_pairs: list[tuple[int, int]] = []

        def row(number, kind):
            severity = rng.choices(("general", "serious", "minor"), (70, 25, 5))[0]
            status, disclose, repaired = rng.choice(COUNTING), True, None
            if kind == "published":
                age = rng.randint(0, longest[severity])
            elif kind == "expired":
                severity = "general" if severity == "minor" else severity
                age = longest[severity] + 2 + rng.randint(0, 3650 - longest[severity])
                status = "closed"
            else:
                age = rng.randint(0, longest[severity])
                if kind in ("draft", "exempted", "withdrawn"):
                    status = kind
                elif kind == "undisclosed":
                    severity, disclose = "minor", False
                else:
                    status, repaired = "closed", today
            decision = today - datetime.timedelta(days=age)
            minimum, ends = disclosure_window(severity, decision)
            if repaired is not None and repaired < minimum:
                # A repair comes after the minimum period: decided that much earlier.
                decision -= minimum - repaired
                minimum, ends = disclosure_window(severity, decision)
            if status in RECTIFYING:
                self.rectifying_records.append((number, decision))
            elif status in ("verified", "closed"):
                self.closed_records.append((number, decision))
            if kind == "published":
                self.published_ids.append(number)
            # A window that ended was ended by an earlier scan, which noted the day.
            expired_on = ends if kind == "expired" else None
            created = datetime.datetime.combine(decision, datetime.time(9), tzinfo=datetime.UTC)
            department = departments[rng.randrange(len(departments))]
            if number % 3 == 0 and department in self.officials_of:
                self.record_official_pairs.append((number, self.officials_of[department][0]))
            return (
                number,
                department,
                rng.choices(categories, weights)[0],
                severity,
                f"{MARKER}〔{decision.year}〕{number}号",
                "江苏省财政厅",
                decision,
                rng.choice(FACTS),
                status,
                disclose,
                minimum,
                ends,
                repaired,
                decision + datetime.timedelta(days=rng.randint(30, 200))
                if status == "closed"
                else None,
                expired_on,
                created,
                created,
            )

        def rows():
            number = 0
            for _n in range(published):
                number += 1
                yield row(number, "published")
            rest = total - published
            for kind, share in hidden_kinds:
                for _n in range(round(rest * share)):
                    number += 1
                    yield row(number, kind)

        columns = [
            "id",
            "department_id",
            "category",
            "severity",
            "decision_number",
            "issuing_authority",
            "decision_date",
            "facts",
            "status",
            "disclose",
            "minimum_period_ends",
            "disclosure_ends",
            "disclosure_ended_early_on",
            "closed_on",
            "disclosure_expired_on",
            "created_at",
            "updated_at",
        ]
        made = copy(DishonestyRecord, columns, rows())
        reset_sequences(DishonestyRecord)
        return made

    def record_officials(self) -> int:
        """A third of the records name an official of their department."""
        from credit_records.models import DishonestyRecord

        Through = DishonestyRecord.officials.through
        return copy(
            Through, ["dishonestyrecord_id", "publicofficial_id"], self.record_official_pairs
        )

    def timeline(self) -> int:
        from credit_records.models import RecordEvent

        table = RecordEvent._meta.db_table
        made = execute(
            f"INSERT INTO {table} (record_id, action, from_status, to_status, reason, "
            "reason_code, reason_params, at) SELECT id, 'created', '', 'draft', '', '', "
            "'{}'::jsonb, created_at FROM credit_records_dishonestyrecord"
        )
        made += execute(
            f"INSERT INTO {table} (record_id, action, from_status, to_status, reason, "
            "reason_code, reason_params, at) SELECT id, 'confirm', 'draft', 'confirmed', '', '', "
            "'{}'::jsonb, created_at + interval '1 day' FROM credit_records_dishonestyrecord "
            "WHERE status <> 'draft'"
        )
        return made

    def rectifications(self) -> int:
        from credit_records.models import Rectification

        rng, today = self.rng, self.today
        wanted_open = self.sizes["open_rectifications"]
        wanted_closed = self.sizes["rectifications"] - wanted_open
        opened = self.rectifying_records[:wanted_open]
        closed = self.closed_records[:wanted_closed]

        def rows():
            for record_id, decision in opened:
                # Due within five weeks: a fifth fall inside the 7-day reminder window.
                deadline = today + datetime.timedelta(days=rng.randint(1, 35))
                yield (record_id, deadline, "按期完成整改并提交整改报告。", None, decision)
            for record_id, decision in closed:
                deadline = decision + datetime.timedelta(days=30)
                verified = datetime.datetime.combine(
                    decision + datetime.timedelta(days=rng.randint(5, 45)),
                    datetime.time(10),
                    tzinfo=datetime.UTC,
                )
                yield (record_id, deadline, "按期完成整改并提交整改报告。", verified, decision)

        columns = ["record_id", "deadline", "requirements", "verified_at", "ladder_clock_from"]
        return copy(Rectification, columns, rows())

    def history(self) -> int:
        """``history_per_record`` versions of every record, made by PostgreSQL from the
        records themselves: the creation and later changes, a day apart."""
        from credit_records.models import DishonestyRecord

        history = DishonestyRecord.history.model
        fields = [
            field.column
            for field in DishonestyRecord._meta.concrete_fields
            if field.column in {f.column for f in history._meta.concrete_fields}
        ]
        columns = ", ".join(fields)
        source = ", ".join(f"r.{column}" for column in fields)
        return execute(
            f"INSERT INTO {history._meta.db_table} ({columns}, history_date, history_type, "
            f"history_change_reason) SELECT {source}, r.created_at + g * interval '1 day', "
            "CASE WHEN g = 0 THEN '+' ELSE '~' END, NULL "
            "FROM credit_records_dishonestyrecord r, generate_series(0, %s) g",
            [self.sizes["history_per_record"] - 1],
        )

    # -- procurement ----------------------------------------------------------------------

    def suppliers(self) -> int:
        from core.uscc import identifier_from_number, make_uscc
        from procurement.models import Supplier

        rng = self.rng
        count = self.sizes["suppliers"]
        rows = (
            (
                number,
                f"江苏{rng.choice(('恒', '瑞', '华', '信', '达', '通'))}{number}科技有限公司",
                make_uscc(
                    prefix="91",
                    region_code="320100",
                    identifier=identifier_from_number(900000 + number),
                ),
                number % 3 != 0,
            )
            for number in range(1, count + 1)
        )
        made = copy(Supplier, ["id", "name", "uscc", "is_sme"], rows)
        reset_sequences(Supplier)
        return made

    def procurement(self) -> int:
        from procurement.models import Acceptance, Contract, Payment, ProcurementProject

        rng, today = self.rng, self.today
        count, suppliers = self.sizes["projects"], self.sizes["suppliers"]
        departments = self.department_ids
        methods = ["open_tender", "inquiry", "competitive_consultation", "single_source"]
        projects, contracts, acceptances, payments = [], [], [], []
        for number in range(1, count + 1):
            notice = today - datetime.timedelta(days=rng.randint(30, 3650))
            budget = Decimal(rng.randint(50, 20_000) * 1000)
            awarded = number % 10 != 0
            award = notice + datetime.timedelta(days=rng.randint(15, 45))
            amount = (budget * Decimal(rng.randint(80, 100)) / 100).quantize(Decimal("0.01"))
            projects.append(
                (
                    number,
                    departments[rng.randrange(len(departments))],
                    f"JSZC-{notice.year}-{number:06d}",
                    f"{notice.year}年度办公设备采购项目（{number}）",
                    rng.choice(methods),
                    budget,
                    notice,
                    award if awarded else None,
                    rng.randint(1, suppliers) if awarded else None,
                    amount if awarded else None,
                )
            )
            if not awarded:
                continue
            signed = award + datetime.timedelta(days=rng.randint(5, 40))
            contracts.append((number, number, f"HT-{number:07d}", signed, amount, 30, 15))
            delivery = signed + datetime.timedelta(days=rng.randint(20, 90))
            acceptances.append((number, delivery, delivery + datetime.timedelta(days=7), "passed"))
            half = (amount / 2).quantize(Decimal("0.01"))
            due = delivery + datetime.timedelta(days=37)
            for sequence, part in ((1, half), (2, amount - half)):
                paid = due + datetime.timedelta(days=rng.randint(-20, 40))
                payments.append((number, sequence, part, due, paid, max(0, (paid - due).days)))
        made = copy(
            ProcurementProject,
            [
                "id",
                "purchaser_id",
                "code",
                "title",
                "method",
                "budget",
                "notice_date",
                "award_date",
                "supplier_id",
                "award_amount",
            ],
            projects,
        )
        made += copy(
            Contract,
            [
                "id",
                "project_id",
                "number",
                "signed_date",
                "amount",
                "payment_term_days",
                "acceptance_period_days",
            ],
            contracts,
        )
        made += copy(
            Acceptance, ["contract_id", "delivery_date", "acceptance_date", "result"], acceptances
        )
        made += copy(
            Payment,
            ["contract_id", "sequence", "amount", "due_date", "paid_date", "late_days"],
            payments,
        )
        reset_sequences(ProcurementProject, Contract)
        return made

    def debt(self) -> int:
        from core.models import Region
        from debt.models import DebtProfile

        rng, year = self.rng, self.today.year
        rows = []
        for region_id in Region.objects.exclude(level="province").values_list("pk", flat=True):
            capacity = Decimal(rng.randint(80, 2000))
            for past in range(1, 11):
                limit = (capacity * Decimal("1.2")).quantize(Decimal("0.0001"))
                balance = (limit * Decimal(rng.randint(70, 105)) / 100).quantize(Decimal("0.0001"))
                rows.append(
                    (
                        region_id,
                        year - past,
                        limit * Decimal("0.6"),
                        limit * Decimal("0.4"),
                        balance * Decimal("0.6"),
                        balance * Decimal("0.4"),
                        capacity,
                        (balance / 10).quantize(Decimal("0.0001")),
                        (balance / 40).quantize(Decimal("0.0001")),
                    )
                )
        columns = [
            "region_id",
            "year",
            "general_limit",
            "special_limit",
            "general_balance",
            "special_balance",
            "financial_capacity",
            "principal_due",
            "interest_due",
        ]
        return copy(DebtProfile, columns, rows)

    # -- the other issues' workflows --------------------------------------------------------

    def complaints(self) -> int:
        import hashlib

        from credit_records.models import Complaint

        rng, today = self.rng, self.today
        region_of = self.region_of_department
        departments = self.department_ids
        digest = hashlib.sha256(b"bench").hexdigest()

        def rows():
            for number in range(1, self.sizes["complaints"] + 1):
                department = departments[rng.randrange(len(departments))]
                # Most closed; the newest few days' still waiting for a decision.
                age = rng.randint(0, 700)
                received = today - datetime.timedelta(days=age)
                status = "closed" if age > 3 else "received"
                yield (
                    f"TS{received:%Y%m%d}{number:06d}",
                    digest,
                    department,
                    region_of[department],
                    "sme_arrears",
                    "拖欠我公司货款逾期未付。",
                    digest,
                    received,
                    received + datetime.timedelta(days=7),
                    status,
                    "no_finding" if status == "closed" else "",
                    "经核查未发现拖欠事实。" if status == "closed" else "",
                    received + datetime.timedelta(days=40) if status == "closed" else None,
                )

        columns = [
            "tracking_number",
            "query_code_hash",
            "department_id",
            "handling_region_id",
            "category",
            "description",
            "description_hash",
            "received_on",
            "decision_due",
            "status",
            "outcome",
            "outcome_reason",
            "closed_on",
        ]
        return copy(Complaint, columns, rows())

    def objections(self) -> int:
        from credit_records.models import Objection

        rng, today = self.rng, self.today
        chosen = rng.sample(
            self.published_ids, min(self.sizes["objections"], len(self.published_ids))
        )

        def rows():
            for record_id in chosen:
                filed = today - datetime.timedelta(days=rng.randint(0, 300))
                pending = filed > today - datetime.timedelta(days=10)
                yield (
                    record_id,
                    "pending" if pending else "rejected",
                    "facts_wrong",
                    "处罚决定认定的事实有误。",
                    filed + datetime.timedelta(days=2),
                    filed + datetime.timedelta(days=15),
                    "" if pending else "经复核，原记录事实清楚。",
                    datetime.datetime.combine(filed, datetime.time(10), tzinfo=datetime.UTC),
                )

        columns = [
            "record_id",
            "status",
            "grounds",
            "explanation",
            "acknowledge_due",
            "decide_due",
            "decision_reason",
            "filed_at",
        ]
        return copy(Objection, columns, rows())

    def intake(self) -> int:
        from core.models import Department, Region
        from credit_records.models import IntakeItem, IntakeSource

        source = IntakeSource.objects.create(
            name="省信用平台（基准）", code="bench-platform", kind="penalty"
        )
        province = Region.objects.get(code="320000").pk
        rng, today = self.rng, self.today
        codes = dict(Department.objects.values_list("pk", "uscc"))
        departments = self.department_ids

        def rows():
            for number in range(1, self.sizes["intake_items"] + 1):
                department = departments[rng.randrange(len(departments))]
                staged = number % 5 == 0
                yield (
                    source.pk,
                    "penalty",
                    f"苏信罚〔{today.year}〕{number}号",
                    "某部门",
                    codes[department],
                    department,
                    province,
                    today - datetime.timedelta(days=rng.randint(0, 365)),
                    "staged" if staged else "rejected",
                    {"document_number": f"苏信罚〔{today.year}〕{number}号"},
                    "" if staged else "重复推送。",
                )

        columns = [
            "source_id",
            "kind",
            "document_number",
            "subject_name",
            "subject_uscc",
            "department_id",
            "region_id",
            "decision_date",
            "status",
            "payload",
            "decision_reason",
        ]
        return copy(IntakeItem, columns, rows())

    def reports(self) -> int:
        import hashlib
        import secrets

        from core.models import IssuedReport

        rng, today = self.rng, self.today
        departments = self.department_ids

        def rows():
            for number in range(self.sizes["reports"]):
                issued = today - datetime.timedelta(days=rng.randint(0, 365))
                yield (
                    secrets.token_hex(13).upper(),
                    departments[rng.randrange(len(departments))],
                    "official",
                    "project",
                    issued - datetime.timedelta(days=3 * 365),
                    issued,
                    datetime.datetime.combine(issued, datetime.time(11), tzinfo=datetime.UTC),
                    issued + datetime.timedelta(days=90),
                    hashlib.sha256(str(number).encode()).hexdigest(),
                    ["records", "rectifications"],
                )

        columns = [
            "code",
            "department_id",
            "variant",
            "purpose",
            "period_start",
            "period_end",
            "issued_at",
            "valid_until",
            "sha256",
            "sections",
        ]
        return copy(IssuedReport, columns, rows())

    def agreements(self) -> int:
        from core.uscc import identifier_from_number, make_uscc
        from procurement.models import Agreement, ArrearsItem, Obligation

        rng, today = self.rng, self.today
        departments = self.department_ids
        agreements, obligations, arrears = [], [], []
        for number in range(1, self.sizes["agreements"] + 1):
            signed = today - datetime.timedelta(days=rng.randint(100, 2000))
            agreements.append(
                (
                    number,
                    departments[rng.randrange(len(departments))],
                    "investment",
                    f"ZS-{number:06d}",
                    f"招商引资协议（{number}）",
                    f"江苏投资{number}有限公司",
                    make_uscc(
                        prefix="91",
                        region_code="320100",
                        identifier=identifier_from_number(800000 + number),
                    ),
                    signed,
                )
            )
            for part in range(2):
                due = signed + datetime.timedelta(days=180 * (part + 1))
                obligations.append(
                    (number, "兑现奖补资金。", Decimal(rng.randint(10, 500) * 10000), due, due)
                )
        for number in range(1, self.sizes["arrears"] + 1):
            arrears.append(
                (
                    departments[rng.randrange(len(departments))],
                    f"QK-{number:06d}",
                    "goods",
                    "办公用品货款",
                    f"南京{number}商贸有限公司",
                    make_uscc(
                        prefix="91",
                        region_code="320100",
                        identifier=identifier_from_number(700000 + number),
                    ),
                    number % 4 != 0,
                    Decimal(rng.randint(1, 300) * 1000),
                    today - datetime.timedelta(days=rng.randint(1, 500)),
                )
            )
        made = copy(
            Agreement,
            [
                "id",
                "department_id",
                "kind",
                "number",
                "title",
                "counterparty_name",
                "counterparty_uscc",
                "signed_date",
            ],
            agreements,
        )
        made += copy(
            Obligation,
            ["agreement_id", "description", "amount", "agreed_due_date", "due_date"],
            obligations,
        )
        made += copy(
            ArrearsItem,
            [
                "department_id",
                "reference",
                "kind",
                "description",
                "creditor_name",
                "creditor_uscc",
                "creditor_is_sme",
                "amount",
                "due_date",
            ],
            arrears,
        )
        reset_sequences(Agreement)
        return made

    def vacuum(self) -> int:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        return 0
