"""The security audit log: a row for each event with who, when, the client address and what;
append-only; readable in the admin by superusers and the audit administrator only; pruned by
`prune_audit_log`, which keeps at least 180 days."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.db import router
from django.db.models.deletion import Collector
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AppendOnly, AuditEvent
from issues.models import FigureBucket, ResolvedDay
from organisation.models import SignInLock
from tests.issue_helpers import file_issue

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


def rows():
    # Role assignments of the fixtures aside.
    return list(
        AuditEvent.objects.exclude(event="role_assigned")
        .order_by("pk")
        .values_list("event", "username", "client_ip", "detail")
    )


def events():
    return [event for event, *_rest in rows()]


def test_web_sign_in_failure_and_sign_out(client, software_officer):
    client.post(
        "/accounts/login/", {"username": "zhang", "password": "wrong"}, REMOTE_ADDR="10.1.2.3"
    )
    client.post(
        "/accounts/login/", {"username": "zhang", "password": "pw-zhang"}, REMOTE_ADDR="10.1.2.3"
    )
    client.post("/accounts/logout/", REMOTE_ADDR="10.1.2.3")
    assert rows() == [
        ("sign_in_failed", "zhang", "10.1.2.3", "用户名或密码不正确"),
        ("sign_in", "zhang", "10.1.2.3", ""),
        ("sign_out", "zhang", "10.1.2.3", ""),
    ]
    row = AuditEvent.objects.get(event="sign_in")
    assert row.user == software_officer and row.path == "/accounts/login/"
    assert abs(row.at - timezone.now()) < timedelta(minutes=1)


def test_sign_out_ends_the_session_on_the_server(client, software_officer):
    client.force_login(software_officer)
    key = client.session.session_key
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()


def test_token_issue_and_revocation(software_officer):
    client = APIClient()
    token = client.post(
        TOKEN, {"username": "zhang", "password": "pw-zhang"}, REMOTE_ADDR="10.9.8.7"
    )
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    client.delete(TOKEN, REMOTE_ADDR="10.9.8.7")
    assert rows() == [
        ("token_issued", "zhang", "10.9.8.7", ""),
        ("token_revoked", "zhang", "10.9.8.7", "本人吊销"),
    ]


def test_lockout_and_unlock(client, clerk, software_officer):
    for _ in range(6):
        APIClient().post(TOKEN, {"username": "zhang", "password": "wrong"})
    assert events() == ["sign_in_failed"] * 5 + ["locked_out", "sign_in_failed"]
    assert rows()[-1][3] == "账号已锁定，拒绝登录"
    client.force_login(clerk)
    lock = SignInLock.objects.get()
    client.post(
        "/admin/organisation/signinlock/",
        {"action": "delete_selected", "_selected_action": [lock.pk], "post": "yes"},
    )
    unlock = AuditEvent.objects.get(event="unlocked")
    assert (unlock.user, unlock.detail) == (clerk, "解除用户名“zhang”的登录锁定")


def test_an_expired_attempt_cleaned_up_is_no_unlock(software_officer):
    start = timezone.now()
    with time_machine.travel(start):
        for _ in range(5):
            APIClient().post(TOKEN, {"username": "zhang", "password": "wrong"})
    with time_machine.travel(start + timedelta(minutes=20)):
        APIClient().post(TOKEN, {"username": "zhang", "password": "pw-zhang"})
    assert "unlocked" not in events()


def test_a_permission_denial_names_the_path_and_person(client, software_officer):
    client.force_login(software_officer)
    denied = client.post("/api/v1/meetings/", {}, content_type="application/json")
    assert denied.status_code == 403
    row = AuditEvent.objects.filter(event="permission_denied").last()
    assert (row.user, row.detail) == (software_officer, "POST /api/v1/meetings/")


def test_an_export_and_a_document_download(client, secretariat, software_officer):
    file_issue(software_officer)
    client.force_login(secretariat)
    assert client.get("/issues/export.xlsx").status_code == 200
    export = AuditEvent.objects.get(event="export")
    assert export.user == secretariat and export.path == "/issues/export.xlsx"
    assert export.detail.startswith("台账-") and export.detail.endswith("日.xlsx")


def test_the_log_is_append_only(software_officer):
    APIClient().post(TOKEN, {"username": "zhang", "password": "wrong"})
    row = AuditEvent.objects.get()
    row.detail = "edited"
    with pytest.raises(AppendOnly):
        row.save()
    with pytest.raises(AppendOnly):
        row.delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.update(detail="x")
    with pytest.raises(AppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().detail == "用户名或密码不正确"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("audit_admin", 200), ("system_admin", 200), ("security_admin", 403), ("clerk", 403)],
)
def test_who_reads_the_log_in_the_admin(client, request, persona, status, software_officer):
    APIClient().post(TOKEN, {"username": "zhang", "password": "wrong"})
    row = AuditEvent.objects.get()
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/admin/audit/auditevent/").status_code == status
    assert client.get(f"/admin/audit/auditevent/{row.pk}/change/").status_code == status


@pytest.mark.parametrize("persona", ["audit_admin", "system_admin"])
def test_nobody_edits_the_log_in_the_admin(client, request, persona, software_officer):
    APIClient().post(TOKEN, {"username": "zhang", "password": "wrong"})
    row = AuditEvent.objects.get()
    client.force_login(request.getfixturevalue(persona))
    base = f"/admin/audit/auditevent/{row.pk}"
    assert client.post(f"{base}/change/", {"detail": "edited"}).status_code == 403
    assert client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    assert client.post("/admin/audit/auditevent/add/", {"event": "sign_in"}).status_code == 403
    assert "edited" not in client.get(f"{base}/change/").content.decode()
    assert AuditEvent.objects.filter(pk=row.pk, detail="用户名或密码不正确").exists()


def test_prune_keeps_at_least_180_days(software_officer):
    start = timezone.now()
    with time_machine.travel(start - timedelta(days=200)):
        APIClient().post(TOKEN, {"username": "zhang", "password": "old"})
    with time_machine.travel(start - timedelta(days=100)):
        APIClient().post(TOKEN, {"username": "zhang", "password": "recent"})
    with pytest.raises(CommandError, match="at least 180 days"):
        call_command("prune_audit_log", "--keep-days", "179", stdout=StringIO())
    assert AuditEvent.objects.count() == 2
    out = StringIO()
    call_command("prune_audit_log", "--keep-days", "180", stdout=out)
    assert "pruned 1 audit rows" in out.getvalue()
    assert AuditEvent.objects.get().at < start - timedelta(days=99)


def test_sign_in_failures_lockout_unlock_export(client, clerk, security_admin, software_officer):
    """The sequence of issue 10's closing note; `pytest -s` prints the rows."""
    file_issue(software_officer)
    web = {"REMOTE_ADDR": "10.20.30.40"}
    client.post("/accounts/login/", {"username": "wang", "password": "pw-wang"}, **web)
    client.post("/accounts/logout/", **web)
    for _ in range(5):
        client.post("/accounts/login/", {"username": "wang", "password": "guess"}, **web)
    client_admin = type(client)()
    client_admin.force_login(security_admin)
    lock = SignInLock.objects.get(username="wang")
    client_admin.post(
        "/admin/organisation/signinlock/",
        {"action": "delete_selected", "_selected_action": [lock.pk], "post": "yes"},
        REMOTE_ADDR="10.0.0.9",
    )
    client.post("/accounts/login/", {"username": "wang", "password": "pw-wang"}, **web)
    assert client.get("/issues/export.xlsx", **web).status_code == 200
    table = list(
        AuditEvent.objects.exclude(event="role_assigned")
        .order_by("pk")
        .values_list("at", "username", "client_ip", "event", "path", "detail")
    )
    for at, username, ip, event, path, detail in table:
        print(
            f"{timezone.localtime(at):%H:%M:%S} | {username:7} | {ip} | {event:15} | {path} | {detail}"
        )
    assert [row[3] for row in table] == [
        "sign_in",
        "sign_out",
        *["sign_in_failed"] * 5,
        "locked_out",
        "sign_in",  # the security administrator (force_login: no address)
        "unlocked",
        "sign_in",
        "export",
    ]


def test_no_receiver_keeps_the_figures_from_a_fast_delete():
    # A post_delete receiver connected without a sender makes every delete load its rows
    # first (in batches of 100): each transition's rollup refresh would pay for it.
    for model in (FigureBucket, ResolvedDay):
        collector = Collector(using=router.db_for_write(model))
        assert collector.can_fast_delete(model.objects.all()), model.__name__
