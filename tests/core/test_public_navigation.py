"""The public navigation is core's registry (``core.public.register_public_nav``), filled by
the apps when they are ready: the same items, labels and order as ever."""

from django.test import RequestFactory
from django.utils.translation import override

from core.public import public_navigation


def test_the_apps_fill_the_public_navigation_in_order():
    request = RequestFactory().get("/public/records/")
    with override("en"):
        items = public_navigation(request)
        labels = [str(item["label"]) for item in items]
    assert labels == [
        "Home",
        "Dishonesty records",
        "Evaluation results",
        "Government procurement",
        "Government debt",
        "Complaints",
        "Verify a report",
        "Transparency log",
    ]
    assert [item["url"] for item in items] == [
        "/public/",
        "/public/records/",
        "/public/evaluations/",
        "/public/procurement/",
        "/public/debt/",
        "/public/complaints/",
        "/public/reports/verify/",
        "/public/transparency/",
    ]
    # The home page is current only on itself; the others on their pages below them too.
    assert [item["current"] for item in items] == [False, True] + [False] * 6
