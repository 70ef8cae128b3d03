"""The meetings web UI: list, the meeting page (agenda, attendance, minutes), PDFs.

Thin views: every meeting is reached through `meetings.services.meeting_for` (404 for
anyone who may not read it) or `meeting_to_change` (then 403 without the operation's rule,
`meetings.permissions`), every change goes through `meetings.services`, and domain errors
come back as a message on the meeting page — 400 for bad input, 403 for a role that may not
change meetings, 409 for a state that does not allow it. The lifecycle buttons come from
`meetings.transitions`.
"""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_fsm import can_proceed

from issues.counting import FIGURES, TABLE_COLUMNS, shown
from issues.deadlines import WARNING_DAYS
from issues.models import State
from liaison.access import permission_required
from liaison.downloads import content_disposition
from liaison.formats import cn_date, cn_numeral
from liaison.forms import add_service_errors
from liaison.storage import StorageUnavailable
from liaison.text import require_clean
from meetings import docx_documents, services
from meetings.archive import ArchiveMismatch, verified_pdf
from meetings.documents import agenda_document, minutes_document
from meetings.forms import (
    AgendaItemForm,
    AttendanceFormSet,
    DecisionFormSet,
    MeetingEditForm,
    MeetingForm,
    MinutesForm,
    department_choices,
    issue_label,
    issue_numbers,
    open_issues,
)
from meetings.models import AgendaItem, AttendanceStatus, Meeting, MeetingState, Minutes
from meetings.participants import people_choices
from meetings.printed import render_agenda_pdf, render_minutes_pdf
from meetings.transitions import MEETING_TRANSITIONS, MeetingTransitionSpec, operation_label
from meetings.versions import minutes_version
from printing.docx import CONTENT_TYPE as DOCX_CONTENT_TYPE

PAST_PAGE_SIZE = 20
# The meeting page shows this many issues of an agenda section, the most urgent first (the
# order the agenda lists them in); 显示全部 opens one section at a time (`?expand=<item>`).
# The agenda's PDF and its snapshot list every issue of the section (at most
# LIAISON_AGENDA_SECTION_LIMIT): a page of a few hundred rows of forms is slow to build and to
# read, and a long section is worked through from its top.
AGENDA_PAGE_ROWS = 10

# The figures' one registry (issues.counting): the same words as the dashboard and the PDFs.
REPORT_COLUMNS = [(key, FIGURES[key].label) for key in TABLE_COLUMNS]
REPORT_TABLES = [
    ("by_union", gettext_lazy("按产业工会"), gettext_lazy("工会")),
    ("by_chain", gettext_lazy("按产业链"), gettext_lazy("产业链")),
    ("by_department", gettext_lazy("按职能部门"), gettext_lazy("部门")),
    ("by_measure", gettext_lazy("按措施"), gettext_lazy("措施")),
]


# --- pages ----------------------------------------------------------------------------------


@login_required
@require_GET
def meeting_list(request):
    return _render_list(request, MeetingForm(initial={"date": timezone.localdate()}))


def _render_list(request, form, status=200):
    meetings = services.visible_meetings(request.user)
    now = timezone.now()
    upcoming = list(meetings.filter(scheduled_at__gte=now).order_by("scheduled_at", "pk"))
    # Past meetings grow year by year: they page; what is coming is always shown whole.
    past = Paginator(
        meetings.filter(scheduled_at__lt=now).order_by("-scheduled_at", "-pk"), PAST_PAGE_SIZE
    )
    past_page = past.get_page(request.GET.get("page"))
    groups = [
        {
            "key": "upcoming",
            "heading": _("即将召开"),
            "meetings": upcoming,
            "empty": _("暂无安排的会议。"),
        },
        {
            "key": "past",
            "heading": _("以往会议"),
            "meetings": list(past_page),
            "empty": _("暂无以往会议。"),
            "page": past_page if past.num_pages > 1 else None,
        },
    ]
    return render(
        request,
        "meetings/list.html",
        {
            "groups": groups,
            "form": form,
            "can_change": request.user.has_perm("meetings.manage"),
        },
        status=status,
    )


