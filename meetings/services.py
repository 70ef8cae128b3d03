"""Business operations on meetings: each by the secretariat, in a transaction, with history.

Views and the API call these and turn the exceptions into a message or a status code:
`PermissionDenied` → 403, `MeetingConflict` (a `TransitionConflict`) → 409,
`ValidationError` → 400.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_fsm import ConcurrentTransition, can_proceed

from issues.models import Issue, State
from issues.services import TransitionConflict, perform_transition
from liaison.history import save_transition
from meetings.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Decision,
    ItemNote,
    Kind,
    Meeting,
    MeetingState,
    Minutes,
    Section,
)
from organisation.models import Department, User


class MeetingConflict(TransitionConflict):
    """Not possible in the meeting's current state (or someone changed it a moment ago) → 409."""


@dataclass(frozen=True)
class MeetingTransitionSpec:
    name: str
    label: str


MEETING_TRANSITIONS: dict[str, MeetingTransitionSpec] = {
    spec.name: spec
    for spec in [
        MeetingTransitionSpec("publish_agenda", "发布议程"),
        MeetingTransitionSpec("hold", "确认召开"),
        MeetingTransitionSpec("approve_minutes", "审定纪要"),
        MeetingTransitionSpec("cancel", "取消会议"),
    ]
}


# --- who may do what --------------------------------------------------------------------


def may_read(user) -> bool:
    """Everyone with a role in the mechanism reads meetings, agendas and minutes."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "role", ""))


def may_manage(user) -> bool:
    """Only the secretariat changes meetings (DESIGN "Roles and visibility")."""
    return bool(getattr(user, "is_authenticated", False) and user.role == User.Role.SECRETARIAT)


ROLE_MESSAGE = _lazy("只有秘书处可以管理会议。")


def _require_manager(user) -> None:
    if not may_manage(user):
        raise PermissionDenied(str(ROLE_MESSAGE))


def visible_meetings(user):
    return Meeting.objects.all() if may_read(user) else Meeting.objects.none()


def meeting_for(user, pk) -> Meeting:
    """The one access helper: a meeting this person may read, or 404."""
    try:
        return visible_meetings(user).get(pk=pk)
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise Http404(_("会议不存在。")) from None


def available_meeting_transitions(meeting: Meeting, user) -> list[str]:
    """The lifecycle buttons this person may press now."""
    if not may_manage(user):
        return []
    return [name for name in MEETING_TRANSITIONS if can_proceed(getattr(meeting, name))]


# --- creating and editing meetings --------------------------------------------------------


def create_meeting(
    user, *, kind: str, scheduled_at, location: str = "", title: str = ""
) -> Meeting:
    _require_manager(user)
    if kind not in Kind.values:
        raise ValidationError({"kind": [_("会议类型无效。")]})
    meeting = Meeting(
        kind=kind,
        scheduled_at=scheduled_at,
        location=location.strip(),
        title=(title or "").strip(),
        created_by=user,
    )
    meeting.clean()
    try:
        with transaction.atomic():
            save_transition(meeting, user, "create", "", "")
    except IntegrityError as exc:
        # Two annual meetings created at once: the database constraint decides.
        raise ValidationError({"kind": [_("该年度的联席会议已经存在。")]}) from exc
    return meeting


def update_meeting(meeting: Meeting, user, **fields) -> Meeting:
    """Change date, place or title; not once the minutes are approved or it was cancelled."""
    _require_manager(user)
    allowed = {"scheduled_at", "location", "title"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"cannot update {unknown}")
    with transaction.atomic():
        locked = _lock(meeting)
        if locked.state in (MeetingState.MINUTES_APPROVED, MeetingState.CANCELLED):
            raise MeetingConflict(
                _("会议当前状态为“%(state)s”，不能再修改。") % {"state": locked.get_state_display()}
            )
        if "title" in fields:
            title = (fields.pop("title") or "").strip()
            locked.title, locked.title_is_custom = title, bool(title)
            if not title:
                locked.title = locked.generated_title()
        for name, value in fields.items():
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        locked.clean()
        save_transition(locked, user, "edit", locked.state, "")
    return locked


def perform_meeting_transition(meeting: Meeting, name: str, user, *, reason: str = "") -> Meeting:
    """Run lifecycle transition `name` (publish_agenda, hold, approve_minutes, cancel)."""
    if name not in MEETING_TRANSITIONS:
        raise Http404(_("没有这个操作。"))
    _require_manager(user)
    if name == "approve_minutes":
        return approve_minutes(meeting, user)
    try:
        with transaction.atomic():
            locked = _lock(meeting)
            _require_state_allows(locked, name)
            from_state = locked.state
            method = getattr(locked, name)
            method(reason=reason) if name == "cancel" else method()
            save_transition(
                locked, user, name, from_state, reason or MEETING_TRANSITIONS[name].label
            )
            if name == "publish_agenda":
                _announce_agenda(locked, user)
    except ConcurrentTransition as exc:
        raise MeetingConflict(_("该会议刚刚被他人更改，请刷新页面后再试。")) from exc
    return locked


def _announce_agenda(meeting: Meeting, user) -> None:
    from meetings.signals import agenda_published

    transaction.on_commit(lambda: agenda_published.send(sender=Meeting, meeting=meeting, user=user))


# --- the agenda -----------------------------------------------------------------------------


def generate_agenda(meeting: Meeting, user) -> list[AgendaItem]:
    """(Re)build the agenda by DESIGN's rules; items added by hand are kept after them."""
    from meetings.agenda import build_agenda

    _require_manager(user)
    with transaction.atomic():
        locked = _lock(meeting)
        _require_agenda_editable(locked)
        drafts = build_agenda(locked)
        locked.agenda_items.filter(generated=True).delete()
        manual = list(locked.agenda_items.order_by("order", "pk"))
        items = AgendaItem.objects.bulk_create(
            AgendaItem(
                meeting=locked,
                order=n,
                section=d.section,
                title=d.title,
                notes=d.notes,
                issues=d.issues,
                decisions=d.decisions,
                report=d.report,
                generated=True,
            )
            for n, d in enumerate(drafts, start=1)
        )
        for n, item in enumerate(manual, start=len(items) + 1):
            item.order = n
        AgendaItem.objects.bulk_update(manual, ["order"])
        locked.agenda_generated_at = timezone.now()
        save_transition(locked, user, "generate_agenda", locked.state, _("生成议程"))
    return items + manual


