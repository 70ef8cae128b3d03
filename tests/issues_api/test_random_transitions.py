"""Random people try random transitions with good and bad inputs, through the service layer.

A small reference model says what should happen (403 role, 409 state, 400 input, or done);
after every attempt the row must keep every invariant of DESIGN and the history must hold
exactly one row per accepted transition, naming who did what from where.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from issues.models import Issue, IssueDepartment, State, today
from issues.services import TransitionConflict, perform_transition
from organisation.models import Department
from tests.issues_api.helpers import file_issue

pytestmark = pytest.mark.django_db

PERSONAS = [
    "software_officer",
    "ai_officer",
    "automotive_officer",
    "hrss_staff",
    "housing_staff",
    "secretariat",
    "leader",
    "outsider",
]
SOURCES = {
    "assign": {State.RAISED},
    "reassign": {State.ASSIGNED, State.ACCEPTED},
    "accept": {State.ASSIGNED},
    "return": {State.ASSIGNED, State.ACCEPTED},
    "resolve": {State.ACCEPTED},
    "verify": {State.RESOLVED},
    "reopen": {State.RESOLVED},
    "withdraw": {State.RAISED},
    "merge": {State.RAISED, State.ASSIGNED, State.ACCEPTED},
}
TARGET = {
    "assign": State.ASSIGNED,
    "reassign": State.ASSIGNED,
    "accept": State.ACCEPTED,
    "return": State.RAISED,
    "resolve": State.RESOLVED,
    "verify": State.VERIFIED,
    "reopen": State.ASSIGNED,
    "withdraw": State.WITHDRAWN,
    "merge": State.MERGED,
}
ENDINGS = {"withdraw", "merge"}  # they end the story: drawn only from the uniform half
DEPARTMENTS = {"hrss_staff": "hrss", "housing_staff": "housing"}
RIGHT_PEOPLE = {
    "assign": ["secretariat"],
    "reassign": ["secretariat"],
    "accept": list(DEPARTMENTS),
    "return": list(DEPARTMENTS),
    "resolve": list(DEPARTMENTS),
    "verify": ["software_officer"],
    "reopen": ["software_officer"],
    "withdraw": ["software_officer", "secretariat"],
    "merge": ["secretariat"],
}


def allowed(persona: str, name: str, department: str | None) -> bool:
    """The "who" column of DESIGN "The bottleneck state machine", for a 软件 issue whose department is `department`."""
    if name in {"assign", "reassign", "merge"}:
        return persona == "secretariat"
    if name == "return":
        return persona in DEPARTMENTS and department in (None, DEPARTMENTS[persona])
    if name in {"accept", "resolve"}:  # the lead department now, never one it left
        return persona in DEPARTMENTS and department == DEPARTMENTS[persona]
    if name in {"verify", "reopen"}:
        return persona == "software_officer"
    return persona in {"software_officer", "secretariat"}  # withdraw


@st.composite
def inputs(draw, name: str):
    """(valid?, keyword inputs) for transition `name`."""
    valid = draw(st.sampled_from([True, True, True, False]))  # mostly good input: go deep
    text = draw(st.sampled_from(["协调中", "企业反映情况属实", "应由其他部门办理" * 30]))
    if name == "assign":
        days = draw(st.integers(0, 60)) if valid else -draw(st.integers(1, 30))
        return valid, {
            "department": draw(st.sampled_from(["hrss", "housing"])),
            "due_date": today() + timedelta(days=days),
            "note": text,
        }
    if name == "reassign":
        if not valid:
            return False, draw(st.sampled_from([{}, {"due_date": today() - timedelta(days=1)}]))
        change = draw(st.sampled_from(["department", "due_date", "both"]))
        body = {"reason": text}
        if change != "due_date":
            body["department"] = draw(st.sampled_from(["hrss", "housing"]))
        if change != "department":
            body["due_date"] = today() + timedelta(days=draw(st.integers(0, 60)))
        return True, body
    if name == "verify":
        level = draw(st.sampled_from(["satisfied", "basically_satisfied", "dissatisfied"]))
        if valid:
            return True, {"satisfaction": level, "note": text}
        # A level that does not exist, or 不满意 without saying why.
        return False, draw(
            st.sampled_from([{"satisfaction": "meh"}, {"satisfaction": "dissatisfied"}])
        )
    if name == "accept":
        return True, {"note": draw(st.sampled_from(["", text]))}
    if name == "merge":
        # The original is filed before the story starts (ORIGINAL); itself or nothing is refused.
        return valid, {
            "duplicate_of": ORIGINAL if valid else draw(st.sampled_from([SELF, "999999"])),
            "reason": text,
        }
    if name == "resolve":
        outcome = draw(st.sampled_from(["solved", "explained"]))
        return valid, {"outcome": outcome, "resolution": text if valid else "  "}
    return valid, {"reason": text if valid else "  "}


ORIGINAL, SELF = "original", "self"  # placeholders for the ids, filled in by the test


@st.composite
def steps(draw, state: str):
    # Half the time a transition the state allows, so that issues travel far through the machine.
    # (Withdraw, which ends the story, only from the uniform half.)
    possible = [n for n, sources in SOURCES.items() if state in sources and n not in ENDINGS]
    possible = possible or list(SOURCES)
    name = draw(st.one_of(st.sampled_from(list(SOURCES)), st.sampled_from(possible)))
    valid, body = draw(inputs(name))
    # Likewise half the time the person DESIGN names for it.
    persona = draw(st.one_of(st.sampled_from(PERSONAS), st.sampled_from(RIGHT_PEOPLE[name])))
    return persona, name, valid, body


def check_invariants(issue: Issue) -> None:
    if issue.state in {State.ASSIGNED, State.ACCEPTED}:
        assert issue.department_id and issue.due_date and issue.due_date >= issue.assigned_at.date()
    if issue.state == State.ASSIGNED:
        assert issue.accepted_at is None, "the lead has not signed (again) yet"
    if issue.state == State.ACCEPTED:
        assert issue.accepted_at
    if issue.state in {State.RAISED, State.WITHDRAWN, State.MERGED}:
        assert issue.department_id is None and issue.due_date is None
        assert not issue.involvements.filter(active=True).exists()
    if issue.state == State.MERGED:
        assert issue.duplicate_of_id and issue.duplicate_of_id != issue.pk
    if issue.state in {State.RESOLVED, State.VERIFIED}:
        assert issue.resolution and issue.department_id and issue.outcome
    if issue.state == State.VERIFIED:
        assert issue.satisfaction and issue.verified_at
    if issue.department_id:
        assert IssueDepartment.objects.filter(
            issue=issue, department_id=issue.department_id
        ).exists()


@settings(
    max_examples=80,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_transitions_keep_every_invariant(personas, data):
    departments = {d.code: d for d in Department.objects.filter(code__in=["hrss", "housing"])}
    original = file_issue(personas["software_officer"], title="原件")
    issue = file_issue(personas["software_officer"])
    ids = {ORIGINAL: str(original.pk), SELF: str(issue.pk)}
    state, department, accepted = State.RAISED, None, 0
    # The copy a slow person read one step ago, with what it said then.
    old_copy, old_state, old_department, changed_since = (
        Issue.objects.get(pk=issue.pk),
        state,
        None,
        False,
    )

    for _step in range(data.draw(st.integers(1, 20), label="steps")):
        # Now and then someone acts on the copy they read a step ago.
        use_old = data.draw(st.integers(0, 4), label="use the old copy") == 0
        seen_state, seen_department = (
            (old_state, old_department) if use_old else (state, department)
        )
        persona, name, valid, body = data.draw(steps(seen_state))
        user = personas[persona]
        kwargs = {k: departments[v] if k == "department" else v for k, v in body.items()}
        if "duplicate_of" in kwargs:
            kwargs["duplicate_of"] = ids.get(kwargs["duplicate_of"], kwargs["duplicate_of"])
        if name == "reassign" and valid:
            # A reassign that repeats the current department and due date changes nothing: refused.
            due = Issue.objects.values_list("due_date", flat=True).get(pk=issue.pk)
            valid = (
                body.get("department", department) != department or body.get("due_date", due) != due
            )
        if not allowed(persona, name, seen_department):
            expected = PermissionDenied
        elif seen_state not in SOURCES[name]:
            expected = TransitionConflict
        elif use_old and changed_since:
            expected = TransitionConflict  # someone acted since this copy was read
            event("refused an outdated copy")
        elif not valid:
            expected = ValidationError
        else:
            expected = None

        copy = old_copy if use_old else Issue.objects.get(pk=issue.pk)
        old_copy, old_state, old_department = Issue.objects.get(pk=issue.pk), state, department
        try:
            issue = perform_transition(copy, name, user, **kwargs)
            outcome = None
        except (PermissionDenied, TransitionConflict, ValidationError) as exc:
            outcome = type(exc)
        assert outcome is expected, (persona, name, state, use_old, body)
        changed_since = expected is None

        issue = Issue.objects.get(pk=issue.pk)
        if expected is None:
            accepted += 1
            event(f"took {name}")
            if use_old:
                event("acted on an old copy that was still current")
            assert issue.state == TARGET[name]
            last = issue.history.order_by("-history_date", "-history_id").first()
            assert (last.transition, last.from_state, last.history_user_id, last.state) == (
                name,
                state,
                user.pk,
                TARGET[name],
            )
            state, department = (
                issue.state,
                (issue.department.code if issue.department_id else None),
            )
        else:
            assert issue.state == state
        check_invariants(issue)
        assert issue.history.count() == 1 + accepted
    event(f"{accepted} accepted, ended {state}")
