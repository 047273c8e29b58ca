"""Platform test data: departments, users with a role, valid credit codes.

``UserFactory(role=...)`` gives the role through ``core.services.user_assign_role``, the way
an administrator does."""

import factory
from factory.django import DjangoModelFactory

from core.models import Department, DepartmentKind, Region, User
from core.roles import Role
from core.services import user_assign_role
from core.uscc import identifier_from_number, make_uscc

TEST_PASSWORD = "a-long-test-password"


# The credit-code prefix (GB 32100-2015 registration authority and category) that agrees with
# each department kind: 11 机关, 12 事业单位, 19 机构编制/其他.
PREFIX_BY_KIND = {
    DepartmentKind.ORGAN: "11",
    DepartmentKind.PUBLIC_INSTITUTION: "12",
    DepartmentKind.OTHER: "19",
}


def valid_uscc(sequence: int, region_code: str = "320100", prefix: str = "11") -> str:
    """A code valid under every rule of GB 32100-2015 (both check characters computed), one
    per ``sequence``: ``prefix`` "11" for a government organ, "12" a public institution,
    "91" an enterprise."""
    return make_uscc(
        prefix=prefix, region_code=region_code, identifier=identifier_from_number(sequence)
    )


def _nanjing() -> Region:
    """南京市, loaded again first if a transactional test earlier on this worker flushed the
    reference regions."""
    region = Region.objects.filter(code="320100").first()
    if region is None:
        from core.reference import load_jiangsu_regions

        load_jiangsu_regions(Region)
        region = Region.objects.get(code="320100")
    return region


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"测试部门{n}")
    region = factory.LazyFunction(lambda: _nanjing())
    kind = DepartmentKind.ORGAN
    uscc = factory.LazyAttributeSequence(
        lambda o, n: valid_uscc(n + 1000, o.region.code, PREFIX_BY_KIND[o.kind])
    )


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
