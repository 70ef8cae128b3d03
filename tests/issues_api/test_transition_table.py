"""`issues.transitions` is the one source of each transition: everything else reads it."""

import pytest
from rest_framework import serializers

from issues.forms import transition_form
from issues.models import Issue, State
from issues.permissions import FSMRule
from issues.services import available_transitions
from issues.transitions import TRANSITIONS, by_button
from organisation.models import Department
from tests.issues_api.helpers import SOURCE_STATE, VALID_INPUTS

FSM_TRANSITIONS = list(Issue.state.field.get_all_transitions(Issue))


def test_every_state_machine_method_has_one_row_and_every_row_one_method():
    methods = {t.name for t in FSM_TRANSITIONS}
    rows = [t.method for t in TRANSITIONS.values()]
    assert sorted(rows) == sorted(methods)
    assert len(set(rows)) == len(rows)


def test_every_transition_names_its_rule_on_the_model_method():
    for t in FSM_TRANSITIONS:
        assert isinstance(t.permission, FSMRule), t.name
    for row in TRANSITIONS.values():
        assert row.permission is next(
            t.permission.predicate for t in FSM_TRANSITIONS if t.name == row.method
        )


def test_the_source_states_of_the_table_match_the_model():
    for name, row in TRANSITIONS.items():
        sources = {t.source for t in FSM_TRANSITIONS if t.name == row.method}
        assert SOURCE_STATE[name] in sources


def test_each_reason_field_is_an_input_and_each_button_has_its_own_place():
    for row in TRANSITIONS.values():
        if row.reason_field is not None:
            assert row.reason_field in row.inputs().fields, row.name
    places = [row.button for row in TRANSITIONS.values()]
    assert len(set(places)) == len(places)
    # The usual next step comes first on the page.
    assert by_button(["return", "resolve"]) == ["resolve", "return"]
    assert by_button(["reopen", "verify"]) == ["verify", "reopen"]


@pytest.mark.parametrize("name", list(TRANSITIONS))
def test_the_web_form_has_exactly_the_serializers_fields(name):
    fields = TRANSITIONS[name].inputs().fields
    form = transition_form(name)
    assert list(form.fields) == list(fields)
    for field_name, field in fields.items():
        form_field = form.fields[field_name]
        assert str(form_field.label) == str(field.label)
        assert form_field.required == (field.required and not getattr(field, "allow_blank", False))
        if isinstance(field, serializers.ChoiceField):
            assert [value for value, _label in form_field.choices] == list(field.choices)


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(TRANSITIONS))
def test_the_web_form_and_the_api_accept_the_same_body(name):
    """A valid API body, typed into the form (a department by its id), validates there too."""
    body = VALID_INPUTS[name]()
    if "department" in body:
        body["department"] = Department.objects.get(code=body["department"]).pk
    form = transition_form(name, {f"{name}-{key}": value for key, value in body.items()})
    assert form.is_valid(), form.errors
    assert set(form.inputs()) == set(TRANSITIONS[name].inputs().fields)


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(State))
def test_available_transitions_are_django_fsms_available_user_transitions(
    state, issue_in, personas
):
    issue = Issue.objects.get(pk=issue_in(state).pk)
    for person in personas.values():
        offered = available_transitions(issue, person)
        by_fsm = {t.name for t in issue.get_available_user_state_transitions(person)}
        assert {TRANSITIONS[name].method for name in offered} == by_fsm
        # The service's own two checks (403 role, 409 state) say the same.
        assert offered == [
            name
            for name, row in TRANSITIONS.items()
            if row.allows(person, issue) and row.can_proceed(issue)
        ]
