"""Business operations on meetings, each like an issue transition: permission (403) →
`transaction.atomic()` with the meeting row locked → the change → one meeting history row
naming who and the operation (`record`) → `meeting_changed` (and a transition's own signal)
in the same transaction, so that what listeners write commits or rolls back with the change. The operations and their rules are declared in `meetings.transitions`.

Views and the API call these and turn the exceptions into a message or a status code:
`PermissionDenied` → 403, `MeetingConflict` → 409, `ValidationError` → 400.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_fsm import ConcurrentTransition, can_proceed

from issues.models import Issue, State
from issues.services import TransitionConflict, perform_transition
from issues.states import HANDLING_STATES
from liaison.access import Conflict, require
from liaison.history import save_transition, save_with_history
from liaison.storage import atomic_with_files
from meetings.agenda import build_agenda, snapshot
from meetings.documents import agenda_document, minutes_document
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
    past_due_message,
    sections_for,
)
from meetings.participants import organisation_of, usual_participants
from meetings.printed import render_agenda_pdf, render_minutes_pdf
from meetings.signals import meeting_changed
from meetings.transitions import (
    EDITS,
    MEETING_TRANSITIONS,
    MeetingTransitionSpec,
    available_transitions,
)
from meetings.versions import is_stale, touch
from organisation.models import Department, User


class MeetingConflict(Conflict):
    """Not possible in the meeting's current state (or someone changed it a moment ago) → 409."""


ROLE_MESSAGE = _lazy("只有秘书处可以管理会议。")


# --- who may see and change which meeting -------------------------------------------------


def visible_meetings(user):
    """Everyone with a role reads every meeting; anyone else sees none (DESIGN "Roles")."""
    return Meeting.objects.all() if user.has_perm("meetings.read") else Meeting.objects.none()


def meeting_for(user, pk) -> Meeting:
    """The one access helper: a meeting this person may read, or 404 (never 403)."""
    try:
        return visible_meetings(user).get(pk=pk)
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise Http404(_("会议不存在。")) from None


def meeting_to_change(user, pk, operation: str) -> Meeting:
    """A meeting this person may read (404 otherwise) and take `operation` on (403 otherwise)."""
    meeting = meeting_for(user, pk)
    permit(user, operation, meeting)
    return meeting


def permit(user, operation: str, meeting: Meeting | None = None) -> None:
    """403 unless `user` may take `operation` (a transition or an edit) on `meeting`."""
    spec = MEETING_TRANSITIONS.get(operation) or EDITS[operation]
    require(user, spec.permission, meeting, str(ROLE_MESSAGE))


def available_meeting_transitions(meeting: Meeting, user) -> list[str]:
    """The lifecycle buttons this person may press now."""
    return available_transitions(meeting, user)


# --- the audit trail -------------------------------------------------------------------------


def record(meeting: Meeting, user, operation: str, reason: str = "", *, from_state=None) -> None:
    """Save `meeting` with the one history row of `operation` (who, when, what), and tell the
    listeners in the same transaction: the notifications and tasks they write commit with the
    change, and a change that rolls back leaves none."""
    from_state = meeting.state if from_state is None else from_state
    save_transition(meeting, user, operation, from_state, reason)
    spec = MEETING_TRANSITIONS.get(operation)
    meeting_changed.send(
        sender=Meeting, meeting=meeting, user=user, operation=operation, reason=reason
    )
    if spec is not None and spec.signal is not None:
        spec.signal.send(sender=Meeting, meeting=meeting, user=user)


def in_house_language(message, **params) -> str:
    """History is data: written in the house language whoever acts and in whatever language."""
    with translation.override(settings.LANGUAGE_CODE):
        text = str(message)
        return text % params if params else text


def in_house_list(labels) -> str:
    """Labels joined as a Chinese enumeration, in the house language (see in_house_language)."""
    with translation.override(settings.LANGUAGE_CODE):
        return "、".join(str(label) for label in labels)


# --- creating and editing meetings --------------------------------------------------------


def create_meeting(
    user, *, kind: str, scheduled_at, location: str = "", title: str = ""
) -> Meeting:
    permit(user, "create")
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
            record(meeting, user, "create", from_state="")
    except IntegrityError as exc:
        # Two annual meetings created at once: the database constraint decides.
        raise ValidationError({"kind": [_("该年度的联席会议已经存在。")]}) from exc
    return meeting


