"""The JSON API under /api/v1/, with one error handler for every ApplicationError."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from contactcenter.core.errors import ApplicationError, ErrorCode
from contactcenter.core.rate_limits import retry_after_set

api = NinjaAPI(
    title="Contact Center API",
    version="1",
    description=(
        "Self-service case status and processing times, and the operations figures for "
        "supervisors signed in to the staff site. No personal data is returned."
    ),
    urls_namespace="api",
)


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    response = api.create_response(request, exc.as_dict(), status=exc.http_status)
    return retry_after_set(response, exc)


@api.exception_handler(RequestDataTooBig)
def request_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    # Django's own body limit, for a body that reached it (the ASGI cap usually answers first).
    message = _("The request is too large. Send at most %(mb)s MB.") % {
        "mb": f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024):g}"
    }
    return api.create_response(
        request, {"code": str(ErrorCode.REQUEST_TOO_LARGE), "message": message}, status=413
    )


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request,
        {
            "code": str(ErrorCode.INVALID_INPUT),
            "message": _("The request has a parameter that is missing or not valid."),
            "errors": exc.errors,
        },
        status=400,
    )


@api.exception_handler(AuthenticationError)
def not_signed_in(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    """A staff endpoint asked without a staff session: our shape, not Ninja's ``detail``."""
    return api.create_response(
        request,
        {
            "code": str(ErrorCode.PERMISSION_DENIED),
            "message": _("Sign in to the staff site first."),
        },
        status=401,
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own refusals (a body that is not JSON, above all) in our ``{code, message}``
    shape rather than its ``{"detail": ...}``."""
    if exc.status_code == 400:
        body = {
            "code": str(ErrorCode.INVALID_INPUT),
            "message": _("The request body is not valid JSON. Send a JSON object."),
        }
    elif exc.status_code == 404:
        body = {"code": str(ErrorCode.NOT_FOUND), "message": _("Nothing was found here.")}
    else:
        body = {
            "code": str(ErrorCode.INVALID_INPUT),
            "message": _("The request could not be handled as sent."),
        }
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(
        request,
        {"code": str(ErrorCode.NOT_FOUND), "message": _("Nothing was found here.")},
        status=404,
    )


# Each app that publishes endpoints exposes a Ninja ``router`` in its api.py.
from contactcenter.assistant.api import router as assistant_router  # noqa: E402
from contactcenter.cases.api import router as cases_router  # noqa: E402
from contactcenter.desk.api import router as journeys_router  # noqa: E402
from contactcenter.operations.api import router as operations_router  # noqa: E402
from contactcenter.servicerequests.api import router as service_requests_router  # noqa: E402

api.add_router("/", cases_router)
api.add_router("/", service_requests_router)
api.add_router("/", assistant_router)
api.add_router("/", operations_router)
api.add_router("/", journeys_router)


_INDEX: dict[str, object] = {}


@api.get("/", include_in_schema=False)
def index(request: HttpRequest) -> dict[str, object]:
    """A short index at the API's root: what it is, where its documentation is, and each path
    with what it does (read once from the OpenAPI document)."""
    if not _INDEX:
        schema = api.get_openapi_schema()
        _INDEX.update(
            name=api.title,
            version=api.version,
            documentation=reverse("api:openapi-view"),
            openapi=reverse("api:openapi-json"),
            endpoints=[
                {"method": method.upper(), "path": path, "summary": operation.get("summary", "")}
                for path, operations in schema["paths"].items()
                for method, operation in operations.items()
            ],
        )
    return _INDEX
