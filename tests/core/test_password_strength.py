"""Passwords: at least 12 characters, not common, not all digits, not like the username, and a
mix of at least three of lower case, upper case, digits and other characters."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from core.models import Region, User
from core.validators import CharacterClassesValidator
from tests.builders.core import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

STRONG = "Jiangsu-credit-2026"
MIX_MESSAGE = "密码须至少包含小写字母、大写字母、数字和其他字符中的 3 类。"


@pytest.mark.parametrize(
    ("password", "classes"),
    [
        ("onlylowercaseletters", 1),
        ("lowercase-and-dashes", 2),
        ("lowercase4ndDigits", 3),
        ("Upper-lower-and-1", 4),
        ("诚信建设政务诚信建设abc", 2),
    ],
)
def test_it_counts_character_classes(password, classes):
    assert CharacterClassesValidator.classes_in(password) == classes


def test_a_long_password_of_two_classes_is_refused_and_three_accepted():
    with pytest.raises(ValidationError) as refused:
        validate_password("chengxin-supervisor")
    assert [error.code for error in refused.value.error_list] == ["password_too_uniform"]
    validate_password(STRONG)


@pytest.fixture
def admin_client(regions):
    client = Client()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def add_user(client, password):
    return client.post(
        "/admin/core/user/add/",
        {
            "username": "new-official",
            "password1": password,
            "password2": password,
            "role": "Auditor",
            "region": Region.objects.get(code="320100").pk,
            "language": "zh-hans",
        },
    )


def test_the_admin_refuses_to_create_a_user_with_a_weak_password_in_chinese(admin_client):
    response = add_user(admin_client, "weakpassword")

    assert response.status_code == 200
    html = response.content.decode()
    assert MIX_MESSAGE in html
    assert "密码太短" not in html  # 12 characters are enough
    assert not User.objects.filter(username="new-official").exists()
    short = add_user(admin_client, "Ab1-short").content.decode()
    assert "密码太短：至少需要 12 个字符。" in short


def test_the_admin_creates_a_user_with_a_strong_password(admin_client):
    response = add_user(admin_client, STRONG)

    assert response.status_code == 302
    assert User.objects.get(username="new-official").check_password(STRONG)


def test_the_password_change_page_refuses_a_weak_password_in_chinese(regions):
    user = UserFactory(username="nanjing", role="Supervisor", region=regions["320100"])
    client = Client()
    client.force_login(user)

    weak = client.post(
        "/accounts/password/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "nanjing-nanjing-nanjing",
            "new_password2": "nanjing-nanjing-nanjing",
        },
    )
    assert weak.status_code == 200
    assert MIX_MESSAGE in weak.content.decode()
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)

    strong = client.post(
        "/accounts/password/",
        {"old_password": TEST_PASSWORD, "new_password1": STRONG, "new_password2": STRONG},
    )
    assert strong.status_code == 302
    user.refresh_from_db()
    assert user.check_password(STRONG)
