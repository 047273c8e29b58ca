"""An evaluated region files feedback on a draft score with evidence; the organiser accepts it
with a new score; the region reads the answer and the round can then be published."""

import re

import pytest

from evaluations import services
from evaluations.models import FeedbackStatus, RoundStatus, ScoreFeedback
from tests.builders.core import UserFactory
from tests.builders.evaluations import feedback_score, make_scored_round
from tests.builders.files import pdf_bytes

from .test_rectification import sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_region_files_feedback_and_the_organiser_accepts_it_with_a_rescore(
    browser_page, live_server, regions, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    organiser = UserFactory(username="nanjing", role="Supervisor", region=regions["320100"])
    UserFactory(username="jiangning", role="Supervisor", region=regions["320115"])
    UserFactory(username="xuanwu", role="Supervisor", region=regions["320102"])
    evaluation_round = make_scored_round(regions, actor=organiser)
    subject = evaluation_round.subjects.get(region__code="320115")
    total_before = subject.total
    evidence = tmp_path / "政务公开年报.pdf"
    evidence.write_bytes(pdf_bytes(title="政务公开年报"))
    page = browser_page
    base = f"{live_server.url}/workspace/evaluations/rounds/{evaluation_round.pk}"

    # 江宁区 reads its draft scores and questions indicator B (scored 80).
    sign_in(page, live_server.url, "jiangning")
    page.goto(f"{base}/subjects/{subject.pk}/")
    assert page.get_by_text("以下为初评分数").is_visible()
    row = page.locator("tr", has=page.get_by_role("rowheader", name=re.compile(r"^B ")))
    row.get_by_text("对该评分提交反馈").click()
    row.get_by_label("说明").fill("评价组未采纳我区政务公开年报，现补充提交，请复核。")
    row.get_by_label("申请调整为").fill("90")
    row.get_by_label("证明材料").set_input_files(str(evidence))
    row.get_by_role("button", name="提交反馈").click()
    assert page.get_by_text("反馈已提交").is_visible()
    assert page.get_by_role("link", name="政务公开年报.pdf").is_visible()
    sign_out(page)

    # 玄武区 does not see 江宁区's feedback on the round page.
    sign_in(page, live_server.url, "xuanwu")
    page.goto(f"{base}/")
    assert page.get_by_text("尚无反馈").is_visible()
    sign_out(page)

    # The organiser cannot publish yet, then accepts the feedback with a new score.
    sign_in(page, live_server.url, "nanjing")
    page.goto(f"{base}/")
    page.get_by_role("button", name="公布", exact=True).click()
    assert page.get_by_text("1 条反馈尚未答复").is_visible()
    page.locator("#feedback").get_by_role("link", name="B").click()
    page.get_by_label("采纳并复评").check()
    page.get_by_label("复评分数").fill("90")
    page.get_by_label("理由").fill("年报已按期公开，予以采纳。")
    page.get_by_role("button", name="答复", exact=True).click()
    assert page.get_by_text("已答复该反馈").is_visible()
    page.goto(f"{base}/")
    page.get_by_role("button", name="公布", exact=True).click()
    assert page.get_by_text("已完成：公布").is_visible()
    sign_out(page)

    # 江宁区 reads the answer.
    feedback = ScoreFeedback.objects.get()
    sign_in(page, live_server.url, "jiangning")
    page.goto(f"{base}/feedback/{feedback.pk}/")
    assert page.get_by_text("年报已按期公开，予以采纳。").is_visible()

    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.ACCEPTED
    assert feedback_score(evaluation_round, "320115", "B").value == 90
    subject.refresh_from_db()
    # B weighs 20: (90 − 80) × 20 / 100 = 2 points more.
    assert subject.total == total_before + 2
    evaluation_round.refresh_from_db()
    assert evaluation_round.status == RoundStatus.PUBLISHED
    assert services.open_feedback_count(evaluation_round) == 0