def add_agenda_item(
    meeting: Meeting,
    user,
    *,
    title: str,
    notes: str = "",
    section: str = Section.OTHER,
    issue_ids: list[int] | None = None,
) -> AgendaItem:
    _require_manager(user)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": [_("请填写议题。")]})
    if section not in Section.values:
        raise ValidationError({"section": [_("议程类别无效。")]})
    with transaction.atomic():
        locked = _lock(meeting)
        _require_agenda_editable(locked)
        last = locked.agenda_items.order_by("-order").values_list("order", flat=True).first() or 0
        return AgendaItem.objects.create(
            meeting=locked,
            order=last + 1,
            section=section,
            title=title,
            notes=notes.strip(),
            issues=_snapshots(issue_ids or []),
        )


def update_agenda_item(
    item: AgendaItem,
    user,
    *,
    title: str | None = None,
    notes: str | None = None,
    issue_ids: list[int] | None = None,
) -> AgendaItem:
    _require_manager(user)
    with transaction.atomic():
        _require_agenda_editable(_lock(item.meeting))
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        if title is not None:
            if not title.strip():
                raise ValidationError({"title": [_("请填写议题。")]})
            item.title = title.strip()
        if notes is not None:
            item.notes = notes.strip()
        if issue_ids is not None:
            item.issues = _snapshots(issue_ids)
        item.save()
        return item


def remove_agenda_item(item: AgendaItem, user) -> None:
    _require_manager(user)
    with transaction.atomic():
        meeting = _lock(item.meeting)
        _require_agenda_editable(meeting)
        item.delete()
        _renumber(meeting.agenda_items.order_by("order", "pk"))


