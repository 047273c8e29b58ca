"""Feedback on draft scores through the API (``/api/v1/evaluations/feedback/``), the
workspace pages and the round's feedback register (XLSX/CSV)."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from evaluations.models import FeedbackStatus, Round, ScoreFeedback

from ..builders.evaluations import feedback_score, make_answer, make_feedback
from ..builders.files import pdf_bytes

pytestmark = pytest.mark.django_db
D = Decimal
URL = "/api/v1/evaluations/feedback/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- API ----------------------------------------------------------------------------------


def test_a_region_files_feedback_with_evidence(in_review, jiangning, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    score = feedback_score(in_review, "320115", "B")
    response = api(jiangning).post(
        URL,
        {
            "score": score.pk,
            "explanation": "政务公开年报已按期发布。",
            "proposed_value": "92",
            "files": [SimpleUploadedFile("年报.pdf", pdf_bytes())],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == FeedbackStatus.OPEN
    assert body["region"] == "320115"
    assert body["indicator_name"] == "B"
    assert body["score_at_filing"] == "80.00"
    assert body["proposed_value"] == "92.00"
    assert [a["original_name"] for a in body["attachments"]] == ["年报.pdf"]


def test_bad_input_is_a_400_naming_the_field(in_review, jiangning):
    score = feedback_score(in_review, "320115", "B")
    response = api(jiangning).post(URL, {"score": score.pk, "explanation": ""}, format="json")
    assert response.status_code == 400
    assert "explanation" in response.json()
    assert not ScoreFeedback.objects.exists()


def test_another_regions_score_is_a_404(in_review, xuanwu):
    score = feedback_score(in_review, "320115", "B")
    response = api(xuanwu).post(URL, {"score": score.pk, "explanation": "x"}, format="json")
    assert response.status_code == 404
    assert not ScoreFeedback.objects.exists()


def test_after_the_window_a_filing_is_a_409(in_review, jiangning, time_machine):
    closes = Round.objects.get(pk=in_review.pk).feedback_closes
    time_machine.move_to(
        datetime.datetime.combine(closes + datetime.timedelta(days=1), datetime.time(10))
    )
    score = feedback_score(in_review, "320115", "B")
    response = api(jiangning).post(URL, {"score": score.pk, "explanation": "x"}, format="json")
    assert response.status_code == 409
    assert closes.isoformat() in response.json()["detail"]


def test_each_region_lists_its_own_feedback_and_the_organiser_all(
    in_review, nanjing_supervisor, jiangning, xuanwu
):
    mine = make_feedback(in_review, "320115", "B", actor=jiangning)
    theirs = make_feedback(in_review, "320102", "B", actor=xuanwu)
    listed = [row["id"] for row in api(jiangning).get(URL).json()["results"]]
    assert listed == [mine.pk]
    assert api(jiangning).get(f"{URL}{theirs.pk}/").status_code == 404
    organiser = api(nanjing_supervisor).get(URL, {"round": in_review.pk}).json()
    assert {row["id"] for row in organiser["results"]} == {mine.pk, theirs.pk}
    open_only = api(nanjing_supervisor).get(URL, {"status": "pending"}).json()
    assert open_only["count"] == 2


def test_the_organiser_answers_with_a_rescore(in_review, nanjing_supervisor, jiangning):
    feedback = make_feedback(in_review, "320115", "B", actor=jiangning)
    subject = in_review.subjects.get(region__code="320115")
    response = api(nanjing_supervisor).post(
        f"{URL}{feedback.pk}/answer/",
        {"accept": True, "value": "85", "reason": "补充材料属实。"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == FeedbackStatus.ACCEPTED
    assert response.json()["new_value"] == "85.00"
    # (85 − 80) × 20 / 100 = 1 point more.
    assert in_review.subjects.get(pk=subject.pk).total == subject.total + D(1)


def test_the_region_cannot_answer_its_own_feedback(in_review, jiangning):
    feedback = make_feedback(in_review, "320115", "B", actor=jiangning)
    response = api(jiangning).post(
        f"{URL}{feedback.pk}/answer/", {"accept": False, "reason": "撤回"}, format="json"
    )
    assert response.status_code == 403
    assert ScoreFeedback.objects.get(pk=feedback.pk).status == FeedbackStatus.OPEN


def test_an_auditor_reads_but_neither_files_nor_answers(in_review, auditor, jiangning):
    feedback = make_feedback(in_review, "320115", "B", actor=jiangning)
    client = api(auditor)
    assert client.get(URL).json()["count"] == 1
    score = feedback_score(in_review, "320115", "A")
    assert client.post(URL, {"score": score.pk, "explanation": "x"}).status_code == 403
    assert client.post(f"{URL}{feedback.pk}/answer/", {"accept": False}).status_code == 403


def test_publishing_through_the_api_is_a_409_while_feedback_is_open(
    in_review, nanjing_supervisor, jiangning
):
    make_feedback(in_review, "320115", "B", actor=jiangning)
    response = api(nanjing_supervisor).post(f"/api/v1/evaluations/rounds/{in_review.pk}/publish/")
    assert response.status_code == 409
    assert "1" in response.json()["detail"]


def test_the_schema_describes_the_feedback_endpoints(auditor):
    schema = api(auditor).get("/api/schema/", {"format": "json"}).json()
    assert "/api/v1/evaluations/feedback/" in schema["paths"]
    assert "/api/v1/evaluations/feedback/{id}/answer/" in schema["paths"]
    create = schema["paths"]["/api/v1/evaluations/feedback/"]["post"]
    assert "multipart/form-data" in create["requestBody"]["content"]
    assert "FeedbackStatusEnum" in schema["components"]["schemas"]


# --- pages ----------------------------------------------------------------------------------


def test_the_region_files_feedback_from_its_subject_page(in_review, jiangning, login):
    subject = in_review.subjects.get(region__code="320115")
    client = login(jiangning)
    page = client.get(f"/workspace/evaluations/rounds/{in_review.pk}/subjects/{subject.pk}/")
    assert page.status_code == 200
    assert "feedback/" in page.content.decode()
    indicator = feedback_score(in_review, "320115", "B").indicator
    response = client.post(
        f"/workspace/evaluations/rounds/{in_review.pk}/subjects/{subject.pk}/feedback/",
        {"indicator": indicator.pk, "explanation": "请复核。", "proposed_value": ""},
    )
    feedback = ScoreFeedback.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/feedback/{feedback.pk}/")


def test_a_refused_filing_is_shown_next_to_the_form(in_review, jiangning, login):
    subject = in_review.subjects.get(region__code="320115")
    indicator = feedback_score(in_review, "320115", "B").indicator
    response = login(jiangning).post(
        f"/workspace/evaluations/rounds/{in_review.pk}/subjects/{subject.pk}/feedback/",
        {"indicator": indicator.pk, "explanation": "请复核。", "proposed_value": "120"},
    )
    assert response.status_code == 200
    assert "得分应在 0 至 100 之间" in response.content.decode()
    assert not ScoreFeedback.objects.exists()


def test_the_organiser_does_not_get_the_filing_form(in_review, nanjing_supervisor, login):
    subject = in_review.subjects.get(region__code="320115")
    page = login(nanjing_supervisor).get(
        f"/workspace/evaluations/rounds/{in_review.pk}/subjects/{subject.pk}/"
    )
    assert "/feedback/" not in page.content.decode()


def test_another_regions_subject_page_and_feedback_are_404(in_review, jiangning, xuanwu, login):
    feedback = make_feedback(in_review, "320115", "B", actor=jiangning)
    subject = in_review.subjects.get(region__code="320115")
    client = login(xuanwu)
    base = f"/workspace/evaluations/rounds/{in_review.pk}"
    assert client.get(f"{base}/subjects/{subject.pk}/").status_code == 404
    assert client.get(f"{base}/feedback/{feedback.pk}/").status_code == 404
    assert "请复核" not in client.get(f"{base}/").content.decode()


def test_the_round_page_lists_the_exchange_and_the_organiser_answers_it(
    in_review, nanjing_supervisor, jiangning, login
):
    feedback = make_feedback(in_review, "320115", "B", actor=jiangning)
    client = login(nanjing_supervisor)
    round_page = client.get(f"/workspace/evaluations/rounds/{in_review.pk}/").content.decode()
    assert f"/feedback/{feedback.pk}/" in round_page
    assert "1 条反馈待答复" in round_page
    response = client.post(
        f"/workspace/evaluations/rounds/{in_review.pk}/feedback/{feedback.pk}/",
        {"decision": "reject", "value": "", "reason": "证据不足。"},
    )
    assert response.status_code == 302
    assert ScoreFeedback.objects.get(pk=feedback.pk).status == FeedbackStatus.REJECTED


def test_the_evidence_is_served_only_to_who_may_read_the_feedback(
    in_review, jiangning, xuanwu, nanjing_supervisor, login, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    feedback = make_feedback(
        in_review,
        "320115",
        "B",
        actor=jiangning,
        files=[SimpleUploadedFile("年报.pdf", pdf_bytes())],
    )
    url = f"/workspace/evaluations/feedback-attachments/{feedback.attachments.get().pk}/"
    assert login(jiangning).get(url).status_code == 200
    assert login(nanjing_supervisor).get(url).status_code == 200
    assert login(xuanwu).get(url).status_code == 404


# --- the register -------------------------------------------------------------------------


def test_the_register_exports_every_item_for_the_organiser(
    in_review, nanjing_supervisor, jiangning, xuanwu, login
):
    accepted = make_feedback(in_review, "320115", "B", actor=jiangning)
    make_answer(accepted, accept=True, value="90", reason="予以采纳", actor=nanjing_supervisor)
    make_feedback(in_review, "320102", "B", actor=xuanwu, explanation="=HYPERLINK(1)")
    response = login(nanjing_supervisor).get(
        f"/workspace/evaluations/rounds/{in_review.pk}/feedback/export/"
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = rows[0]
    assert header[:3] == ["评价轮次", "行政区划代码", "评价对象"]
    by_code = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_code) == {"320115", "320102"}
    assert by_code["320115"]["状态"] == "已采纳"
    assert by_code["320115"]["复评分数"] == 90
    assert by_code["320102"]["状态"] == "待答复"
    assert by_code["320102"]["说明"].startswith("'=")


def test_a_region_exports_its_own_items_only(in_review, jiangning, xuanwu, login):
    make_feedback(in_review, "320115", "B", actor=jiangning)
    make_feedback(in_review, "320102", "B", actor=xuanwu)
    response = login(jiangning).get(
        f"/workspace/evaluations/rounds/{in_review.pk}/feedback/export/?format=csv"
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert [row[1] for row in rows[1:]] == ["320115"]
