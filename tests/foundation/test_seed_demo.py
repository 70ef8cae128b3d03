"""`seed_demo`: demo accounts with a known password, so only ever with DEBUG on."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from organisation import demo
from organisation.models import IndustryChain, OfficerTerm, User, appoint_officer
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()


def test_demo_accounts_of_every_role():
    # Only the foundation's part: each app's own demo content is tested by that app.
    accounts = demo.seed_accounts()
    assert accounts.secretariat.role == "secretariat" and accounts.secretariat.is_staff
    assert accounts.leader.role == "leader"
    assert set(accounts.officers) == set(IndustryChain.objects.values_list("code", flat=True))
    assert {u.department.code for u in accounts.staff.values()} == {
        "ndrc",
        "miit",
        "hrss",
        "sti",
        "housing",
        "education",
        "finance",
        "market",
    }
    zhangmin = User.objects.get(username="zhangmin")
    assert zhangmin.check_password(demo.DEMO_PASSWORD)
    assert zhangmin.name == "张敏" and zhangmin.chain_ids == {
        IndustryChain.objects.get(code="software").pk
    }
    rows = accounts.rows()
    assert ("zhangmin", "联络员 · software", "张敏") in rows
    assert ("liqiang", "职能部门 · hrss", "李强") in rows
    assert ("admin", "系统管理员 · /admin/", "系统管理员") in rows


def test_seeding_accounts_again_changes_nothing():
    demo.seed_accounts()
    User.objects.filter(username="zhangmin").update(name="张敏（已改名）")
    counts = (User.objects.count(), User.history.count(), OfficerTerm.objects.count())
    demo.seed_accounts()
    assert (User.objects.count(), User.history.count(), OfficerTerm.objects.count()) == counts
    assert User.objects.get(username="zhangmin").name == "张敏（已改名）"


def test_a_replaced_demo_officer_stays_replaced():
    demo.seed_accounts()
    successor = make_user("zhou", User.Role.OFFICER, name="周新")
    appoint_officer(IndustryChain.objects.get(code="software"), successor)
    demo.seed_accounts()
    assert IndustryChain.objects.get(code="software").current_term().officer == successor