def reorder_agenda(meeting: Meeting, user, item_ids: list[int]) -> None:
    """Put the agenda items in the order of `item_ids` (all of them, each once)."""
    _require_manager(user)
    with transaction.atomic():
        locked = _lock(meeting)
        _require_agenda_editable(locked)
        items = {item.pk: item for item in locked.agenda_items.all()}
        if sorted(item_ids) != sorted(items):
            raise ValidationError({"order": [_("请按顺序列出本次会议的全部议程事项。")]})
        _renumber(items[pk] for pk in item_ids)


def _renumber(items) -> None:
    items = list(items)
    for n, item in enumerate(items, start=1):
        item.order = n
    AgendaItem.objects.bulk_update(items, ["order"])


def _snapshots(issue_ids: list[int]) -> list[dict]:
    from meetings.agenda import snapshot

    issues = {i.pk: i for i in Issue.objects.filter(pk__in=issue_ids).select_related("department")}
    missing = [pk for pk in issue_ids if pk not in issues]
    if missing:
        raise ValidationError(
            {"issues": [_("问题不存在：%(ids)s") % {"ids": ", ".join(map(str, missing))}]}
        )
    return [snapshot(issues[pk]) for pk in dict.fromkeys(issue_ids)]


# --- attendance -----------------------------------------------------------------------------


def set_attendance(meeting: Meeting, user, rows: list[dict]) -> list[Attendance]:
    """Replace the attendance list. Each row: `user` (a User or id) or `name` + `organisation`,
    `status` present/absent/observer, `note` (the reason, required when absent)."""
    _require_manager(user)
    people = {
        u.pk: u
        for u in User.objects.filter(
            pk__in=[_pk(row.get("user")) for row in rows if row.get("user")]
        ).select_related("department")
    }
    entries, errors = [], []
    for n, row in enumerate(rows, start=1):
        person = people.get(_pk(row.get("user"))) if row.get("user") else None
        if row.get("user") and person is None:
            errors.append(_("第%(n)s行：人员不存在。") % {"n": n})
            continue
        name = (row.get("name") or "").strip() or (person.display_name if person else "")
        organisation = (row.get("organisation") or "").strip() or (
            _organisation_of(person) if person else ""
        )
        status = row.get("status") or AttendanceStatus.PRESENT
        note = (row.get("note") or "").strip()
        if not name:
            errors.append(_("第%(n)s行：请填写姓名或选择人员。") % {"n": n})
        if status not in AttendanceStatus.values:
            errors.append(_("第%(n)s行：出席情况无效。") % {"n": n})
        elif status == AttendanceStatus.ABSENT and not note:
            errors.append(_("第%(n)s行：请假须注明原因。") % {"n": n})
        entries.append(
            Attendance(
                order=n,
                user=person,
                name=name[:60],
                organisation=organisation[:100],
                status=status,
                note=note[:200],
            )
        )
    if errors:
        raise ValidationError({"attendance": errors})
    with transaction.atomic():
        locked = _lock(meeting)
        if not locked.attendance_is_editable:
            raise MeetingConflict(_state_message(locked, _("修改出席情况")))
        locked.attendance.all().delete()
        for entry in entries:
            entry.meeting = locked
        return Attendance.objects.bulk_create(entries)


def _pk(value) -> int | None:
    if isinstance(value, User):
        return value.pk
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _organisation_of(person: User) -> str:
    if person.department_id:
        return person.department.name
    if person.is_officer:
        chains = "、".join(c.name for c in person.current_chains())
        return f"{chains}产业链联络员" if chains else ""
    if person.is_secretariat:
        return "市总工会劳动和经济工作部"
    return ""


# --- minutes ----------------------------------------------------------------------------------


def minutes_of(meeting: Meeting) -> Minutes:
    minutes, _created = Minutes.objects.get_or_create(meeting=meeting)
    return minutes


