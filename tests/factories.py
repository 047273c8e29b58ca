import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from credit_records import services
from credit_records.models import (
    Department,
    DepartmentKind,
    DishonestyRecord,
    PublicOfficial,
    RecordCategory,
    Region,
    Severity,
    User,
)
from credit_records.roles import Role
from credit_records.services import user_assign_role
from credit_records.validators import USCC_ALPHABET, uscc_check_character

TEST_PASSWORD = "a-long-test-password"


def valid_uscc(sequence: int, region_code: str = "320100", prefix: str = "11") -> str:
    body = ""
    value = sequence
    for _position in range(9):
        value, index = divmod(value, len(USCC_ALPHABET))
        body = USCC_ALPHABET[index] + body
    first17 = f"{prefix}{region_code}{body}"
    return first17 + uscc_check_character(first17)


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"测试部门{n}")
    region = factory.LazyFunction(lambda: Region.objects.get(code="320100"))
    uscc = factory.LazyAttributeSequence(lambda o, n: valid_uscc(n + 1000, o.region.code))
    kind = DepartmentKind.ORGAN


class UserFactory(DjangoModelFactory):
    """A user with a role: ``UserFactory(role="Supervisor", region=...)``."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)
    region = None
    department = None

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        self.save()
        if extracted:
            user_assign_role(
                user=self,
                role=Role(extracted),
                region=self.region,
                department=self.department,
                actor=None,
            )


class OfficialFactory(DjangoModelFactory):
    class Meta:
        model = PublicOfficial

    name = factory.Sequence(lambda n: f"公职人员{n}")
    employee_number = factory.Sequence(lambda n: f"E{n:05d}")
    department = factory.SubFactory(DepartmentFactory)
    position = "科长"


class RecordFactory(factory.Factory):
    """A draft dishonesty record, entered the way every record is: through
    ``services.record_create`` (as the system, ``actor=None``). Decided a month ago, so it is
    inside its disclosure window; pass ``decision_date`` to move it."""

    class Meta:
        model = DishonestyRecord

    department = factory.SubFactory(DepartmentFactory)
    category = RecordCategory.ADMINISTRATIVE_PENALTY
    severity = Severity.GENERAL
    decision_number = factory.Sequence(lambda n: f"苏财罚〔2026〕{n + 1}号")
    issuing_authority = "江苏省财政厅"
    decision_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    facts = "未按合同约定期限支付中小企业账款。"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.record_create(actor=kwargs.pop("actor", None), **kwargs)
