"""The user admin speaks the reader's language: a described full-name column, a role filter
with the roles' translated names, and django-axes' pages with translated model names."""

import pytest
from django.contrib import admin
from django.test import Client
from django.utils import translation
from django.utils.translation import override

from core.admin.platform import AXES_MESSAGES
from core.roles import Role

from ..builders.core import UserFactory

pytestmark = pytest.mark.django_db


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def test_the_user_list_has_a_described_full_name_column(login, administrator):
    UserFactory(username="wang", last_name="王", first_name="明")

    page = english(login(administrator)).get("/admin/core/user/").content.decode()

    assert "Get full name" not in page
    assert ">Full name<" in page


def test_the_user_list_filters_by_role_with_the_roles_translated_names(
    login, administrator, nanjing_supervisor, auditor
):
    client = login(administrator)

    page = client.get("/admin/core/user/").content.decode()

    with override("zh-hans"):
        labels = [str(label) for _value, label in Role.choices]
    for label in labels:
        assert f">{label}</a>" in page
    assert "groups__id__exact" not in page  # the raw group names are gone

    listed = client.get("/admin/core/user/", {"role": Role.SUPERVISOR.value})
    names = {user.username for user in listed.context["cl"].result_list}
    assert names == {"nanjing"}


def test_every_axes_model_name_in_the_admin_index_is_a_message_of_ours():
    # django-axes has no Chinese catalogue; ours translates what its admin pages show, and
    # lists the messages (``AXES_MESSAGES``) so that makemessages keeps them.
    axes_models = [model for model in admin.site._registry if model._meta.app_label == "axes"]
    assert axes_models
    for model in axes_models:
        with translation.override("en"):  # axes' own (English) messages
            names = [str(model._meta.verbose_name), str(model._meta.verbose_name_plural)]
        for name in names:
            assert name in AXES_MESSAGES
            with translation.override("zh-hans"):
                assert translation.gettext(name) != name, f"{name!r} has no Chinese"