def save_minutes(
    meeting: Meeting,
    user,
    *,
    summary: str | None = None,
    items: list[dict] | None = None,
    decisions: list[dict] | None = None,
) -> Minutes:
    """Write the minutes: `summary`; `items` [{agenda_item, discussion}]; `decisions`
    [{id?, text, department, due_date, issue}] replacing the list (rows keep their id when
    given one). Only while the agenda is published or the meeting held; 409 once approved."""
    _require_manager(user)
    with transaction.atomic():
        locked = _lock(meeting)
        if not locked.minutes_are_editable:
            raise MeetingConflict(_state_message(locked, _("修改纪要")))
        minutes = Minutes.objects.select_for_update().get_or_create(meeting=locked)[0]
        if summary is not None:
            minutes.summary = summary.strip()
            minutes._history_user = user
            minutes.save()
        if items is not None:
            _save_item_notes(locked, minutes, items)
        if decisions is not None:
            _save_decisions(minutes, decisions)
        return minutes


def _save_item_notes(meeting: Meeting, minutes: Minutes, items: list[dict]) -> None:
    agenda = set(meeting.agenda_items.values_list("pk", flat=True))
    errors = []
    for n, row in enumerate(items, start=1):
        item_id = _pk(row.get("agenda_item"))
        if item_id not in agenda:
            errors.append(_("第%(n)s项：议程事项不属于本次会议。") % {"n": n})
            continue
        ItemNote.objects.update_or_create(
            minutes=minutes,
            agenda_item_id=item_id,
            defaults={"discussion": (row.get("discussion") or "").strip()},
        )
    if errors:
        raise ValidationError({"items": errors})


def _save_decisions(minutes: Minutes, rows: list[dict]) -> None:
    existing = {d.pk: d for d in minutes.decisions.all()}
    departments = {d.pk: d for d in Department.objects.all()}
    departments_by_code = {d.code: d for d in departments.values()}
    refs = [
        row["issue"] for row in rows if row.get("issue") and not isinstance(row["issue"], Issue)
    ]
    found = Issue.objects.filter(
        Q(pk__in=[_pk(r) for r in refs if _pk(r)])
        | Q(number__in=[str(r) for r in refs if not _pk(r)])
    )
    issues = {i.pk: i for i in found} | {i.number: i for i in found}
    errors, kept = [], []
    for n, row in enumerate(rows, start=1):
        prefix = _("议定事项 %(n)s：") % {"n": n}
        text = (row.get("text") or "").strip()
        if not text:
            errors.append(prefix + _("请填写议定内容。"))
        department = row.get("department")
        if department and not isinstance(department, Department):
            department = departments.get(_pk(department)) or departments_by_code.get(
                str(department)
            )
            if department is None:
                errors.append(prefix + _("责任部门不存在。"))
        issue = row.get("issue")
        if issue and not isinstance(issue, Issue):
            issue = issues.get(_pk(issue) or str(issue).strip())
            if issue is None:
                errors.append(prefix + _("相关问题不存在。"))
        due_date = row.get("due_date")
        if isinstance(due_date, str) and due_date:
            try:
                due_date = date.fromisoformat(due_date)
            except ValueError:
                errors.append(prefix + _("完成时限格式无效。"))
                due_date = None
        decision = existing.get(_pk(row.get("id"))) or Decision(minutes=minutes)
        decision.order, decision.text = n, text
        decision.department = department or None
        decision.due_date = due_date or None
        decision.issue = issue or None
        kept.append(decision)
    if errors:
        raise ValidationError({"decisions": errors})
    keep_ids = {d.pk for d in kept if d.pk}
    minutes.decisions.exclude(pk__in=keep_ids).delete()
    for decision in kept:
        decision.save()


# --- approval -----------------------------------------------------------------------------------


