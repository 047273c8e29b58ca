"""The officials' workspace pages, by topic: ``home`` (home, departments, regions),
``records`` (dishonesty records and their steps), ``objections`` (异议申诉), ``credit_files``
(officials, commendations, commitments). The inbox, background exports and the site root
are core's (``core.views``)."""

import dataclasses

from django.utils.translation import gettext_lazy

from core.export_jobs import register_source
from core.reports.archive import DEPARTMENT_REPORTS_SOURCE, department_reports_archive

# The record actions' table lives beside the services (credit_records.actions); named here
# too, where the pages' URLs are.
from credit_records.actions import RECORD_ACTIONS, RecordAction

from .bulk import RecordBulkView
from .complaints import ComplaintListView
from .credit_files import (
    CommendationFormView,
    CommendationListView,
    CommitmentActionView,
    CommitmentFormView,
    CommitmentListView,
    OfficialDetailView,
    OfficialFormView,
    OfficialListView,
    ServiceFormView,
)
from .home import (
    DepartmentDetailView,
    DepartmentListView,
    RegionListView,
    WorkspaceHomeView,
)
from .objections import ObjectionListView, ObjectionStepView, objection_forms
from .records import (
    AttachmentDownloadView,
    ClaimReviewView,
    DecisionView,
    RecordActionView,
    RecordCreateView,
    RecordDetailView,
    RecordHistoryExportView,
    RecordListView,
    RecordUpdateView,
    RepairDecisionView,
    record_export_columns,
)

__all__ = [
    "RECORD_ACTIONS",
    "AttachmentDownloadView",
    "ClaimReviewView",
    "CommendationFormView",
    "CommendationListView",
    "CommitmentActionView",
    "CommitmentFormView",
    "CommitmentListView",
    "ComplaintListView",
    "DecisionView",
    "DepartmentDetailView",
    "DepartmentListView",
    "ObjectionListView",
    "ObjectionStepView",
    "OfficialDetailView",
    "OfficialFormView",
    "OfficialListView",
    "RecordAction",
    "RecordActionView",
    "RecordBulkView",
    "RecordCreateView",
    "RecordDetailView",
    "RecordHistoryExportView",
    "RecordListView",
    "RecordUpdateView",
    "RegionListView",
    "RepairDecisionView",
    "ServiceFormView",
    "WorkspaceHomeView",
    "objection_forms",
    "record_export_columns",
    "register_export_sources",
]


def register_export_sources() -> None:
    """The workspace lists' exports, for the download and the background worker alike."""
    for view in (
        DepartmentListView,
        RecordListView,
        OfficialListView,
        CommendationListView,
        CommitmentListView,
        ObjectionListView,
        ComplaintListView,
    ):
        register_source(view.as_export_source())
    # The departments' credit reports, a PDF each in a ZIP (a city's at once): the department
    # list's rows and filter, issued for the requester (core.reports.archive).
    register_source(
        dataclasses.replace(
            DepartmentListView.as_export_source(),
            name=DEPARTMENT_REPORTS_SOURCE,
            columns=list,
            filename=gettext_lazy("credit-reports"),
            permission="core.add_issuedreport",
            archive=department_reports_archive,
        )
    )
