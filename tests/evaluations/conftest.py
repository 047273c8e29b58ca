"""Fixtures of the feedback tests: the evaluated regions' own credit offices and the small
round under review (``tests/builders/evaluations.py``)."""

import pytest

from ..builders.core import UserFactory
from ..builders.evaluations import make_scored_round


@pytest.fixture
def jiangning(regions):
    """The credit office of 江宁区 (320115), evaluated in the small round."""
    return UserFactory(username="jiangning", role="Supervisor", region=regions["320115"])


@pytest.fixture
def xuanwu(regions):
    """The credit office of 玄武区 (320102), the other subject of the small round."""
    return UserFactory(username="xuanwu", role="Supervisor", region=regions["320102"])


@pytest.fixture
def in_review(regions, nanjing_supervisor, jiangning, xuanwu, settings):
    """The small round organised by 南京市 over 江宁区 and 玄武区, in review since today
    with a window of five working days."""
    settings.CHENGXIN_EVALUATION_FEEDBACK_WORKING_DAYS = 5
    return make_scored_round(regions, actor=nanjing_supervisor)