def approve_minutes(meeting: Meeting, user) -> Meeting:
    """held → minutes_approved, in ONE transaction: apply every decision to its issue, lock the
    minutes, render and store the PDF. Any decision that cannot be applied → nothing is applied,
    and the error names it; the minutes stay editable."""
    _require_manager(user)
    stored_name = None
    try:
        with transaction.atomic():
            locked = _lock(meeting)
            _require_state_allows(locked, "approve_minutes")
            minutes = Minutes.objects.select_for_update().get_or_create(meeting=locked)[0]
            now = timezone.now()
            for decision in minutes.decisions.select_related("department", "issue").order_by(
                "order", "pk"
            ):
                _apply_decision(locked, decision, user, now)
            minutes.approved_at, minutes.approved_by = now, user
            from meetings.documents import minutes_document

            pdf = render_minutes_pdf(minutes_document(locked, minutes=minutes))
            minutes.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
            minutes.pdf.save(
                f"minutes-{locked.pk}-{minutes.pdf_sha256[:12]}.pdf", ContentFile(pdf), save=False
            )
            stored_name = minutes.pdf.name
            minutes._history_user = user
            minutes._change_reason = _("审定纪要")
            minutes.save()
            from_state = locked.state
            locked.approve_minutes()
            save_transition(locked, user, "approve_minutes", from_state, _("审定纪要"))
    except ConcurrentTransition as exc:
        _discard(stored_name)
        raise MeetingConflict(_("该会议刚刚被他人更改，请刷新页面后再试。")) from exc
    except Exception:
        _discard(stored_name)  # the transaction rolled back: no file without its record
        raise
    return locked


def _apply_decision(meeting: Meeting, decision: Decision, user, now) -> None:
    """raised → assign, assigned → reassign, anything else is recorded only."""
    if decision.issue_id is None:
        return
    prefix = _("议定事项 %(n)s：") % {"n": decision.number}
    issue = Issue.objects.get(pk=decision.issue_id)
    reason = f"{meeting.title}议定事项{decision.number}：{decision.text}"
    try:
        if issue.state == State.RAISED:
            perform_transition(
                issue,
                "assign",
                user,
                reason_override=reason,
                department=decision.department,
                due_date=decision.due_date,
                note=decision.text,
            )
            decision.applied_transition = "assign"
        elif issue.state == State.ASSIGNED:
            changes = {}
            if decision.department_id and decision.department_id != issue.department_id:
                changes["department"] = decision.department
            if decision.due_date and decision.due_date != issue.due_date:
                changes["due_date"] = decision.due_date
            if not changes:
                return  # the decision confirms the current assignment: recorded only
            perform_transition(
                issue, "reassign", user, reason_override=reason, reason=decision.text, **changes
            )
            decision.applied_transition = "reassign"
        else:
            return
    except ValidationError as exc:
        raise ValidationError({"decisions": [prefix + m for m in _messages(exc)]}) from exc
    except TransitionConflict as exc:
        raise MeetingConflict(prefix + str(exc)) from exc
    except PermissionDenied as exc:
        raise PermissionDenied(prefix + str(exc)) from exc
    decision.applied_at = now
    decision.save(update_fields=["applied_transition", "applied_at"])


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [str(m) for messages in exc.message_dict.values() for m in messages]
    return [str(m) for m in exc.messages]


def render_minutes_pdf(document: dict) -> bytes:
    """The printing module's renderer (PDF/A-3b with the JSON attached)."""
    from meetings.printed import render_minutes_pdf as render

    return render(document)


def _discard(name: str | None) -> None:
    if name:
        from django.core.files.storage import default_storage

        default_storage.delete(name)


# --- shared helpers -------------------------------------------------------------------------------


def _lock(meeting: Meeting) -> Meeting:
    """Lock the row so two clerks acting at once run one after the other."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.state != locked.state:
        raise MeetingConflict(_("该会议刚刚被他人更改，请刷新页面后再试。"))
    return locked


def _require_state_allows(meeting: Meeting, name: str) -> None:
    if not can_proceed(getattr(meeting, name)):
        raise MeetingConflict(_state_message(meeting, MEETING_TRANSITIONS[name].label))


def _require_agenda_editable(meeting: Meeting) -> None:
    if not meeting.agenda_is_editable:
        raise MeetingConflict(
            _("议程已发布，不能再生成或修改。")
            if meeting.state != MeetingState.CANCELLED
            else _state_message(meeting, _("修改议程"))
        )


def _state_message(meeting: Meeting, action: str) -> str:
    return _("会议当前状态为“%(state)s”，不能%(action)s。") % {
        "state": meeting.get_state_display(),
        "action": action,
    }
