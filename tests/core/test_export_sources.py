"""Export sources: every exportable list is registered with core by its app, and the export
worker builds a job's rows from the registry alone, with no request and no view: the
requester's scope and the job's filter decide the rows, for a list of each app."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from core import export_jobs
from core.models import ExportJob, ExportStatus

from ..builders.debt import make_profile
from ..builders.procurement import make_project
from ..builders.records import make_record
from .test_background_exports import csv_of, file_bytes

# (source, what identifies a Nanjing row, what identifies a Suzhou row) in the CSV
SOURCES = {
    "workspace:record_list": ("宁财罚〔2026〕1号", "苏财罚〔2026〕7号"),
    "procurement:project_list": ("NJ-P1", "SZ-P1"),
    "debt:profile_list": ("南京市", "苏州市"),
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def rows(regions, nanjing_department, suzhou_department):
    make_record(nanjing_department, decision_number="宁财罚〔2026〕1号")
    make_record(suzhou_department, decision_number="苏财罚〔2026〕7号")
    make_project(nanjing_department, code="NJ-P1")
    make_project(suzhou_department, code="SZ-P1")
    make_profile(regions["320100"])
    make_profile(regions["320500"])


def run_job(user, source: str, query: str = "") -> str:
    """Queue a job as the database holds it and run the worker's function directly: there is
    no request anywhere, only the job's source name, filter and requester."""
    job = ExportJob.objects.create(
        requested_by=user,
        view_name=source,
        title="x",
        query=query,
        format="csv",
        language="en",
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    assert export_jobs.export_job_run(job.pk) == "done"
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE
    return "\n".join(",".join(row) for row in csv_of(file_bytes(job)))


def test_every_exportable_list_is_registered():
    for name in (
        "workspace:department_list",
        "workspace:record_list",
        "workspace:official_list",
        "workspace:commendation_list",
        "workspace:commitment_list",
        "procurement:project_list",
        "procurement:contract_list",
        "procurement:payment_list",
        "procurement:flag_list",
        "procurement:violation_list",
        "debt:profile_list",
        "debt:assessment_list",
        "debt:warning_list",
        "debt:emergency_list",
        "debt:audit_list",
        "debt:term_list",
        "debt:bond_list",
        "debt:rating_list",
    ):
        assert export_jobs.get_source(name).name == name


@pytest.mark.parametrize("source", SOURCES)
def test_the_worker_exports_the_requesters_scope_without_a_request(
    source, rows, nanjing_supervisor
):
    nanjing, suzhou = SOURCES[source]
    text = run_job(nanjing_supervisor, source)
    assert nanjing in text and suzhou not in text


@pytest.mark.parametrize("source", SOURCES)
def test_the_worker_applies_the_jobs_filter_without_a_request(
    source, rows, regions, province_supervisor
):
    nanjing, suzhou = SOURCES[source]
    assert nanjing in run_job(province_supervisor, source) and suzhou in run_job(
        province_supervisor, source
    )

    # The region filter offers the requester's regions, read from the job's user.
    text = run_job(province_supervisor, source, f"region={regions['320500'].pk}")
    assert suzhou in text and nanjing not in text


def test_a_region_outside_the_requesters_scope_is_not_a_valid_filter(
    rows, regions, nanjing_supervisor
):
    with pytest.raises(export_jobs.ExportRefused):
        export_jobs.export_source(
            user=nanjing_supervisor,
            view_name="procurement:project_list",
            query=f"region={regions['320500'].pk}",
        )


def test_an_unknown_source_is_refused_and_a_user_without_the_permission_denied(
    rows, nanjing_liaison
):
    with pytest.raises(export_jobs.ExportRefused):
        export_jobs.get_source("workspace:region_list")
    with pytest.raises(PermissionDenied):
        export_jobs.export_source(user=nanjing_liaison, view_name="debt:profile_list", query="")
