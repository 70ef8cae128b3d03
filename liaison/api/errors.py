"""API errors as DESIGN says: 400 field errors, 401, 403, 404, 409 — messages localised."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from liaison.access import Conflict as DomainConflict


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "conflict"
    default_code = "conflict"


def exception_handler(exc, context):
    # Domain errors raised by services become the statuses of the public contract.
    if isinstance(exc, DomainConflict):
        exc = Conflict(str(exc))
    elif isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or _("您无权执行此操作。"))
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code == 401:
        response.data = {"detail": str(getattr(exc, "detail", _("请先登录。")))}
    return response
