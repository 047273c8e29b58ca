"""``get_<field>_display()`` with the labels kept per language (credit_records/model_base.py):
the same answers as Django's own, in the language active at each call."""

from django.db import models
from django.utils.translation import override

from credit_records.models import DishonestyRecord, RecordStatus, Severity
from procurement.models import ProcurementProject


def django_display(instance, name):
    """What Django's own ``Model._get_FIELD_display`` answers."""
    field = instance._meta.get_field(name)
    return models.Model._get_FIELD_display(instance, field)


def test_labels_follow_the_active_language():
    record = DishonestyRecord(status=RecordStatus.CONFIRMED, severity=Severity.SERIOUS)
    with override("en"):
        english = record.get_status_display()
        assert english == django_display(record, "status") == str(RecordStatus.CONFIRMED.label)
    with override("zh-hans"):
        chinese = record.get_status_display()
        assert chinese == django_display(record, "status")
        assert record.get_severity_display() == django_display(record, "severity")
    assert chinese != english


def test_a_value_that_is_not_a_choice_is_shown_as_it_is():
    record = DishonestyRecord(status="no-such-status", severity=None)
    assert record.get_status_display() == "no-such-status" == django_display(record, "status")
    assert record.get_severity_display() is None is django_display(record, "severity")


def test_every_app_s_models_use_it():
    project = ProcurementProject(method=ProcurementProject._meta.get_field("method").choices[0][0])
    with override("zh-hans"):
        assert project.get_method_display() == django_display(project, "method")
    assert type(project)._get_FIELD_display is not models.Model._get_FIELD_display