HEAD_FIELDS = {
    "scheduled_at": _lazy("会议时间"),
    "location": _lazy("会议地点"),
    "title": _lazy("会议名称"),
}


def update_meeting(meeting: Meeting, user, **fields) -> Meeting:
    """Change date, place or title; not once the minutes are approved or it was cancelled."""
    permit(user, "edit", meeting)
    unknown = set(fields) - set(HEAD_FIELDS)
    if unknown:
        raise ValueError(f"cannot update {unknown}")
    with atomic_with_files():  # a published agenda's new file goes if the change rolls back
        locked = _lock(meeting)
        if locked.state in (MeetingState.MINUTES_APPROVED, MeetingState.CANCELLED):
            raise MeetingConflict(
                _("会议当前状态为“%(state)s”，不能再修改。") % {"state": locked.get_state_display()}
            )
        before = {name: getattr(locked, name) for name in HEAD_FIELDS}
        if "title" in fields:
            title = (fields.pop("title") or "").strip()
            locked.title, locked.title_is_custom = title, bool(title)
            if not title:
                locked.title = locked.generated_title()
        for name, value in fields.items():
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        locked.clean()
        changed = [
            label for name, label in HEAD_FIELDS.items() if getattr(locked, name) != before[name]
        ]
        if changed and locked.agenda_pdf:  # a published agenda prints the new time or place
            _store_agenda_pdf(locked)
        record(locked, user, "edit", in_house_list(changed))
    return locked


def perform_meeting_transition(
    meeting: Meeting, name: str, user, *, reason: str = "", version: str | None = None
) -> Meeting:
    """Run lifecycle transition `name` (a key of `MEETING_TRANSITIONS`).
    `version`: the minutes version the approver saw (see `approve_minutes`)."""
    spec = MEETING_TRANSITIONS.get(name)
    if spec is None:
        raise Http404(_("没有这个操作。"))
    permit(user, name, meeting)
    if name == "approve_minutes":
        return approve_minutes(meeting, user, version=version)
    try:
        # the published agenda's file is removed again if the transaction rolls back
        with atomic_with_files():
            locked = _lock(meeting)
            _require_state_allows(locked, spec)
            from_state = locked.state
            method = getattr(locked, spec.method)
            method(**{spec.reason_field: reason}) if spec.reason_field else method()
            if name == "publish_agenda":
                _store_agenda_pdf(locked)
            record(locked, user, name, reason, from_state=from_state)
    except ConcurrentTransition as exc:
        raise MeetingConflict(_("该会议刚刚被他人更改，请刷新页面后再试。")) from exc
    return locked


def _store_agenda_pdf(meeting: Meeting) -> None:
    """Render the published agenda once and keep it with its SHA-256 (the row is saved by the
    caller, in the same transaction). The file it replaces (the agenda of a meeting moved after publishing) goes on commit."""
    previous = meeting.agenda_pdf.name
    pdf = render_agenda_pdf(agenda_document(meeting))
    meeting.agenda_pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    # the storage writes a temporary file and gives it its name once complete (liaison.storage)
    meeting.agenda_pdf.save(
        f"agenda-{meeting.pk}-{meeting.agenda_pdf_sha256[:12]}.pdf", ContentFile(pdf), save=False
    )
    if previous and previous != meeting.agenda_pdf.name:
        transaction.on_commit(lambda: default_storage.delete(previous))


# --- the agenda -----------------------------------------------------------------------------


