"""The issues web UI: list, filing, detail with transitions, notes and attachments.

Thin views: every issue is fetched through `issue_for` (404 for anyone who may not see
it), every change goes through `issues.services`, and domain errors become a message
next to the form (400), a refusal (403) or a conflict (409).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from issues import asof, extensions, notices, pending
from issues.attachments import (
    attachment_response,
    image_response,
    shows_inline,
    storage_message,
    store_attachment,
)
from issues.deadlines import today
from issues.filters import FIGURE_FILTERS, IssueFilter, most_overdue_first
from issues.forms import IssueForm, UpdateForm, extension_form, notice_form_class, transition_form
from issues.models import Attachment, ExtensionRequest, Issue, IssueUpdate, State, SupervisionNotice
from issues.permissions import is_secretariat, may_file, may_post_update
from issues.services import (
    AlreadyFiled,
    TransitionConflict,
    available_transitions,
    issue_for,  # the one access helper, shared with the API: 404 for anyone who may not see it
    perform_transition,
    post_update,
    raise_issue,
    update_kind,
)
from issues.states import STATE_LABELS
from issues.transitions import TRANSITIONS, by_button, history_label
from liaison.forms import DRAFT_DONE, add_service_errors
from liaison.pagination import BoundedPaginator
from liaison.storage import StorageUnavailable, atomic_with_files

PAGE_SIZE = 25

SORTS = {
    "-raised": ("-raised_at", "-pk"),
    "raised": ("raised_at", "pk"),
    "due": ("due_date", "-raised_at", "-pk"),
    "-due": ("-due_date", "-raised_at", "-pk"),
    "number": ("year", "sequence"),
    "-number": ("-year", "-sequence"),
}
# The orders offered: those of SORTS, and "overdue" (`most_overdue_first`, not a plain order_by).
SORT_LABELS = {
    "overdue": gettext_lazy("超期天数（多→少）"),
    "-raised": gettext_lazy("最新提出"),
    "raised": gettext_lazy("最早提出"),
    "due": gettext_lazy("办理时限（近→远）"),
    "-due": gettext_lazy("办理时限（远→近）"),
    "number": gettext_lazy("编号（小→大）"),
    "-number": gettext_lazy("编号（大→小）"),
}


# --- list ------------------------------------------------------------------------------


@login_required
def issue_list(request):
    base = Issue.objects.visible_to(request.user).with_related()
    filterset = IssueFilter(request.GET or None, queryset=base)
    _style_filter_form(filterset.form)
    valid = filterset.is_bound and filterset.is_valid()
    # A past day asked for: the list as it stood then, read-only. A bad day is refused (400,
    # the error by the field, what was typed kept), never silently replaced by today.
    as_of = filterset.form.cleaned_data.get("as_of") if filterset.is_bound else None
    as_of_refused = filterset.is_bound and "as_of" in filterset.errors
    if valid:
        queryset = filterset.qs
    elif as_of:  # another filter is invalid (and ignored, as always): still that day's list
        queryset = asof.issues_as_of(as_of, among=base)
    else:
        queryset = base
    sort = _sort(request.GET)
    # At most COUNT_LIMIT rows counted ("1,000+" beyond); the next page of the newest-first
    # order starts by index after the cursor of the last row shown (liaison.pagination).
    ordered = most_overdue_first(queryset) if sort == "overdue" else queryset.order_by(*SORTS[sort])
    paginator = BoundedPaginator(ordered, PAGE_SIZE, cursor=request.GET.get("cursor"))
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("cursor", None)
    return render(
        request,
        "issues/list.html",
        {
            "filter": filterset,
            "page": page,
            "sort": sort,
            "sorts": SORT_LABELS,
            "query": query.urlencode(),
            # The search box stays above the results; only the other filters open the panel
            # (on a desktop: a phone folds it again, app.js, so the results come first).
            "filters_set": sum(1 for k, v in request.GET.items() if v and k not in KEEP_FOLDED),
            "figure_filters": _figure_filters(filterset, request.GET),
            "may_raise": may_file(request.user) and not as_of,
            "as_of_banner": asof.banner(as_of) if as_of else "",
        },
        status=400 if as_of_refused else 200,
    )


def _figure_filters(filterset, params) -> list[dict[str, str]]:
    shown = []
    for name in FIGURE_FILTERS:
        value = params.get(name, "")
        if not value:
            continue
        field = filterset.form.fields[name]
        choices = dict(getattr(field, "choices", None) or ())
        if value in ("true", "false") and not choices:
            label = _("是") if value == "true" else _("否")
        else:
            label = str(choices.get(value, value))
        shown.append({"name": name, "value": value, "label": str(field.label), "shown": label})
    return shown


# Parameters that do not open 筛选与排序: paging, and the search box shown above it.
KEEP_FOLDED = ("page", "sort", "q")


def _sort(params) -> str:
    """The order asked for; unasked, an overdue list (超期, 红灯: the dashboard's and the home
    page's overdue links) puts the most overdue first, any other list the newest."""
    sort = params.get("sort")
    if sort in SORT_LABELS:
        return sort
    if params.get("overdue") == "true" or params.get("warning") == "red":
        return "overdue"
    return "-raised"


def _style_filter_form(form) -> None:
    # The shared FilterSet is plain; the page wants Bootstrap widgets and a readable overdue choice.
    form.fields["state"].widget = forms.CheckboxSelectMultiple(
        choices=State.choices, attrs={"class": "form-check-input"}
    )
    form.fields["overdue"].widget = forms.Select(
        choices=[("", _("不限")), ("true", _("已超期")), ("false", _("未超期"))]
    )
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        if isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select"
            if hasattr(field, "empty_label"):
                field.empty_label = _("全部")
        else:
            widget.attrs["class"] = "form-control"
    form.fields["q"].widget.input_type = "search"  # a phone's keyboard offers 搜索
    form.fields["q"].widget.attrs["placeholder"] = _("编号或关键词")
    form.fields["year"].widget.attrs["inputmode"] = "numeric"


# --- filing ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def issue_new(request):
    if not may_file(request.user):
        raise PermissionDenied(_("只有产业链的在任联络员可以提出问题。"))
    form = IssueForm(request.POST or None, request.FILES or None, user=request.user)
    status = 400 if form.is_bound else 200
    kept = pending.kept_files(request, form.prefix) if form.is_bound else []
    if request.method == "POST" and form.is_valid():
        try:
            with atomic_with_files():
                issue = raise_issue(request.user, **form.issue_fields())
                for upload in [*kept, *form.cleaned_data["files"]]:
                    store_attachment(issue, upload, request.user)
        except AlreadyFiled as exc:
            # Back and submit again: this form filed its issue already; show that one.
            messages.info(
                request,
                _("您已提交过该问题：%(number)s。如需提出另一个问题，请重新打开“提出问题”。")
                % {"number": exc.issue.number},
                extra_tags=DRAFT_DONE,
            )
            return redirect("issues:detail", pk=exc.issue.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StorageUnavailable as exc:
            form.add_error(None, storage_message(exc))  # what was typed stays in the form
            status = 503
        else:
            pending.forget_unattached(request)
            messages.success(request, _("已提交，编号 %(number)s。") % {"number": issue.number})
            return redirect("issues:detail", pk=issue.pk)
    context = {
        "form": form,
        "max_mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024),
        # The chosen files are kept for the next try; say "choose again" only of one that was not.
        "files_dropped": form.is_bound and pending.keep_on_form(request, form, kept),
    }
    return render(request, "issues/new.html", context, status=status)


# --- detail ----------------------------------------------------------------------------


@login_required
def issue_detail(request, pk):
    issue = issue_for(request.user, pk)
    return render(request, "issues/detail.html", _detail_context(request, issue))


def _detail_context(
    request, issue, *, bound=None, update_form=None, extension=None, notice_form=None
) -> dict:
    user = request.user
    # The usual next step first (resolve before return, verify before reopen).
    offered = []
    for name in by_button(available_transitions(issue, user)):
        form = bound[1] if bound and bound[0] == name else transition_form(name)
        offered.append(
            {
                "name": name,
                "label": TRANSITIONS[name].label,
                "form": form,
                "open": bool(bound and bound[0] == name),
            }
        )
    notes = list(
        IssueUpdate.objects.filter(issue=issue)
        .select_related("author", "department", "notice")
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "pk"))
        )
    )
    can_update = may_post_update(user, issue)
    instruction = can_update and update_kind(user, issue) == IssueUpdate.Kind.INSTRUCTION
    supervision = notices_context(issue, user, notice_form)
    files = [a for a in issue.attachments.all() if a.update_id is None]
    for a in [*files, *(a for u in notes for a in u.attachments.all())]:
        a.is_photo = shows_inline(a)  # its thumbnail, issues/_thumbnail.html
    return {
        "issue": issue,
        "version": version_of(issue),
        "transitions": offered,
        "attachments": [a for a in files if not a.reply],
        "replies": [a for a in files if a.reply],
        # 批示 above the progress notes (DESIGN "The bottleneck state machine", leader instructions).
        "instructions": [u for u in notes if u.kind == IssueUpdate.Kind.INSTRUCTION],
        "updates": [u for u in notes if u.kind != IssueUpdate.Kind.INSTRUCTION],
        "co_departments": issue.co_department_list() if issue.department_id else [],
        "duplicates": list(issue.duplicates.only("pk", "number")),
        "timeline": timeline(issue),
        "can_update": can_update,
        "writes_instruction": instruction,  # the leader's form reads 批示, not 进展
        **supervision,
        "update_form": update_form
        or (
            UpdateForm(
                prefix="update", answerable=supervision["answerable"], instruction=instruction
            )
            if can_update
            else None
        ),
        "extensions": _extension_context(user, issue, extension),
    }


