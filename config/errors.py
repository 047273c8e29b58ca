"""The portal's error pages (``handler400``/``handler404``/``handler500`` in ``config.urls``).

Under ``/public/`` an anonymous visitor, often following an old link to a record that is no
longer published, gets the disclosure layout with a way back to the published records;
everywhere else the workspace layout. The workspace's 404 speaks of scope and its header
offers the sign-in page, neither of which means anything to the public.
"""

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotFound
from django.template import loader
from django.urls import reverse
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

from core.public import public_navigation


def is_public_path(request) -> bool:
    return request.path.startswith(reverse("public:home"))


def _render(request, status: int, context: dict | None = None) -> str:
    """The page for ``status`` in the layout of the part of the portal the path is in."""
    context = dict(context or {})
    if is_public_path(request):
        context["public_nav"] = public_navigation(request)
        template = f"public/{status}.html"
    else:
        template = f"{status}.html"
    return loader.get_template(template).render(context, request)


@requires_csrf_token
def bad_request(request, exception=None, *, message: str = ""):
    return HttpResponseBadRequest(_render(request, 400, {"message": message}))


@requires_csrf_token
def page_not_found(request, exception):
    if not is_public_path(request):
        return defaults.page_not_found(request, exception)
    return HttpResponseNotFound(_render(request, 404))


@requires_csrf_token
def server_error(request):
    # Rendered without the request's context processors, which read the database (the
    # workspace navigation counts unread notifications): the database may be what failed.
    if is_public_path(request):
        template = loader.get_template("public/500.html")
        context = {"public_nav": public_navigation(request), "request": request}
    else:
        template = loader.get_template("500.html")
        context = {}
    return HttpResponse(template.render(context), status=500)