@login_required
@require_POST
@permission_required("meetings.manage", message=services.ROLE_MESSAGE)
def meeting_create(request):
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            meeting = services.create_meeting(request.user, **form.meeting_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已创建：%(title)s。") % {"title": meeting.title})
            return redirect("meetings:detail", meeting.pk)
    _mark_invalid(form)
    return _render_list(request, form, status=400)


@login_required
@require_GET
def meeting_detail(request, pk):
    meeting = services.meeting_for(request.user, pk)
    return render(request, "meetings/detail.html", _detail_context(request, meeting))


def _detail_context(request, meeting: Meeting, **bound) -> dict:
    """Everything the meeting page shows; `bound` carries forms that failed validation."""
    can_change = request.user.has_perm("meetings.manage")
    items = list(meeting.agenda_items.order_by("order", "pk"))
    minutes = Minutes.objects.filter(meeting=meeting).select_related("approved_by").first()
    notes = dict(minutes.item_notes.values_list("agenda_item_id", "discussion")) if minutes else {}
    decisions = (
        list(
            minutes.decisions.select_related("department", "issue")
            .prefetch_related("co_departments")
            .order_by("order", "pk")
        )
        if minutes
        else []
    )
    attendance = list(meeting.attendance.order_by("order", "pk"))
    agenda_editable = can_change and meeting.agenda_is_editable
    minutes_editable = can_change and meeting.minutes_are_editable

    context = {
        "meeting": meeting,
        "can_change": can_change,
        "actions": _actions(meeting, request.user),
        "waiting_actions": _waiting_actions(meeting, request.user),
        "agenda_editable": agenda_editable,
        "agenda_page_rows": AGENDA_PAGE_ROWS,
        "agenda_items": [
            _agenda_entry(
                meeting,
                item,
                n,
                agenda_editable,
                bound.get("edit_forms", {}),
                expanded=_expanded_item(request) == item.pk,
            )
            for n, item in enumerate(items, start=1)
        ],
        "item_form": bound.get("item_form")
        or (AgendaItemForm(kind=meeting.kind) if agenda_editable else None),
        "trash": _trash(meeting) if agenda_editable else [],
        "hand_edits": services.hand_edits(meeting) if agenda_editable else [],
        "open_issues": open_issues() if agenda_editable or minutes_editable else [],
        "edit_form": bound.get("edit_form")
        or (
            MeetingEditForm.for_meeting(meeting) if can_change and _head_editable(meeting) else None
        ),
        "minutes": minutes,
        "minutes_version": minutes_version(minutes),
        "decisions": decisions,
        "note_fields": [
            {
                "item": item,
                "ordinal": cn_numeral(n),
                "text": bound.get("notes", notes).get(item.pk, ""),
            }
            for n, item in enumerate(items, start=1)
        ],
        "attendance_groups": _attendance_groups(attendance),
        "history": _history(meeting) if request.user.has_perm("meetings.read_history") else None,
        "minutes_pdf_available": meeting.state
        in (
            MeetingState.AGENDA_PUBLISHED,
            MeetingState.HELD,
            MeetingState.MINUTES_APPROVED,
        ),
    }
    if can_change and meeting.attendance_is_editable:
        context["attendance_formset"] = bound.get("attendance_formset") or AttendanceFormSet(
            prefix="attendance",
            form_kwargs={"people": _picker()},
            initial=[
                {
                    "user": a.user_id,
                    "name": a.name,
                    "organisation": a.organisation,
                    "status": a.status,
                    "note": a.note,
                }
                for a in attendance
            ],
        )
    if minutes_editable:
        context["minutes_form"] = bound.get("minutes_form") or MinutesForm(
            initial={"summary": minutes.summary if minutes else ""}
        )
        context["decision_formset"] = bound.get("decision_formset") or DecisionFormSet(
            prefix="decisions",
            form_kwargs=_decision_choices(),
            initial=[
                {
                    "id": d.pk,
                    "text": d.text,
                    "department": d.department_id,
                    "co_departments": [c.pk for c in d.co_departments.all()],
                    "due_date": d.due_date,
                    "issue": issue_label(d.issue) if d.issue_id else "",
                }
                for d in decisions
            ],
        )
    return context


def _picker() -> list[tuple[str, str]]:
    return [("", str(_("— 手动填写 —"))), *people_choices()]


def _trash(meeting: Meeting) -> list[AgendaItem]:
    """Items deleted from the draft agenda, restorable until it is published."""
    return list(
        AgendaItem.all_objects.filter(meeting=meeting, removed_at__isnull=False).order_by(
            "-removed_at"
        )
    )


def _head_editable(meeting: Meeting) -> bool:
    return meeting.state not in (MeetingState.MINUTES_APPROVED, MeetingState.CANCELLED)


def _actions(meeting: Meeting, user) -> list[MeetingTransitionSpec]:
    """The lifecycle buttons this person may press now, in the table's order."""
    return [
        MEETING_TRANSITIONS[name] for name in services.available_meeting_transitions(meeting, user)
    ]


def _waiting_actions(meeting: Meeting, user) -> list[dict]:
    """Buttons the state allows but the day does not yet (hold before the meeting's date):
    shown disabled, with why, rather than hidden without a word."""
    waiting = []
    for spec in MEETING_TRANSITIONS.values():
        method = getattr(meeting, spec.method)
        if (
            spec.refusal
            and user.has_perm(spec.permission, meeting)
            and not can_proceed(method)
            and can_proceed(method, check_conditions=False)
        ):
            waiting.append({"spec": spec, "why": getattr(meeting, spec.refusal)()})
    return waiting


HISTORY_ROWS = 50  # the latest operations; the admin keeps the whole history


def _history(meeting: Meeting) -> list[dict]:
    """Who did what to this meeting and when, newest first (one query)."""
    rows = meeting.history.select_related("history_user").order_by("-history_date", "-history_id")
    return [
        {
            "when": row.history_date,
            "who": row.history_user.display_name if row.history_user else "",
            "what": operation_label(row.transition) if row.transition else _("修改"),
            "detail": row.history_change_reason or "",
        }
        for row in rows[:HISTORY_ROWS]
    ]


def _expanded_item(request) -> int | None:
    """The agenda item whose issues the page lists in full: `?expand=` on the page, or the
    `expand` field of a form posted from an opened section (so taking an issue off row 30
    comes back to the same opened list)."""
    value = request.GET.get("expand") or request.POST.get("expand") or ""
    return int(value) if value.isdigit() else None


def _agenda_entry(
    meeting, item: AgendaItem, n: int, editable: bool, edit_forms: dict, *, expanded: bool
) -> dict:
    shown_rows = item.issues if expanded else item.issues[:AGENDA_PAGE_ROWS]
    entry = {
        "item": item,
        "ordinal": cn_numeral(n),
        "issues": [_issue_row(row) for row in shown_rows],
        "issue_count": len(item.issues),
        "expanded": expanded,
        "folded": len(item.issues) - len(shown_rows),
        "removed_issues": item.removed_issues if editable else [],
        "report": _report_tables(item.report) if item.report else None,
        "more": more_link(item),
    }
    for decision in item.decisions:
        decision["due_label"] = cn_date(decision.get("due_date"))
    if editable:
        entry["form"] = edit_forms.get(item.pk) or AgendaItemForm(
            prefix=f"item{item.pk}",
            editing=True,
            generated=item.generated,
            kind=meeting.kind,
            initial={
                "title": item.title,
                "notes": item.notes,
                "issues": issue_numbers(item.issues),
            },
        )
    return entry


def more_link(item: AgendaItem) -> dict | None:
    """ "另有 N 件" of a long section: the full list and its ledger, by the same filters."""
    if not item.more_count:
        return None
    query = f"?{item.more_query}" if item.more_query else ""
    return {
        "count": item.more_count,
        "list": reverse("issues:list") + query,
        "ledger": reverse("reports:issues_export") + query,
    }


def _issue_row(row: dict) -> dict:
    """A snapshotted issue as the agenda shows it: labels in Chinese, the light explained."""
    try:
        state_label = State(row.get("state", "")).label
    except ValueError:
        state_label = row.get("state", "")
    warning = row.get("warning") or ""
    warning_label = {
        "red": _("已超期"),
        "yellow": _("%(days)s天内到期") % {"days": WARNING_DAYS},
    }.get(warning, _("正常"))
    return {
        **row,
        "state_label": state_label,
        "due_label": cn_date(row.get("due_date")),
        "warning_label": warning_label,
    }


def _report_tables(report: dict) -> dict:
    """The annual `report` item's figures as rows of display strings."""
    totals = report.get("totals", {})
    return {
        "totals": [
            {"label": label, "value": _figure(key, totals.get(key))}
            for key, label in REPORT_COLUMNS
        ],
        "headers": [label for _key, label in REPORT_COLUMNS],
        "tables": [
            {
                "caption": caption,
                "name_header": name_header,
                "rows": [
                    {
                        "name": row.get("name", ""),
                        "values": [_figure(k, row.get(k)) for k, _l in REPORT_COLUMNS],
                    }
                    for row in report.get(key, [])
                ],
            }
            for key, caption, name_header in REPORT_TABLES
            if report.get(key)
        ],
    }


def _figure(key: str, value) -> str:
    return str(shown(key, {key: value}))


def _attendance_groups(attendance) -> list[dict]:
    groups = []
    for status, label in AttendanceStatus.choices:
        people = [a for a in attendance if a.status == status]
        if people:
            groups.append({"status": status, "label": label, "people": people})
    return groups


def _decision_choices() -> dict:
    # The issue search's suggestions are not per row: one <datalist> in the page (_minutes.html).
    return {"departments": department_choices()}


# --- changes (secretariat only) -----------------------------------------------------------------


def _meeting_to_change(request, pk, operation: str) -> Meeting:
    """A meeting the signed-in person may read (404 otherwise) and take `operation` on (403)."""
    return services.meeting_to_change(request.user, pk, operation)


def _run(request, meeting: Meeting, action, success, anchor: str = "", **bound):
    """Run one service call; on success back to the page, else the page with why (400/403/409).
    `success`: the message, or a function giving it once the call went through."""
    try:
        action()
    except PermissionDenied as exc:
        return _refuse(request, meeting, str(exc) or _("您无权执行此操作。"), 403, bound)
    except services.MeetingConflict as exc:
        return _refuse(request, meeting, str(exc), 409, bound)
    except ValidationError as exc:
        return _refuse(request, meeting, "；".join(_messages(exc)), 400, bound)
    except StorageUnavailable as exc:  # e.g. the approved PDF could not be stored: nothing was
        return _refuse(request, meeting, str(exc.detail), 503, bound)
    messages.success(request, success() if callable(success) else success)
    expand = _expanded_item(request)
    return redirect(
        reverse("meetings:detail", args=[meeting.pk])
        + (f"?expand={expand}" if expand else "")
        + (f"#{anchor}" if anchor else "")
    )


def _refuse(request, meeting, message: str, status: int, bound: dict):
    messages.error(request, message)
    meeting.refresh_from_db()
    return render(
        request, "meetings/detail.html", _detail_context(request, meeting, **bound), status=status
    )


@login_required
@require_POST
def meeting_transition(request, pk, name):
    if name not in MEETING_TRANSITIONS:
        raise Http404(_("没有这个操作。"))
    meeting = _meeting_to_change(request, pk, name)
    field = MEETING_TRANSITIONS[name].reason_field
    reason = request.POST.get(field, "").strip() if field else ""
    version = request.POST.get("version")  # the minutes the approver saw (hidden field)

    def act() -> None:
        if field:
            require_clean(**{field: reason})
        services.perform_meeting_transition(
            meeting, name, request.user, reason=reason, version=version
        )

    return _run(request, meeting, act, str(MEETING_TRANSITIONS[name].done))


@login_required
@require_POST
def meeting_edit(request, pk):
    meeting = _meeting_to_change(request, pk, "edit")
    form = MeetingEditForm(request.POST, prefix="edit")
    if not form.is_valid():
        _mark_invalid(form)
        return _refuse(
            request, meeting, _("未能保存会议信息，请按提示修改。"), 400, {"edit_form": form}
        )
    return _run(
        request,
        meeting,
        lambda: services.update_meeting(meeting, request.user, **form.meeting_fields()),
        _("会议信息已保存。"),
        edit_form=form,
    )


@login_required
@require_POST
def generate_agenda(request, pk):
    meeting = _meeting_to_change(request, pk, "generate_agenda")
    return _run(
        request,
        meeting,
        lambda: services.generate_agenda(meeting, request.user),
        _("议程已生成。"),
        "agenda",
    )


@login_required
@require_POST
def add_item(request, pk):
    meeting = _meeting_to_change(request, pk, "add_agenda_item")
    form = AgendaItemForm(request.POST, kind=meeting.kind)
    if not form.is_valid():
        _mark_invalid(form)
        return _refuse(
            request, meeting, _("未能添加议题，请按提示修改。"), 400, {"item_form": form}
        )
    data = form.cleaned_data
    return _run(
        request,
        meeting,
        lambda: services.add_agenda_item(
            meeting,
            request.user,
            title=data["title"],
            notes=data["notes"],
            section=data["section"],
            issue_ids=data["issues"],
        ),
        _("已添加议题。"),
        "agenda",
        item_form=form,
    )


def _item_of(meeting: Meeting, item_pk) -> AgendaItem:
    return get_object_or_404(AgendaItem, pk=item_pk, meeting=meeting)


@login_required
@require_POST
def edit_item(request, pk, item_pk):
    meeting = _meeting_to_change(request, pk, "edit_agenda_item")
    item = _item_of(meeting, item_pk)
    form = AgendaItemForm(
        request.POST,
        prefix=f"item{item.pk}",
        editing=True,
        generated=item.generated,
        kind=meeting.kind,
    )
    bound = {"edit_forms": {item.pk: form}}
    if not form.is_valid():
        _mark_invalid(form)
        return _refuse(request, meeting, _("未能保存议题，请按提示修改。"), 400, bound)
    return _run(
        request,
        meeting,
        lambda: services.update_agenda_item(
            item,
            request.user,
            title=form.cleaned_data["title"],
            notes=form.cleaned_data["notes"],
            issue_ids=None if item.generated else form.cleaned_data["issues"],
        ),
        _("议题已保存。"),
        f"item-{item.pk}",
        **bound,
    )


@login_required
@require_POST
def move_item(request, pk, item_pk, direction):
    meeting = _meeting_to_change(request, pk, "reorder_agenda")
    item = _item_of(meeting, item_pk)
    if direction not in ("up", "down"):
        raise Http404(_("没有这个操作。"))
    ids = list(meeting.agenda_items.order_by("order", "pk").values_list("pk", flat=True))
    i = ids.index(item.pk)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(ids):
        ids[i], ids[j] = ids[j], ids[i]
    return _run(
        request,
        meeting,
        lambda: services.reorder_agenda(meeting, request.user, ids),
        _("议程顺序已调整。"),
        f"item-{item.pk}",
    )


@login_required
@require_POST
def delete_item(request, pk, item_pk):
    meeting = _meeting_to_change(request, pk, "remove_agenda_item")
    item = _item_of(meeting, item_pk)
    return _run(
        request,
        meeting,
        lambda: services.remove_agenda_item(item, request.user),
        _("已删除议题：%(title)s。") % {"title": item.title},
        "agenda",
    )


@login_required
@require_POST
def restore_item(request, pk, item_pk):
    meeting = _meeting_to_change(request, pk, "restore_agenda_item")
    item = get_object_or_404(AgendaItem.all_objects, pk=item_pk, meeting=meeting)
    return _run(
        request,
        meeting,
        lambda: services.restore_agenda_item(meeting, request.user, item.pk),
        _("已恢复议题：%(title)s。") % {"title": item.title},
        f"item-{item.pk}",
    )


# Taking one issue off an agenda item (1 click) and putting it back (撤销, on the same item):
# operation → the service, where the issue is found before, and the message.
ISSUE_ACTIONS = {
    "remove_agenda_issue": (
        services.remove_agenda_issue,
        "issues",
        gettext_lazy("已将问题 %(number)s 移出“%(title)s”，可撤销。"),
    ),
    "restore_agenda_issue": (
        services.restore_agenda_issue,
        "removed_issues",
        gettext_lazy("已将问题 %(number)s 放回“%(title)s”。"),
    ),
}


def _issue_action(request, pk, item_pk, issue_pk, operation: str):
    meeting = _meeting_to_change(request, pk, operation)
    item = _item_of(meeting, item_pk)
    act, where, done = ISSUE_ACTIONS[operation]
    number = next((e["number"] for e in getattr(item, where) if e["id"] == issue_pk), "")
    return _run(
        request,
        meeting,
        lambda: act(item, request.user, issue_pk),
        str(done) % {"number": number, "title": item.title},
        f"item-{item.pk}",
    )


@login_required
@require_POST
def remove_issue(request, pk, item_pk, issue_pk):
    return _issue_action(request, pk, item_pk, issue_pk, "remove_agenda_issue")


@login_required
@require_POST
def restore_issue(request, pk, item_pk, issue_pk):
    return _issue_action(request, pk, item_pk, issue_pk, "restore_agenda_issue")


@login_required
@require_POST
def fill_attendance(request, pk):
    """The usual participants in one step (then adjusted row by row)."""
    meeting = _meeting_to_change(request, pk, "set_attendance")
    result: dict = {}

    def act() -> None:
        result["rows"], result["nobody"] = services.fill_usual_attendance(meeting, request.user)

    def done() -> str:
        text = _("已填入常规参会人员，共%(n)s人，请逐一核对出席情况。") % {"n": len(result["rows"])}
        if result["nobody"]:
            text += _("以下部门没有人员账号，请手动添加：%(names)s。") % {
                "names": "、".join(result["nobody"])
            }
        return text

    return _run(request, meeting, act, done, "attendance")


@login_required
@require_POST
def save_attendance(request, pk):
    meeting = _meeting_to_change(request, pk, "set_attendance")
    formset = AttendanceFormSet(
        request.POST, prefix="attendance", form_kwargs={"people": _picker()}
    )
    bound = {"attendance_formset": formset}
    if not formset.is_valid():
        if _autosaving(request):
            return _autosave_refused(formset.row_errors(), 400)
        for form in formset:
            _mark_invalid(form)
        return _refuse(request, meeting, _("未能保存出席情况，请按提示修改。"), 400, bound)
    rows = [
        {k: row.get(k) for k in ("user", "name", "organisation", "status", "note")}
        for row in formset.filled_rows()
    ]
    if _autosaving(request):
        return _autosave(lambda: services.set_attendance(meeting, request.user, rows))
    return _run(
        request,
        meeting,
        lambda: services.set_attendance(meeting, request.user, rows),
        _("出席情况已保存。"),
        "attendance",
        **bound,
    )


@login_required
@require_POST
def save_minutes(request, pk):
    meeting = _meeting_to_change(request, pk, "save_minutes")
    form = MinutesForm(request.POST)
    formset = DecisionFormSet(request.POST, prefix="decisions", form_kwargs=_decision_choices())
    item_ids = list(meeting.agenda_items.values_list("pk", flat=True))
    notes = {pk: request.POST.get(f"note-{pk}", "") for pk in item_ids}
    bound = {"minutes_form": form, "decision_formset": formset, "notes": notes}
    try:
        require_clean(**{f"note-{pk}": text for pk, text in notes.items()})
    except ValidationError as exc:
        if _autosaving(request):
            return _autosave_refused(_messages(exc), 400)
        return _refuse(request, meeting, "；".join(_messages(exc)), 400, bound)
    if not (form.is_valid() and formset.is_valid()):
        if _autosaving(request):
            summary = [f"{form.fields[n].label}：{e}" for n, es in form.errors.items() for e in es]
            return _autosave_refused(summary + formset.row_errors(), 400)
        _mark_invalid(form)
        for row in formset:
            _mark_invalid(row)
        return _refuse(request, meeting, _("未能保存纪要，请按提示修改。"), 400, bound)
    decisions = [
        {
            "id": row.get("id"),
            "text": row["text"],
            "department": row.get("department"),
            "co_departments": row.get("co_departments") or [],
            "due_date": row.get("due_date"),
            "issue": row.get("issue"),
        }
        for row in formset.filled_rows()
    ]
    items = [{"agenda_item": pk, "discussion": text} for pk, text in notes.items()]
    if _autosaving(request):
        saved: dict = {}

        def save() -> None:
            saved["minutes"] = services.save_minutes(
                meeting,
                request.user,
                summary=form.cleaned_data["summary"],
                items=items,
                decisions=decisions,
            )

        def decision_ids() -> dict:
            # New rows got an id: the page keeps it, so the next save updates them in place.
            ids = saved["minutes"].decisions.order_by("order", "pk").values_list("pk", flat=True)
            return {"ids": dict(zip(map(str, formset.filled_indices()), ids, strict=False))}

        return _autosave(save, decision_ids)
    return _run(
        request,
        meeting,
        lambda: services.save_minutes(
            meeting,
            request.user,
            summary=form.cleaned_data["summary"],
            items=items,
            decisions=decisions,
        ),
        _("纪要已保存。"),
        "minutes",
        **bound,
    )


# --- the workspace's autosave -------------------------------------------------------------------


def _autosaving(request) -> bool:
    """The meeting page's script saves each part as it changes (header X-Autosave: 1) and
    wants a short answer it can show ("已保存 14:32"), not the page."""
    return request.headers.get("X-Autosave") == "1"


def _autosave(action, extra=dict) -> JsonResponse:
    """Run one save; answer {"saved_at": "HH:MM", …} or {"errors": […]} with 400/403/409."""
    try:
        action()
    except PermissionDenied as exc:
        return _autosave_refused([str(exc) or _("您无权执行此操作。")], 403)
    except services.MeetingConflict as exc:
        return _autosave_refused([str(exc)], 409)
    except ValidationError as exc:
        return _autosave_refused(_messages(exc), 400)
    return JsonResponse({"saved_at": timezone.localtime().strftime("%H:%M"), **extra()})


def _autosave_refused(errors: list[str], status: int) -> JsonResponse:
    return JsonResponse({"errors": [str(e) for e in errors]}, status=status)


# --- PDFs -------------------------------------------------------------------------------------


@login_required
@require_GET
def agenda_pdf(request, pk):
    """A published agenda: the file stored when it was published, byte for byte. A draft:
    rendered now."""
    meeting = services.meeting_for(request.user, pk)
    if meeting.agenda_pdf:
        response = FileResponse(meeting.agenda_pdf.open("rb"), content_type="application/pdf")
        response["Content-Disposition"] = _inline(
            f"{meeting.title}议程.pdf", f"agenda-{meeting.pk}.pdf"
        )
        response["X-Content-SHA256"] = meeting.agenda_pdf_sha256
        return response
    if not meeting.agenda_items.exists():
        raise Http404(_("该会议尚无议程。"))
    pdf = render_agenda_pdf(agenda_document(meeting))
    return _pdf_response(pdf, f"{meeting.title}议程.pdf", f"agenda-{meeting.pk}.pdf")


@login_required
@require_GET
def agenda_docx(request, pk):
    """The agenda to revise in WPS or Word, from the same snapshot as its PDF."""
    meeting = services.meeting_for(request.user, pk)
    if not meeting.agenda_items.exists():
        raise Http404(_("该会议尚无议程。"))
    return _docx_response(
        docx_documents.agenda_docx(agenda_document(meeting)),
        f"{meeting.title}议程.docx",
        f"agenda-{meeting.pk}.docx",
    )


@login_required
@require_GET
def minutes_docx(request, pk):
    """The minutes to revise before 印发; a draft's name says 草稿 as its PDF does."""
    meeting = services.meeting_for(request.user, pk)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    draft = minutes is None or not minutes.is_approved
    docx = docx_documents.minutes_docx(minutes_document(meeting, minutes=minutes))
    return _docx_response(
        docx,
        f"{meeting.title}纪要{'（草稿）' if draft else ''}.docx",
        f"minutes-{meeting.pk}{'-draft' if draft else ''}.docx",
    )


@login_required
@require_GET
def minutes_pdf(request, pk):
    """Approved minutes: the stored file, byte for byte. A draft: rendered now, marked 草稿."""
    meeting = services.meeting_for(request.user, pk)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is not None and minutes.is_approved and minutes.pdf:
        try:
            content = verified_pdf(minutes, request)
        except ArchiveMismatch:
            return render(request, "meetings/pdf_refused.html", {"meeting": meeting}, status=500)
        # The bytes just checked, not a second read of the file that could differ.
        response = FileResponse(io.BytesIO(content), content_type="application/pdf")
        response["Content-Disposition"] = _inline(
            f"{meeting.title}纪要.pdf", f"minutes-{meeting.pk}.pdf"
        )
        response["X-Content-SHA256"] = minutes.pdf_sha256
        return response
    pdf = render_minutes_pdf(minutes_document(meeting, minutes=minutes))
    return _pdf_response(pdf, f"{meeting.title}纪要（草稿）.pdf", f"minutes-{meeting.pk}-draft.pdf")


def _pdf_response(pdf: bytes, filename: str, fallback: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = _inline(filename, fallback)
    return response


def _docx_response(docx: bytes, filename: str, fallback: str) -> HttpResponse:
    response = HttpResponse(docx, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename, fallback=fallback)
    return response


def _inline(filename: str, fallback: str) -> str:
    return content_disposition(filename, attachment=False, fallback=fallback)


# --- helpers -------------------------------------------------------------------------------------


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [str(m) for msgs in exc.message_dict.values() for m in msgs]
    return [str(m) for m in exc.messages]


def _mark_invalid(form) -> None:
    for name in form.errors:
        if name in form.fields:
            widget = form.fields[name].widget
            widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()
            widget.attrs["aria-invalid"] = "true"
