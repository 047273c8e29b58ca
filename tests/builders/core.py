"""Platform test data: departments, users with a role, valid credit codes.

``UserFactory(role=...)`` gives the role through ``core.services.user_assign_role``, the way
an administrator does."""

import factory
from factory.django import DjangoModelFactory

from core.models import Department, DepartmentKind, Region, User
from core.roles import Role
from core.services import user_assign_role
from core.validators import USCC_ALPHABET, uscc_check_character

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