def notices_context(issue, user, form=None) -> dict:
    """The issue's 催办/督办 notices with their state, and the secretariat's form to issue one."""
    rows = list(issue.notices.select_related("issued_by"))
    on = today()
    may_issue = is_secretariat.test(user) and issue.state in (State.ASSIGNED, State.ACCEPTED)
    if may_issue and form is None:
        form = notice_form_class()(
            prefix="notice",
            initial={
                "kind": SupervisionNotice.Kind.URGE,
                "text": notices.default_text(issue, SupervisionNotice.Kind.URGE),
                "reply_by": notices.default_reply_by(),
            },
        )
    return {
        "notices": notices.notice_rows(rows, on),
        "notice_form": form if may_issue else None,
        # What the note form offers the lead department, from the rows already read.
        "answerable": notices.answerable(issue, user, rows),
    }


def timeline(issue) -> list[dict]:
    """The issue's history, oldest first: who, when, what, from → to, why, and where it went."""
    rows = (
        Issue.history.filter(id=issue.pk)
        .select_related("history_user", "department")
        .order_by("history_date", "history_id")
    )
    entries = []
    for row in rows:
        entries.append(
            {
                "at": row.history_date,
                "user": row.history_user.display_name if row.history_user else _("系统"),
                "transition": row.transition,
                "label": history_label(row.transition),
                "from_state": STATE_LABELS.get(row.from_state, ""),
                "to_state": STATE_LABELS.get(row.state, row.state),
                "reason": row.history_change_reason or "",
                "department": row.department.name if row.department_id and row.department else "",
                "due_date": row.due_date,
            }
        )
    return entries


