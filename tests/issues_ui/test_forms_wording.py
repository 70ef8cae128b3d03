"""The resolve and rating forms in the journeys' words (JOURNEYS 1 and 2): 已解决 / 已答复 with
reply letters; 满意 / 基本满意 / 不满意 (a note required for 不满意) with 重办 beside it."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from issues.models import Outcome, State
from issues.services import perform_transition

pytestmark = pytest.mark.django_db


def _page(client, user, issue) -> str:
    client.force_login(user)
    return client.get(reverse("issues:detail", args=[issue.pk])).content.decode()


def _form(html, name) -> str:
    start = html.index(f'data-transition="{name}"')
    return html[start : html.index("</details>", start)]


def _radio(form, name, value) -> str:
    """The `<input type="radio">` of choice `value` in the form's field `name`."""
    return re.search(rf'<input type="radio" name="{name}" value="{value}"[^>]*>', form).group(0)


def _post(client, user, issue, name, data):
    client.force_login(user)
    return client.post(reverse("issues:transition", args=[issue.pk, name]), data)


@pytest.fixture
def accepted(assigned, hrss_staff):
    return perform_transition(assigned, "accept", hrss_staff)


def test_the_resolve_form_asks_solved_or_answered(client, accepted, hrss_staff):
    form = _form(_page(client, hrss_staff, accepted), "resolve")
    assert "已解决" in form and "已答复（无法解决，说明理由）" in form
    solved = _radio(form, "resolve-outcome", "solved")
    assert "checked" in solved  # DESIGN's default
    assert "办理结果或答复理由" in form and "回复函" in form
    assert 'type="file"' in form and "multiple" in form


def test_an_answer_without_its_reason_is_refused_and_keeps_the_choice(client, accepted, hrss_staff):
    response = _post(
        client,
        hrss_staff,
        accepted,
        "resolve",
        {"resolve-outcome": "explained", "resolve-resolution": " "},
    )
    assert response.status_code == 400
    form = _form(response.content.decode(), "resolve")
    assert "已答复的，须说明无法解决的理由。" in form
    explained = _radio(form, "resolve-outcome", "explained")
    assert "checked" in explained


def test_answered_with_a_reply_letter(client, accepted, hrss_staff):
    letter = SimpleUploadedFile("回复函.pdf", b"%PDF-1.4 reply", content_type="application/pdf")
    response = _post(
        client,
        hrss_staff,
        accepted,
        "resolve",
        {
            "resolve-outcome": "explained",
            "resolve-resolution": "该事项属国家政策调整范围，非本级事权，已向上级反映。",
            "resolve-files": [letter],
        },
    )
    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.state == State.RESOLVED and accepted.outcome == Outcome.EXPLAINED
    assert accepted.attachments.get().reply


def test_the_rating_offers_three_levels_and_reopen_beside_it(client, resolved, software_officer):
    html = _page(client, software_officer, resolved)
    verify = _form(html, "verify")
    for label in ("满意", "基本满意", "不满意"):
        assert f">{label}</label>" in verify
    # 重办 is the very next action after 评价.
    actions = re.findall(r'<details class="mb-2"[^>]*data-transition="(\w+)"', html)
    assert actions[actions.index("verify") + 1] == "reopen"
    assert "重办理由" in _form(html, "reopen")


def test_dissatisfied_needs_a_note_says_so_and_keeps_what_was_typed(
    client, resolved, software_officer
):
    response = _post(
        client, software_officer, resolved, "verify", {"verify-satisfaction": "dissatisfied"}
    )
    assert response.status_code == 400
    form = _form(response.content.decode(), "verify")
    assert "不满意须说明理由。" in form
    dissatisfied = _radio(form, "verify-satisfaction", "dissatisfied")
    assert "checked" in dissatisfied
    resolved.refresh_from_db()
    assert resolved.state == State.RESOLVED

    response = _post(
        client,
        software_officer,
        resolved,
        "verify",
        {"verify-satisfaction": "dissatisfied", "verify-note": "补贴仍未到账，企业不满意"},
    )
    assert response.status_code == 302
    resolved.refresh_from_db()
    assert resolved.state == State.VERIFIED and resolved.satisfaction == "dissatisfied"


def test_reopen_needs_its_reason_and_keeps_the_text(client, resolved, software_officer):
    response = _post(client, software_officer, resolved, "reopen", {"reopen-reason": "   "})
    assert response.status_code == 400
    assert "重新办理须说明理由。" in _form(response.content.decode(), "reopen")