def generate_agenda(meeting: Meeting, user) -> list[AgendaItem]:
    """(Re)build the agenda by DESIGN's rules, keeping every hand edit.

    The first generation lists the kind's sections, then the items added by hand. Regenerating
    refreshes each generated section in place (its issues, decisions, figures) and keeps what
    the secretariat did by hand: the order, edited titles and notes, issues taken off a
    section (they stay off), sections deleted (they stay in the trash, refreshed, restorable)
    and items added by hand. `hand_edits` lists them for the confirmation beforehand.
    """
    permit(user, "generate_agenda", meeting)
    with transaction.atomic():
        locked = _lock(meeting)
        _require_agenda_editable(locked)
        existing = {
            item.section: item
            for item in AgendaItem.all_objects.filter(meeting=locked, generated=True).order_by(
                "order", "pk"
            )
        }
        removed = {
            section: {entry["id"] for entry in item.removed_issues}
            for section, item in existing.items()
        }
        drafts = build_agenda(locked, removed)
        if not existing:
            manual = list(locked.agenda_items.order_by("order", "pk"))
            items = AgendaItem.objects.bulk_create(
                _item_from_draft(AgendaItem(meeting=locked, order=n, generated=True), d)
                for n, d in enumerate(drafts, start=1)
            )
            for n, item in enumerate(manual, start=len(items) + 1):
                item.order = n
            AgendaItem.objects.bulk_update(manual, ["order"])
        else:
            last = max((i.order for i in locked.agenda_items.all()), default=0)
            fresh: list[AgendaItem] = []
            changed: list[AgendaItem] = []
            for draft in drafts:
                if draft.section not in existing:
                    last += 1  # a section this agenda never had: after the others
                    fresh.append(
                        _item_from_draft(
                            AgendaItem(meeting=locked, order=last, generated=True), draft
                        )
                    )
                    continue
                item = existing.pop(draft.section)
                # The taken-off issues that still belong in the section, snapshotted now
                # (for undo); one that left it meanwhile, say verified, is not offered back.
                position = {e["id"]: e.get("position", 0) for e in item.removed_issues}
                item.removed_issues = [
                    {**entry, "position": position.get(entry["id"], 0)}
                    for entry in draft.removed_issues
                ]
                _item_from_draft(item, draft, keep_title=item.title_edited)
                changed.append(item)
            AgendaItem.objects.bulk_create(fresh)
            AgendaItem.all_objects.bulk_update(
                changed,
                ["title", "notes", "issues", "decisions", "report", "removed_issues"]
                + ["more_count", "more_query"],
            )
            AgendaItem.all_objects.filter(pk__in=[i.pk for i in existing.values()]).delete()
            items = list(locked.agenda_items.order_by("order", "pk"))
            manual = [i for i in items if not i.generated]
        locked.agenda_generated_at = timezone.now()
        record(
            locked,
            user,
            "generate_agenda",
            in_house_language(
                _lazy("自动生成%(generated)s项，保留手工添加%(manual)s项"),
                generated=len(drafts),
                manual=len(manual),
            ),
        )
    return list(locked.agenda_items.order_by("order", "pk"))


def _item_from_draft(item: AgendaItem, draft, *, keep_title: bool = False) -> AgendaItem:
    """Fill a generated item from its draft; edited notes (and a kept title) stay as typed."""
    if not keep_title:
        item.title = draft.title
    if not item.notes_edited:
        item.notes = draft.notes
    item.section = draft.section
    item.issues, item.decisions, item.report = draft.issues, draft.decisions, draft.report
    item.more_count, item.more_query = draft.more_count, draft.more_query
    return item


def hand_edits(meeting: Meeting) -> list[str]:
    """What the secretariat changed by hand in the draft agenda, in words: what regenerating
    keeps (shown before it runs, so nobody wonders whether it overwrites them)."""
    items = list(AgendaItem.all_objects.filter(meeting=meeting).order_by("order", "pk"))
    if not any(i.generated for i in items):
        return []
    edits = []
    for item in items:
        if item.removed_at is not None:
            if item.generated:
                edits.append(_("已删除的部分“%(title)s”仍留在已删除中") % {"title": item.title})
            continue
        if not item.generated:
            edits.append(_("手工添加的议题“%(title)s”") % {"title": item.title})
            continue
        if item.title_edited:
            edits.append(_("“%(title)s”修改后的名称") % {"title": item.title})
        if item.notes_edited:
            edits.append(_("“%(title)s”修改后的说明") % {"title": item.title})
        if item.removed_issues:
            edits.append(
                _("“%(title)s”中移出的%(n)s件问题仍不列入")
                % {"title": item.title, "n": len(item.removed_issues)}
            )
    return edits


def add_agenda_item(
    meeting: Meeting,
    user,
    *,
    title: str,
    notes: str = "",
    section: str = Section.OTHER,
    issue_ids: list[int] | None = None,
) -> AgendaItem:
    permit(user, "add_agenda_item", meeting)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": [_("请填写议题。")]})
    if section not in sections_for(meeting.kind):
        raise ValidationError({"section": [_("该类会议没有这个议程类别。")]})
    with transaction.atomic():
        locked = _lock(meeting)
        _require_agenda_editable(locked)
        last = locked.agenda_items.order_by("-order").values_list("order", flat=True).first() or 0
        item = AgendaItem.objects.create(
            meeting=locked,
            order=last + 1,
            section=section,
            title=title,
            notes=notes.strip(),
            issues=_snapshots(issue_ids or []),
        )
        record(locked, user, "add_agenda_item", _item_label(item))
        return item