@login_required
@require_POST
def issue_transition(request, pk, name):
    if name not in TRANSITIONS:
        raise Http404
    issue = issue_for(request.user, pk)
    form = transition_form(name, data=request.POST, files=request.FILES)
    status = 400
    if _is_stale(request, issue):
        # The page was read before someone else changed the issue: do not act on old facts.
        messages.error(request, _("该问题刚刚被他人更改，请查看最新情况后再试。"))
        status = 409
    elif form.is_valid():
        try:
            inputs = form.inputs()
            if "files" in inputs:  # 回复函 kept from a failed try come with the new ones
                inputs["files"] = [*pending.kept_files(request, form.prefix), *inputs["files"]]
            if name == "reassign" and not inputs.get("co_departments"):
                # Nothing chosen in the form's list: the co-departments stay as they are.
                inputs.pop("co_departments", None)
            perform_transition(issue, name, request.user, **inputs)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("您无权执行此操作。"))
            status = 403
        except TransitionConflict as exc:
            messages.error(request, str(exc))
            status = 409
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            pending.forget_unattached(request)
            messages.success(
                request,
                _("已%(action)s：%(number)s。")
                % {
                    "action": TRANSITIONS[name].label,
                    "number": issue.number,
                },
            )
            return redirect(_next_url(request) or reverse("issues:detail", args=[issue.pk]))
    if status == 400:
        messages.error(
            request,
            _("未能%(action)s，请按提示修改后重新提交。") % {"action": TRANSITIONS[name].label},
        )
        if "files" in form.fields:
            pending.keep_on_form(request, form, pending.kept_files(request, form.prefix))
    # Fresh issue (a conflict may have changed it); the typed input stays in its form
    # as long as that transition is still offered.
    issue = issue_for(request.user, pk)
    context = _detail_context(request, issue, bound=(name, form))
    return render(request, "issues/detail.html", context, status=status)


def version_of(issue) -> str:
    return issue.updated_at.isoformat() if issue.updated_at else ""


def _is_stale(request, issue) -> bool:
    seen = request.POST.get("version")
    return bool(seen) and seen != version_of(issue)


def _next_url(request) -> str | None:
    url = request.POST.get("next")
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return None


