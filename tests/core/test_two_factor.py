"""Two-factor sign-in (TOTP, django-otp): required of the roles listed in
CHENGXIN_TWO_FACTOR_ROLES in the workspace and the admin; enrolment with recovery codes shown
once and single use; the reset by an administrator; wrong codes count towards django-axes'
lockout like wrong passwords."""

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import LogEntry
from django.test import Client, override_settings
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.signin import two_factor
from tests.builders.core import TEST_PASSWORD, UserFactory
from tests.builders.signin import code_for, enrol, unthrottle, wrong_code

pytestmark = [pytest.mark.django_db]

LOGIN = "/accounts/login/"
VERIFY = "/accounts/two-factor/verify/"
SETUP = "/accounts/two-factor/"
REQUIRED = override_settings(CHENGXIN_TWO_FACTOR_ROLES=["Administrator", "Supervisor"])


@pytest.fixture(autouse=True)
def two_factor_required():
    with REQUIRED:
        yield


@pytest.fixture
def supervisor(regions):
    return UserFactory(username="nanjing", role="Supervisor", region=regions["320100"])


def sign_in(client, username="nanjing", password=TEST_PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_a_supervisor_without_an_authenticator_is_sent_to_set_one_up_before_any_page(supervisor):
    client = Client()
    assert sign_in(client).status_code == 302

    response = client.get("/workspace/records/")

    assert response.status_code == 302
    assert response["Location"].startswith(SETUP + "?next=/workspace/records/")
    page = client.get(SETUP)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html
    assert "扫描" in html or "二维码" in html
    assert page["Cache-Control"].startswith("no-store")


def test_enrolling_with_the_right_code_shows_ten_recovery_codes_once(supervisor):
    client = Client()
    sign_in(client)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=supervisor, confirmed=False)

    wrong = client.post(SETUP, {"action": "confirm", "code": wrong_code(device)})
    assert wrong.status_code == 200
    assert not two_factor.is_enrolled(supervisor)
    unthrottle(device)

    response = client.post(SETUP, {"action": "confirm", "code": code_for(device)})

    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10
    assert all(code in response.content.decode() for code in codes)
    assert two_factor.is_enrolled(supervisor)
    # The session is verified: the workspace opens, and the codes are not on the page again.
    assert client.get("/workspace/").status_code == 200
    again = client.get(SETUP).content.decode()
    assert not any(code in again for code in codes)
    assert "10" in again


def test_a_password_alone_does_not_sign_in_an_enrolled_supervisor(supervisor):
    device, _codes = enrol(supervisor)
    client = Client()

    response = sign_in(client, next="/workspace/records/")

    assert response.status_code == 302
    assert response["Location"] == VERIFY
    assert signed_in_user_id(client) is None
    assert client.get("/workspace/").status_code == 302

    done = client.post(VERIFY, {"code": code_for(device)})

    assert done.status_code == 302
    assert done["Location"] == "/workspace/records/"
    assert signed_in_user_id(client) == str(supervisor.pk)
    assert client.get("/workspace/").status_code == 200


def test_a_wrong_code_is_refused_with_a_chinese_message_and_signs_nobody_in(supervisor):
    device, _codes = enrol(supervisor)
    client = Client()
    sign_in(client)

    response = client.post(VERIFY, {"code": wrong_code(device)})

    assert response.status_code == 200
    assert "验证码" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_a_recovery_code_signs_in_once_only(supervisor):
    _device, codes = enrol(supervisor)
    first = Client()
    sign_in(first)
    assert first.post(VERIFY, {"code": codes[0]}).status_code == 302
    assert signed_in_user_id(first) == str(supervisor.pk)
    assert StaticToken.objects.filter(device__user=supervisor).count() == 9

    second = Client()
    sign_in(second)
    response = second.post(VERIFY, {"code": codes[0]})

    assert response.status_code == 200
    assert signed_in_user_id(second) is None


def test_the_code_page_without_a_password_first_goes_back_to_sign_in(supervisor):
    enrol(supervisor)
    response = Client().get(VERIFY)
    assert response.status_code == 302
    assert response["Location"] == LOGIN


def test_an_auditor_whose_role_needs_no_second_factor_signs_in_with_the_password(regions):
    auditor = UserFactory(username="audit", role="Auditor", region=regions["320000"])
    client = Client()

    assert sign_in(client, "audit")["Location"] == "/workspace/"
    assert client.get("/workspace/").status_code == 200
    assert signed_in_user_id(client) == str(auditor.pk)


@override_settings(CHENGXIN_TWO_FACTOR_ROLES=["Administrator", "Supervisor", "Auditor"])
def test_the_roles_that_need_a_second_factor_are_a_setting(regions):
    UserFactory(username="audit", role="Auditor", region=regions["320000"])
    client = Client()
    sign_in(client, "audit")

    assert client.get("/workspace/")["Location"].startswith(SETUP)


