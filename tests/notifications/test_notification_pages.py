"""The bell, the list, opening one (read, then its target), mark all; and the API."""

import pytest

from notifications.models import Notification


@pytest.fixture
def notes(hrss_staff, housing_staff):
    make = Notification.objects.create
    return [
        make(
            recipient=hrss_staff,
            kind="assign",
            text="问题 2024-0001「招聘难」已交办市人社局",
            url="/issues/1/",
        ),
        make(
            recipient=hrss_staff, kind="overdue", text="问题 2024-0002 已超期3天", url="/issues/2/"
        ),
        make(recipient=housing_staff, kind="assign", text="别人的通知", url="/issues/3/"),
    ]


def test_bell_shows_the_unread_count_and_opening_one_marks_it_read(client, notes, hrss_staff):
    client.force_login(hrss_staff)
    page = client.get("/notifications/").content.decode()
    assert 'data-testid="unread-count">2<' in page
    assert "招聘难" in page and "别人的通知" not in page
    response = client.get(f"/notifications/{notes[0].pk}/")
    assert response.status_code == 302 and response["Location"] == "/issues/1/"
    notes[0].refresh_from_db()
    assert notes[0].read_at is not None
    assert 'data-testid="unread-count">1<' in client.get("/notifications/").content.decode()
    # Opening it again changes nothing and still goes there.
    assert client.get(f"/notifications/{notes[0].pk}/")["Location"] == "/issues/1/"


def test_the_phone_bell_beside_the_menu_button_counts_too(client, notes, hrss_staff, outsider):
    client.force_login(hrss_staff)
    page = client.get("/").content.decode()
    # Outside the collapsed menu (#nav), before its toggler: seen on a phone without a tap.
    assert page.index('data-testid="bell-phone"') < page.index('class="navbar-toggler"')
    assert 'data-testid="unread-count-phone">2<' in page
    assert '2</span><span class="visually-hidden">条未读</span>' in page  # read: 通知 2 条未读
    Notification.objects.filter(recipient=hrss_staff).update(read_at="2026-01-01T00:00Z")
    page = client.get("/").content.decode()
    assert 'data-testid="bell-phone"' in page and "unread-count-phone" not in page


def test_someone_elses_notification_is_404(client, notes, hrss_staff):
    client.force_login(hrss_staff)
    assert client.get(f"/notifications/{notes[2].pk}/").status_code == 404
    notes[2].refresh_from_db()
    assert notes[2].read_at is None


def test_mark_all_read_is_post_only_and_touches_only_mine(client, notes, hrss_staff):
    client.force_login(hrss_staff)
    assert client.get("/notifications/read-all/").status_code == 405
    client.post("/notifications/read-all/")
    assert Notification.objects.filter(read_at__isnull=True).count() == 1
    page = client.get("/notifications/").content.decode()
    assert 'data-testid="unread-count"' not in page


def test_unread_filter_on_the_page(client, notes, hrss_staff):
    Notification.objects.filter(pk=notes[0].pk).mark_read()
    client.force_login(hrss_staff)
    page = client.get("/notifications/?unread=true").content.decode()
    assert "已超期3天" in page and "招聘难" not in page


def test_api_lists_my_notifications_with_unread_filter(api, notes, hrss_staff):
    client = api.as_user(hrss_staff)
    body = client.get("/api/v1/notifications/").json()
    assert body["count"] == 2 and {r["kind"] for r in body["results"]} == {"assign", "overdue"}
    assert set(body["results"][0]) >= {
        "id",
        "kind",
        "text",
        "url",
        "issue",
        "meeting",
        "created_at",
        "read_at",
    }
    response = client.post(f"/api/v1/notifications/{notes[0].pk}/read/")
    assert response.status_code == 200 and response.json()["read_at"]
    assert client.get("/api/v1/notifications/?unread=true").json()["count"] == 1
    assert client.post(f"/api/v1/notifications/{notes[2].pk}/read/").status_code == 404


def test_api_needs_a_token(api, notes):
    assert api.get("/api/v1/notifications/").status_code == 401


def test_api_list_query_count_is_flat(api, hrss_staff, django_assert_max_num_queries):
    for i in range(60):
        Notification.objects.create(recipient=hrss_staff, kind="assign", text=f"通知{i}", url="/")
    client = api.as_user(hrss_staff)
    with django_assert_max_num_queries(4):  # token+user, count, page
        assert len(client.get("/api/v1/notifications/?page_size=200").json()["results"]) == 60


def test_open_redirects_only_inside_the_site(client, hrss_staff):
    note = Notification.objects.create(
        recipient=hrss_staff, kind="assign", text="x", url="https://evil.example/"
    )
    client.force_login(hrss_staff)
    assert client.get(f"/notifications/{note.pk}/")["Location"] == "/notifications/"
