"""URLs reversed once per process (core/urls_memo.py) are the URLs ``reverse()`` gives."""

from django.urls import reverse, set_script_prefix

from core.urls_memo import memo_reverse, pk_url


def test_a_kept_url_is_the_reversed_one_under_each_script_prefix():
    try:
        for prefix in ("/", "/portal/"):
            set_script_prefix(prefix)
            record_url = pk_url("workspace:record_detail")
            for pk in (1, 7, 987654321, 10**12):
                assert record_url(pk) == reverse("workspace:record_detail", args=[pk])
            assert memo_reverse("workspace:record_list") == reverse("workspace:record_list")
            assert memo_reverse("workspace:record_list").startswith(prefix)
    finally:
        set_script_prefix("/")
