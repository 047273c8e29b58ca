"""An emergency event's or a debt audit's own page shows it in full (the lists cut long
texts) with its change history; the lists link to it; another region's is a 404."""

import datetime
from decimal import Decimal

import pytest

from debt import services
from debt.models import DebtAudit, EmergencyEvent

pytestmark = pytest.mark.django_db

FINDINGS = "任期内新增政府债务较快，" * 20 + "个别项目收益不足以覆盖本息。"


@pytest.fixture
def audit(regions, nanjing_supervisor):
    return services.debt_record_save(
        actor=nanjing_supervisor,
        instance=DebtAudit(
            region=regions["320100"],
            leading_official="张某某",
            position="原市长",
            term_start=datetime.date(2019, 1, 10),
            term_end=datetime.date(2024, 12, 31),
            audit_authority="江苏省审计厅",
            report_number="苏审经责〔2025〕21号",
            report_date=datetime.date(2025, 6, 30),
            findings=FINDINGS,
            accountability="诫勉谈话",
        ),
    )


@pytest.fixture
def emergency(regions, nanjing_supervisor):
    return services.debt_record_save(
        actor=nanjing_supervisor,
        instance=EmergencyEvent(
            region=regions["320100"],
            title="平台公司债务本息逾期",
            level="IV",
            occurred_on=datetime.date(2025, 9, 18),
            description="到期债务本息未能按期偿还。",
            actions_taken="启动Ⅳ级应急响应。\n协商展期。",
            amount_involved=Decimal("3.2"),
        ),
    )


def test_an_audits_page_shows_the_full_findings_and_its_history(audit, auditor, login):
    client = login(auditor)

    listing = client.get("/workspace/debt/audits/").content.decode()
    assert f'href="/workspace/debt/audits/{audit.pk}/"' in listing
    assert FINDINGS not in listing  # cut in the list

    page = client.get(f"/workspace/debt/audits/{audit.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert FINDINGS in html and "诫勉谈话" in html and "2024-12-31" in html
    assert "nanjing" in html  # who created it, in the history
    assert 'href="/workspace/debt/regions/320100/"' in html
    region_page = client.get("/workspace/debt/regions/320100/").content.decode()
    assert f'href="/workspace/debt/audits/{audit.pk}/"' in region_page


def test_an_emergencys_page_shows_its_actions_and_level(emergency, auditor, login):
    client = login(auditor)

    listing = client.get("/workspace/debt/emergencies/").content.decode()
    assert f'href="/workspace/debt/emergencies/{emergency.pk}/"' in listing

    html = client.get(f"/workspace/debt/emergencies/{emergency.pk}/").content.decode()
    assert "启动Ⅳ级应急响应。<br>协商展期。" in html
    assert str(emergency.get_level_display()) in html
    region_page = client.get("/workspace/debt/regions/320100/").content.decode()
    assert f'href="/workspace/debt/emergencies/{emergency.pk}/"' in region_page


def test_another_regions_audit_or_emergency_is_not_found(
    audit, emergency, suzhou_supervisor, login
):
    client = login(suzhou_supervisor)
    assert client.get(f"/workspace/debt/audits/{audit.pk}/").status_code == 404
    assert client.get(f"/workspace/debt/emergencies/{emergency.pk}/").status_code == 404