def test_a_user_who_enrolled_by_choice_is_asked_for_the_code_too(regions):
    auditor = UserFactory(username="audit", role="Auditor", region=regions["320000"])
    enrol(auditor)

    assert sign_in(Client(), "audit")["Location"] == VERIFY


# --- The admin --------------------------------------------------------------------------------


def test_the_admin_requires_the_second_factor_of_a_supervisor(supervisor):
    client = Client()
    client.force_login(supervisor)  # a session with a password only

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)
    device, _codes = enrol(supervisor)
    assert client.get("/admin/")["Location"].startswith(VERIFY)
    assert client.post(VERIFY, {"code": code_for(device)}).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_admin_signs_in_on_the_portal_sign_in_page(supervisor):
    response = Client().get("/admin/login/?next=/admin/credit_records/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/credit_records/"
    # A password posted to the admin's form signs nobody in.
    client = Client()
    client.post("/admin/login/", {"username": "nanjing", "password": TEST_PASSWORD})
    assert signed_in_user_id(client) is None


def test_an_administrator_resets_a_lost_phone_and_the_reset_is_logged(supervisor, administrator):
    enrol(supervisor)
    admin_client = Client()
    admin_client.force_login(administrator)
    enrol(administrator)
    session = admin_client.session
    # The administrator's own session, verified with their device.
    from django_otp import DEVICE_ID_SESSION_KEY

    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=administrator).persistent_id
    session.save()

    response = admin_client.post(
        "/admin/core/user/",
        {"action": "reset_two_factor", "_selected_action": [supervisor.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert not two_factor.is_enrolled(supervisor)
    assert not StaticToken.objects.filter(device__user=supervisor).exists()
    assert two_factor.is_enrolled(administrator)
    entry = LogEntry.objects.get(object_id=str(supervisor.pk))
    assert entry.user == administrator
    assert "双重" in entry.get_change_message() or "two" in entry.change_message.lower()
    latest = supervisor.history.latest()
    assert administrator.username in latest.history_change_reason
    # At the next sign-in the supervisor enrols again.
    client = Client()
    sign_in(client)
    assert client.get("/workspace/")["Location"].startswith(SETUP)


# --- The lockout and the second factor together -------------------------------------------------


@pytest.fixture
def axes_on():
    with override_settings(AXES_ENABLED=True):
        yield


@pytest.mark.usefixtures("axes_on")
def test_wrong_codes_lock_the_account_like_wrong_passwords(supervisor):
    device, _codes = enrol(supervisor)
    client = Client()
    assert sign_in(client)["Location"] == VERIFY
    for _number in range(4):
        assert client.post(VERIFY, {"code": wrong_code(device)}).status_code == 200

    locking = client.post(VERIFY, {"code": wrong_code(device)})

    assert locking.status_code == 429
    assert "登录已锁定" in locking.content.decode()
    # Neither the right code nor the right password gets in now.
    assert client.post(VERIFY, {"code": code_for(device)}).status_code == 429
    assert sign_in(Client()).status_code == 429
    assert signed_in_user_id(client) is None


@pytest.mark.usefixtures("axes_on")
def test_wrong_passwords_and_wrong_codes_count_towards_one_lock(supervisor):
    device, _codes = enrol(supervisor)
    for _number in range(3):
        assert sign_in(Client(), password="wrong-password").status_code == 200
    client = Client()
    assert sign_in(client)["Location"] == VERIFY
    assert client.post(VERIFY, {"code": wrong_code(device)}).status_code == 200

    assert client.post(VERIFY, {"code": wrong_code(device)}).status_code == 429
    assert AccessAttempt.objects.get().failures_since_start == 5


@pytest.mark.usefixtures("axes_on")
def test_a_right_password_does_not_clear_the_count_until_the_code_is_right(supervisor):
    device, _codes = enrol(supervisor)
    for _round in range(2):
        client = Client()
        assert sign_in(client)["Location"] == VERIFY
        client.post(VERIFY, {"code": wrong_code(device)})
        client.post(VERIFY, {"code": wrong_code(device)})
    # Four wrong codes over two password sign-ins: one more and the account is locked.
    client = Client()
    sign_in(client)
    assert client.post(VERIFY, {"code": wrong_code(device)}).status_code == 429


@pytest.mark.usefixtures("axes_on")
def test_a_right_code_after_a_few_wrong_ones_signs_in_and_clears_the_count(supervisor):
    device, _codes = enrol(supervisor)
    client = Client()
    sign_in(client)
    for _number in range(3):
        client.post(VERIFY, {"code": wrong_code(device)})
    # django-otp's own throttle delays the next try after a failure; the test waits it out.
    unthrottle(device)

    response = client.post(VERIFY, {"code": code_for(device)})

    assert response.status_code == 302
    assert signed_in_user_id(client) == str(supervisor.pk)
    assert not AccessAttempt.objects.exists()