def update_agenda_item(
    item: AgendaItem,
    user,
    *,
    title: str | None = None,
    notes: str | None = None,
    issue_ids: list[int] | None = None,
) -> AgendaItem:
    permit(user, "edit_agenda_item", item.meeting)
    with transaction.atomic():
        meeting = _lock(item.meeting)
        _require_agenda_editable(meeting)
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        old_title = item.title
        if title is not None:
            if not title.strip():
                raise ValidationError({"title": [_("请填写议题。")]})
            item.title = title.strip()
        if notes is not None and notes.strip() != item.notes:
            item.notes = notes.strip()
            item.notes_edited = item.generated  # kept when the agenda is regenerated
        if item.title != old_title and item.generated:
            item.title_edited = True
        if issue_ids is not None:
            item.issues = _snapshots(issue_ids)
        item.save()
        label = _item_label(item)
        if item.title != old_title:
            label = in_house_language(_lazy("%(old)s → %(new)s"), old=old_title, new=label)
        record(meeting, user, "edit_agenda_item", label)
        return item


def remove_agenda_item(item: AgendaItem, user) -> None:
    """Delete an item from the draft: it goes to the trash, restorable until publication."""
    permit(user, "remove_agenda_item", item.meeting)
    with transaction.atomic():
        meeting = _lock(item.meeting)
        _require_agenda_editable(meeting)
        item = _live_item(meeting, item.pk)
        label = _item_label(item)
        item.removed_at = timezone.now()
        item.save(update_fields=["removed_at"])
        _renumber(meeting.agenda_items.order_by("order", "pk"))
        record(meeting, user, "remove_agenda_item", label)


def restore_agenda_item(meeting: Meeting, user, item_pk) -> AgendaItem:
    """Undo a deletion: the item comes back where it was (its place at deletion)."""
    permit(user, "restore_agenda_item", meeting)
    with transaction.atomic():
        locked = _lock(meeting)
        _require_agenda_editable(locked)
        try:
            item = AgendaItem.all_objects.select_for_update().get(
                pk=_pk(item_pk) or 0, meeting=locked, removed_at__isnull=False
            )
        except AgendaItem.DoesNotExist:
            raise MeetingConflict(_("该议题不在已删除的议题中，可能已被他人恢复。")) from None
        live = list(locked.agenda_items.order_by("order", "pk"))
        item.removed_at = None
        live.insert(min(max(item.order - 1, 0), len(live)), item)
        item.save(update_fields=["removed_at"])
        _renumber(live)
        record(locked, user, "restore_agenda_item", _item_label(item))
        return item


def remove_agenda_issue(item: AgendaItem, user, issue_pk) -> dict:
    """Take one issue off an agenda item; it is kept aside (undo) and stays off when the
    agenda is regenerated. Returns the snapshot taken off."""
    permit(user, "remove_agenda_issue", item.meeting)
    with transaction.atomic():
        meeting = _lock(item.meeting)
        _require_agenda_editable(meeting)
        item = _live_item(meeting, item.pk)
        position = next((n for n, e in enumerate(item.issues) if e["id"] == _pk(issue_pk)), None)
        if position is None:
            raise MeetingConflict(_("该问题已不在本议题中，可能已被他人移出。"))
        entry = item.issues.pop(position)
        item.removed_issues = [*item.removed_issues, {**entry, "position": position}]
        item.save(update_fields=["issues", "removed_issues"])
        record(meeting, user, "remove_agenda_issue", _issue_label(item, entry))
        return entry


def restore_agenda_issue(item: AgendaItem, user, issue_pk) -> dict:
    """Undo `remove_agenda_issue`: the issue goes back to its place in the item."""
    permit(user, "restore_agenda_issue", item.meeting)
    with transaction.atomic():
        meeting = _lock(item.meeting)
        _require_agenda_editable(meeting)
        item = _live_item(meeting, item.pk)
        kept = [e for e in item.removed_issues if e["id"] == _pk(issue_pk)]
        if not kept:
            raise MeetingConflict(_("该问题不在已移出的问题中，可能已被他人放回。"))
        entry = dict(kept[0])
        position = entry.pop("position", len(item.issues))
        item.removed_issues = [e for e in item.removed_issues if e["id"] != entry["id"]]
        if entry["id"] not in item.issue_ids:
            item.issues.insert(min(position, len(item.issues)), entry)
        item.save(update_fields=["issues", "removed_issues"])
        record(meeting, user, "restore_agenda_issue", _issue_label(item, entry))
        return entry


