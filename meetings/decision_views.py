"""The decisions page `/decisions/`: every decision of approved minutes and where it stands,
with the filters of the API and the report / close / reopen actions (DESIGN "Meetings").

Thin views: `meetings.decisions` fetches (404), permits (403) and runs the transitions
(409, 400); these turn its answers into a message on the page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from issues import pending
from issues.attachments import attachment_response
from liaison.access import permission_required
from liaison.text import require_clean
from meetings import decisions
from meetings.models import FOLLOWING_ISSUE_LABEL, DecisionFile, DecisionState
from meetings.transitions import DECISION_TRANSITIONS, available_decision_transitions
from organisation.models import Department

PAGE_SIZE = 50
READ_MESSAGE = gettext_lazy("您没有查看议定事项的权限。")
FILTERS = ("year", "department", "state", "overdue")


@permission_required("meetings.read", message=READ_MESSAGE)  # a list: 403 without a role
@require_GET
def decision_list(request):
    return _render(request)


def _render(request, status: int = 200, bound: dict | None = None):
    params = {name: request.GET.get(name, "") for name in FILTERS}
    try:
        rows = decisions.filter_decisions(decisions.decisions_list(request.user), **params)
        error = ""
    except ValidationError as exc:
        rows, error = decisions.decisions_list(request.user).none(), "；".join(exc.messages)
        status = 400
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    entries = [
        {
            "decision": d,
            "actions": [
                DECISION_TRANSITIONS[name]
                for name in available_decision_transitions(d, request.user)
            ],
        }
        for d in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings/decisions.html",
        {
            "entries": entries,
            "page": page if page.paginator.num_pages > 1 else None,
            "count": page.paginator.count,
            "params": params,
            "query": query.urlencode(),
            "error": error,
            "bound": bound or {},
            "departments": Department.objects.order_by("pk").values_list("code", "name"),
            "states": [*DecisionState.choices, ("following_issue", FOLLOWING_ISSUE_LABEL)],
            "years": sorted(
                set(
                    decisions.visible_decisions(request.user)
                    .order_by()
                    .values_list("minutes__meeting__year", flat=True)
                ),
                reverse=True,
            ),
        },
        status=status,
    )


@login_required  # one decision: 404 for what the person may not see (decision_for)
@require_POST
def decision_transition(request, pk, name):
    decision = decisions.decision_to_change(request.user, pk, name)  # 404, then 403
    spec = DECISION_TRANSITIONS[name]
    text = request.POST.get(spec.field, "")
    # The report's files: chosen now, and kept from a failed try (issues.pending).
    kept = pending.kept_files(request) if spec.takes_files else []
    files = [*kept, *request.FILES.getlist("files")] if spec.takes_files else []
    try:
        require_clean(**{spec.field: text})
        decisions.perform_decision_transition(decision, name, request.user, text=text, files=files)
    except PermissionDenied as exc:
        return _refuse(request, str(exc), 403, pk, text)
    except decisions.DecisionConflict as exc:
        return _refuse(request, str(exc), 409, pk, text)
    except ValidationError as exc:
        kept = pending.keep_after_failure(request, kept)[0] if spec.takes_files else []
        return _refuse(request, "；".join(exc.messages), 400, pk, text, kept)
    pending.forget_unattached(request)
    messages.success(request, str(spec.done))
    back = request.POST.get("next", "")
    if not back.startswith("/decisions/"):
        back = reverse("decisions:list")
    return redirect(f"{back}#decision-{pk}")


def _refuse(request, message: str, status: int, pk: int, text: str, kept=()):
    messages.error(request, message)
    bound = {"pk": pk, "text": text, "message": message, "kept": kept}
    return _render(request, status, bound)


@login_required
@require_GET
def decision_file(request, pk, file_pk):
    decision = decisions.decision_for(request.user, pk)
    record = get_object_or_404(DecisionFile, pk=file_pk, decision=decision)
    return attachment_response(record)  # a download, never active content (issues/attachments)
