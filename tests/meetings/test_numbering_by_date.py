"""Regular meetings are numbered in order of their dates; a published number never changes."""

from datetime import date

import pytest

from meetings import services
from meetings.documents import minutes_document
from meetings.models import Kind, Meeting
from tests.meetings.conftest import at

pytestmark = pytest.mark.django_db


def create(secretariat, day: date) -> Meeting:
    return services.create_meeting(
        secretariat, kind=Kind.REGULAR, scheduled_at=at(day, 14), location="市总工会"
    )


def numbers(*meetings) -> list[int]:
    return [Meeting.objects.get(pk=m.pk).number for m in meetings]


def publish(meeting, secretariat) -> Meeting:
    services.add_agenda_item(meeting, secretariat, title="用工需求对接")
    return services.perform_meeting_transition(meeting, "publish_agenda", secretariat)


def test_a_meeting_added_between_two_takes_its_place_and_the_later_ones_move_up(secretariat):
    first = create(secretariat, date(2024, 3, 1))
    last = create(secretariat, date(2024, 12, 15))
    between = create(secretariat, date(2024, 12, 8))  # created last, dated between
    assert numbers(first, between, last) == [1, 2, 3]
    last.refresh_from_db()
    assert last.title == "2024年第3次产业链联络员会议"
    assert between.title == "2024年第2次产业链联络员会议"
    assert last.number_label == "〔2024〕3号"
    # The moved meeting's history says so.
    row = last.history.order_by("-history_date", "-history_id").first()
    assert row.transition == "renumber" and "第2次 → 第3次" in row.history_change_reason


def test_moving_a_meeting_to_another_date_renumbers_the_unpublished_ones(secretariat):
    a = create(secretariat, date(2024, 3, 1))
    b = create(secretariat, date(2024, 5, 1))
    c = create(secretariat, date(2024, 7, 1))
    services.update_meeting(a, secretariat, scheduled_at=at(date(2024, 6, 1), 9))
    assert numbers(b, a, c) == [1, 2, 3]


def test_a_published_number_never_changes(secretariat):
    """Decision: a meeting added before one whose agenda is published takes the next number
    no published meeting holds; the published ones (and their printed numbers) stay."""
    march = create(secretariat, date(2024, 3, 1))
    may = publish(create(secretariat, date(2024, 5, 1)), secretariat)
    june = create(secretariat, date(2024, 6, 1))
    assert numbers(march, may, june) == [1, 2, 3]
    april = create(secretariat, date(2024, 4, 1))
    assert numbers(march, april, may, june) == [1, 3, 2, 4]
    may.refresh_from_db()
    assert may.title == "2024年第2次产业链联络员会议"
    # An earlier unpublished meeting still moves up when one is added before it.
    february = create(secretariat, date(2024, 2, 1))
    assert numbers(february, march, april, may, june) == [1, 3, 4, 2, 5]


def test_a_meeting_cancelled_before_publication_leaves_the_sequence(secretariat):
    a = create(secretariat, date(2024, 3, 1))
    b = create(secretariat, date(2024, 5, 1))
    c = create(secretariat, date(2024, 7, 1))
    services.perform_meeting_transition(b, "cancel", secretariat, reason="改期")
    assert numbers(a, c) == [1, 2]
    d = create(secretariat, date(2024, 9, 1))
    assert numbers(a, c, d) == [1, 2, 3]


def test_a_published_then_cancelled_meeting_keeps_its_number(secretariat):
    a = create(secretariat, date(2024, 3, 1))
    b = publish(create(secretariat, date(2024, 5, 1)), secretariat)
    c = create(secretariat, date(2024, 7, 1))
    services.perform_meeting_transition(b, "cancel", secretariat, reason="改期")
    assert numbers(a, b, c) == [1, 2, 3]


def test_the_printed_minutes_number_follows_the_date_order(secretariat):
    later = create(secretariat, date(2024, 12, 15))
    earlier = create(secretariat, date(2024, 12, 8))
    head = minutes_document(Meeting.objects.get(pk=later.pk))["meeting"]
    assert (head["title"], head["number_label"]) == ("2024年第2次产业链联络员会议", "〔2024〕2号")
    assert minutes_document(earlier)["meeting"]["number_label"] == "〔2024〕1号"