def _live_item(meeting: Meeting, item_pk) -> AgendaItem:
    try:
        return AgendaItem.objects.select_for_update().get(pk=item_pk, meeting=meeting)
    except AgendaItem.DoesNotExist:
        raise MeetingConflict(_("该议题已被删除，请刷新页面后再试。")) from None


def _issue_label(item: AgendaItem, entry: dict) -> str:
    return f"{_item_label(item)}：{entry.get('number', '')} {entry.get('title', '')}"


def reorder_agenda(meeting: Meeting, user, item_ids: list[int]) -> None:
    """Put the agenda items in the order of `item_ids` (all of them, each once)."""
    permit(user, "reorder_agenda", meeting)
    with transaction.atomic():
        locked = _lock(meeting)
        _require_agenda_editable(locked)
        items = {item.pk: item for item in locked.agenda_items.order_by("order", "pk")}
        if sorted(item_ids) != sorted(items):
            raise ValidationError({"order": [_("请按顺序列出本次会议的全部议程事项。")]})
        if list(items) == list(item_ids):
            return  # already in this order: nothing changed, nothing to record
        _renumber(items[pk] for pk in item_ids)
        record(locked, user, "reorder_agenda", "；".join(_item_label(items[pk]) for pk in item_ids))


def _item_label(item: AgendaItem) -> str:
    return f"{item.order}. {item.title}"


def _renumber(items) -> None:
    items = list(items)
    for n, item in enumerate(items, start=1):
        item.order = n
    AgendaItem.objects.bulk_update(items, ["order"])


def _snapshots(issue_ids: list[int]) -> list[dict]:
    issues = {i.pk: i for i in Issue.objects.filter(pk__in=issue_ids).select_related("department")}
    missing = [pk for pk in issue_ids if pk not in issues]
    if missing:
        raise ValidationError(
            {"issues": [_("问题不存在：%(ids)s") % {"ids": ", ".join(map(str, missing))}]}
        )
    return [snapshot(issues[pk]) for pk in dict.fromkeys(issue_ids)]


# --- attendance -----------------------------------------------------------------------------

ATTENDANCE_FIELDS = ("order", "user_id", "name", "organisation", "status", "note")


