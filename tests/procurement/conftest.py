import pytest

from ..builders.core import DepartmentFactory


@pytest.fixture(autouse=True)
def fixed_today(time_machine):
    """A fixed day well after the builders' dates, so nothing is in the future."""
    time_machine.move_to("2026-11-20 10:00:00+08:00", tick=False)


@pytest.fixture
def purchaser(nanjing_department):
    return nanjing_department


@pytest.fixture
def suzhou_purchaser(suzhou_department):
    return suzhou_department


@pytest.fixture
def other_purchaser(regions):
    return DepartmentFactory(name="南京市交通运输局", region=regions["320100"])