@login_required
@require_POST
def issue_post_update(request, pk):
    issue = issue_for(request.user, pk)
    instruction = update_kind(request.user, issue) == IssueUpdate.Kind.INSTRUCTION
    form = UpdateForm(
        request.POST,
        request.FILES,
        prefix="update",
        answerable=notices.answerable(issue, request.user),
        instruction=instruction,
    )
    status = 400
    kept = pending.kept_files(request, form.prefix)
    if form.is_valid():
        try:
            with atomic_with_files():
                notice = form.cleaned_data.get("notice")
                update = post_update(
                    issue,
                    request.user,
                    form.cleaned_data["text"],
                    notice=notice.pk if notice else None,
                )
                for upload in [*kept, *form.cleaned_data["files"]]:
                    store_attachment(issue, upload, request.user, update=update)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            status = 403
        except ValidationError as exc:
            add_service_errors(form, exc)
        except StorageUnavailable as exc:
            form.add_error(None, storage_message(exc))  # the note stays in the form
            status = 503
        else:
            pending.forget_unattached(request)
            if instruction:
                messages.success(request, _("批示已发出，承办部门和秘书处即时收到通知。"))
            else:
                messages.success(request, _("办理进展已保存。"))
            return redirect("issues:detail", pk=issue.pk)
    if status in (400, 503):
        pending.keep_on_form(request, form, kept)  # the chosen files, for the next try
    context = _detail_context(request, issue, update_form=form if status in (400, 503) else None)
    return render(request, "issues/detail.html", context, status=status)


# --- attachments -----------------------------------------------------------------------


@login_required
def attachment_download(request, pk, attachment_pk):
    issue = issue_for(request.user, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, issue=issue)
    return attachment_response(attachment)


@login_required
@require_GET
def attachment_image(request, pk, attachment_pk):
    """A photo attachment shown inline (the issue page's thumbnails), under the same check."""
    issue = issue_for(request.user, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, issue=issue)
    return image_response(attachment)


# --- extension requests (延期申请): the rules are issues.extensions --------------------------


def _extension_context(user, issue, bound=None) -> dict:
    """The issue page's 延期申请 block: the requests, the pending one, and the forms offered.

    `bound`: `(form name, form)` typed by the person when it came back with an error.
    """
    requests = list(issue.extensions.select_related("requested_by", "decided_by", "department"))
    pending = next((r for r in requests if r.state == ExtensionRequest.State.PENDING), None)
    forms_ = {}
    if extensions.may_request(user, issue, requests):
        forms_["request"] = extension_form("request")
    if pending is not None and extensions.may_decide(user):
        forms_["decide"] = extension_form("decide")
    if bound and bound[0] in forms_:
        forms_[bound[0]] = bound[1]
    return {
        "requests": requests,
        "pending": pending,
        "request_form": forms_.get("request"),
        "decide_form": forms_.get("decide"),
        "open": bool(bound),
        "approved": sum(r.state == ExtensionRequest.State.APPROVED for r in requests),
    }


@login_required
@require_POST
def extension_request(request, pk):
    issue = issue_for(request.user, pk)
    form = extension_form("request", data=request.POST)

    def act():
        extensions.check_request(issue, request.user)  # role and state before the fields
        if not form.is_valid():
            return False
        extensions.request_extension(issue, request.user, **form.cleaned_data)
        messages.success(request, _("延期申请已提交，等待秘书处审批。"))
        return True

    return _extension_action(request, issue, "request", form, act)


@login_required
@require_POST
def extension_decision(request, pk, eid, decision):
    if decision not in extensions.DECISIONS:
        raise Http404
    issue = issue_for(request.user, pk)
    form = extension_form("decide", data=request.POST)

    def act():
        extensions.check_decision(issue, eid, request.user)
        if not form.is_valid():
            return False
        extensions.decide(issue, eid, request.user, decision, **form.cleaned_data)
        done = _("已同意延期") if decision == "approve" else _("已不同意延期")
        messages.success(request, f"{done}：{issue.number}。")
        return True

    return _extension_action(request, issue, "decide", form, act)


def _extension_action(request, issue, name, form, act):
    """Run `act` and answer as the transitions do: back to the page, or the page again with
    the message and the typed input (400), a refusal (403) or a conflict (409)."""
    status = 400
    try:
        if act():
            return redirect("issues:detail", pk=issue.pk)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        status = 403
    except extensions.ExtensionConflict as exc:
        messages.error(request, str(exc))
        status = 409
    except ValidationError as exc:
        add_service_errors(form, exc)
    if status == 400:
        messages.error(request, _("未能提交，请按提示修改后重新提交。"))
    issue = issue_for(request.user, issue.pk)
    context = _detail_context(request, issue, extension=(name, form))
    return render(request, "issues/detail.html", context, status=status)