def set_attendance(meeting: Meeting, user, rows: list[dict]) -> list[Attendance]:
    """Replace the attendance list. Each row: `user` (a User or id) or `name` + `organisation`,
    `status` present/absent/observer, `note` (the reason, required when absent)."""
    permit(user, "set_attendance", meeting)
    people: dict[int | None, User] = {
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
            organisation_of(person) if person else ""
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
        before = list(locked.attendance.order_by("order", "pk").values_list(*ATTENDANCE_FIELDS))
        after = [tuple(getattr(e, f) for f in ATTENDANCE_FIELDS) for e in entries]
        if before == after:
            return list(locked.attendance.order_by("order", "pk"))  # the same list again
        locked.attendance.all().delete()
        for entry in entries:
            entry.meeting = locked
        saved = Attendance.objects.bulk_create(entries)
        touch(Minutes.objects.get_or_create(meeting=locked)[0])  # attendance is in the minutes
        counts = dict.fromkeys(AttendanceStatus.values, 0)
        for entry in entries:
            counts[entry.status] += 1
        record(
            locked,
            user,
            "set_attendance",
            in_house_language(
                _lazy("出席%(present)s人，请假%(absent)s人，列席%(observer)s人"), **counts
            ),
        )
        return saved


def fill_usual_attendance(meeting: Meeting, user) -> tuple[list[Attendance], list[str]]:
    """Add the usual participants (`meetings.participants.usual_participants`) not yet on the
    attendance list, as 出席, after the rows already there (which keep what was set). One step;
    one history row. Returns the list and the departments on the agenda without an account."""
    permit(user, "set_attendance", meeting)
    usual, nobody = usual_participants(meeting)
    with transaction.atomic():
        locked = _lock(meeting)
        current = list(locked.attendance.order_by("order", "pk"))
        present = {a.user_id for a in current if a.user_id}
        rows = [
            {f: getattr(a, f) for f in ("user_id", "name", "organisation", "status", "note")}
            for a in current
        ]
        for row in rows:
            row["user"] = row.pop("user_id")
        rows += [row for row in usual if row["user"].pk not in present]
        return set_attendance(locked, user, rows), nobody


def _pk(value) -> int | None:
    if isinstance(value, User):
        return value.pk
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- minutes ----------------------------------------------------------------------------------

MINUTES_PARTS = {
    "summary": _lazy("会议概述"),
    "items": _lazy("议题讨论"),
    "decisions": _lazy("议定事项"),
}


def save_minutes(
    meeting: Meeting,
    user,
    *,
    summary: str | None = None,
    items: list[dict] | None = None,
    decisions: list[dict] | None = None,
) -> Minutes:
    """Write the minutes: `summary`; `items` [{agenda_item, discussion}]; `decisions`
    [{id?, text, department, co_departments, due_date, issue}] replacing the list (rows keep their id when
    given one). Only while the agenda is published or the meeting held; 409 once approved.
    The history names the parts that changed; saving the same minutes again records nothing."""
    permit(user, "save_minutes", meeting)
    with transaction.atomic():
        locked = _lock(meeting)
        if not locked.minutes_are_editable:
            raise MeetingConflict(_state_message(locked, _("修改纪要")))
        minutes = Minutes.objects.select_for_update().get_or_create(meeting=locked)[0]
        changed = []
        if summary is not None and summary.strip() != minutes.summary:
            minutes.summary = summary.strip()
            save_with_history(minutes, user)
            changed.append("summary")
        if items is not None and _save_item_notes(locked, minutes, items):
            changed.append("items")
        if decisions is not None and _save_decisions(minutes, decisions):
            changed.append("decisions")
        if changed:
            parts = in_house_list(MINUTES_PARTS[part] for part in changed)
            record(locked, user, "save_minutes", parts)
            touch(minutes)  # the version an approver saw is no longer this one
        return minutes


def _save_item_notes(meeting: Meeting, minutes: Minutes, items: list[dict]) -> bool:
    """Write the notes per agenda item; True if any changed."""
    agenda = set(meeting.agenda_items.values_list("pk", flat=True))
    existing = dict(minutes.item_notes.values_list("agenda_item_id", "discussion"))
    errors, changed = [], False
    for n, row in enumerate(items, start=1):
        item_id = _pk(row.get("agenda_item"))
        if item_id not in agenda:
            errors.append(_("第%(n)s项：议程事项不属于本次会议。") % {"n": n})
            continue
        discussion = (row.get("discussion") or "").strip()
        if existing.get(item_id, None if discussion else "") == discussion:
            continue  # unchanged (an empty note for an item without one is no change either)
        ItemNote.objects.update_or_create(
            minutes=minutes, agenda_item_id=item_id, defaults={"discussion": discussion}
        )
        changed = True
    if errors:
        raise ValidationError({"items": errors})
    return changed


DECISION_FIELDS = ("pk", "order", "text", "department_id", "due_date", "issue_id")


def _save_decisions(minutes: Minutes, rows: list[dict]) -> bool:
    """Replace the decisions by `rows`; True if the list changed."""
    existing: dict[int | None, Decision] = {
        d.pk: d for d in minutes.decisions.prefetch_related("co_departments")
    }
    before = [
        (*_decision_row(d), tuple(sorted(c.pk for c in d.co_departments.all())))
        for d in sorted(existing.values(), key=lambda d: (d.order, d.pk))
    ]
    today = timezone.localdate()
    departments: dict[int | None, Department] = {d.pk: d for d in Department.objects.all()}
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
        co_departments = []
        for ref in row.get("co_departments") or []:
            co = ref if isinstance(ref, Department) else None
            co = co or departments.get(_pk(ref)) or departments_by_code.get(str(ref))
            if co is None:
                errors.append(prefix + _("协办部门“%(ref)s”不存在。") % {"ref": ref})
            elif co != department and co not in co_departments:
                co_departments.append(co)
        due_date = row.get("due_date")
        if isinstance(due_date, str) and due_date:
            try:
                due_date = date.fromisoformat(due_date)
            except ValueError:
                errors.append(prefix + _("完成时限格式无效。"))
                due_date = None
        if due_date and due_date < today:
            errors.append(prefix + past_due_message(today))
        decision = existing.get(_pk(row.get("id"))) or Decision(minutes=minutes)
        decision.order, decision.text = n, text
        decision.department = department or None
        decision.due_date = due_date or None
        decision.issue = issue or None
        kept.append((decision, co_departments))
    if errors:
        raise ValidationError({"decisions": errors})
    after = [(*_decision_row(d), tuple(sorted(c.pk for c in cos))) for d, cos in kept]
    if after == before:
        return False
    keep_ids = {d.pk for d, _cos in kept if d.pk}
    minutes.decisions.exclude(pk__in=keep_ids).delete()
    for decision, cos in kept:
        decision.save()
        decision.co_departments.set(cos)
    return True


def _decision_row(decision: Decision) -> tuple:
    return tuple(getattr(decision, f) for f in DECISION_FIELDS)


# --- approval -----------------------------------------------------------------------------------


def approve_minutes(meeting: Meeting, user, *, version: str | None = None) -> Meeting:
    """held → minutes_approved, in ONE transaction: apply every decision to its issue, lock the
    minutes, render and store the PDF. Any decision that cannot be applied → nothing is applied,
    and the error names it; the minutes stay editable. `version` (optional): the minutes version
    the approver saw; changed since → 409, nothing approved."""
    permit(user, "approve_minutes", meeting)
    spec = MEETING_TRANSITIONS["approve_minutes"]
    stored_name = None
    try:
        with transaction.atomic():
            locked = _lock(meeting)
            _require_state_allows(locked, spec)
            minutes, created = Minutes.objects.select_for_update().get_or_create(meeting=locked)
            if is_stale(None if created else minutes, version):
                raise MeetingConflict(
                    _("纪要在您打开页面之后已被他人修改，请刷新页面、核对后再审定。")
                )
            now = timezone.now()
            for decision in minutes.decisions.select_related("department", "issue").order_by(
                "order", "pk"
            ):
                _apply_decision(locked, decision, user, now)
            minutes.approved_at, minutes.approved_by = now, user
            pdf = render_minutes_pdf(minutes_document(locked, minutes=minutes))
            minutes.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
            minutes.pdf.save(
                f"minutes-{locked.pk}-{minutes.pdf_sha256[:12]}.pdf", ContentFile(pdf), save=False
            )
            stored_name = minutes.pdf.name
            save_with_history(minutes, user, in_house_language(spec.label))
            from_state = locked.state
            getattr(locked, spec.method)()
            record(locked, user, spec.name, from_state=from_state)
    except ConcurrentTransition as exc:
        _discard(stored_name)
        raise MeetingConflict(_("该会议刚刚被他人更改，请刷新页面后再试。")) from exc
    except Exception:
        _discard(stored_name)  # the transaction rolled back: no file without its record
        raise
    return locked


def _apply_decision(meeting: Meeting, decision: Decision, user, now) -> None:
    """raised → assign, assigned or accepted → reassign, anything else is recorded only."""
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
        elif issue.state in HANDLING_STATES:
            changes: dict[str, Any] = {}
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


def _discard(name: str | None) -> None:
    if name:
        default_storage.delete(name)


# --- shared helpers -------------------------------------------------------------------------------


def _lock(meeting: Meeting) -> Meeting:
    """Lock the row so two clerks acting at once run one after the other."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.state != locked.state:
        raise MeetingConflict(_("该会议刚刚被他人更改，请刷新页面后再试。"))
    return locked


def _require_state_allows(meeting: Meeting, spec: MeetingTransitionSpec) -> None:
    method = getattr(meeting, spec.method)
    if can_proceed(method):
        return
    if spec.refusal and can_proceed(method, check_conditions=False):
        raise MeetingConflict(getattr(meeting, spec.refusal)())
    raise MeetingConflict(_state_message(meeting, spec.label))


def _require_agenda_editable(meeting: Meeting) -> None:
    if not meeting.agenda_is_editable:
        raise MeetingConflict(
            _("议程已发布，不能再生成或修改。")
            if meeting.state != MeetingState.CANCELLED
            else _state_message(meeting, _("修改议程"))
        )


def _state_message(meeting: Meeting, action: str | Promise) -> str:
    return _("会议当前状态为“%(state)s”，不能%(action)s。") % {
        "state": meeting.get_state_display(),
        "action": action,
    }
