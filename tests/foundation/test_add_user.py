"""`manage.py add_user`: every role, and a clear error with a non-zero exit for each mistake."""

import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from organisation.models import IndustryChain, User

pytestmark = pytest.mark.django_db


def add_user(*args):
    out = StringIO()
    call_command("add_user", *args, stdout=out)
    return out.getvalue()


def test_officer_becomes_the_chains_current_officer():
    out = add_user(
        "zhang",
        "--password",
        "S3cret-pw-2024",
        "--role",
        "officer",
        "--chain",
        "software",
        "--name",
        "张敏",
    )
    assert "created zhang" in out
    user = User.objects.get(username="zhang")
    assert (user.role, user.name, user.department) == ("officer", "张敏", None)
    assert user.check_password("S3cret-pw-2024")
    assert IndustryChain.objects.get(code="software").current_term().officer == user


def test_a_new_officer_replaces_the_previous_one(software_officer):
    add_user("zhou", "--password", "Pw-2024-abcd", "--role", "officer", "--chain", "software")
    terms = IndustryChain.objects.get(code="software").officer_terms.order_by("started_on", "pk")
    assert [(t.officer.username, t.ended_on is None) for t in terms] == [
        ("zhang", False),
        ("zhou", True),
    ]


def test_department_staff():
    add_user(
        "li",
        "--password",
        "Pw-2024-abcd",
        "--role",
        "department",
        "--department",
        "hrss",
        "--name",
        "李强",
    )
    user = User.objects.get(username="li")
    assert (user.role, user.department.code, user.is_staff) == ("department", "hrss", False)


def test_secretariat_may_use_the_admin():
    add_user("wang", "--password", "Pw-2024-abcd", "--role", "secretariat")
    user = User.objects.get(username="wang")
    assert user.role == "secretariat" and user.is_staff
    assert user.has_perm("organisation.change_industrychain")
    assert not user.has_perm("issues.change_issue")


def test_leader():
    add_user("liu", "--password", "Pw-2024-abcd", "--role", "leader", "--name", "刘建国")
    assert User.objects.get(username="liu").role == "leader"


def test_running_again_updates_the_person_and_ends_an_old_officer_term(software_officer):
    out = add_user(
        "zhang", "--password", "New-pw-2024x", "--role", "department", "--department", "hrss"
    )
    assert "updated zhang" in out
    user = User.objects.get(username="zhang")
    assert user.role == "department" and user.check_password("New-pw-2024x")
    assert user.name == "张敏"  # kept when --name is not given
    assert IndustryChain.objects.get(code="software").current_term() is None
    assert User.objects.filter(username="zhang").count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "officer", "--chain", "nonsense"], "unknown chain 'nonsense'"),
        (["--role", "department", "--department", "nonsense"], "unknown department 'nonsense'"),
        (["--role", "boss"], "unknown role 'boss'"),
        (["--role", "officer"], "--role officer needs --chain"),
        (["--role", "department"], "--role department needs --department"),
        (["--role", "leader", "--chain", "software"], "--chain is only for --role officer"),
        (
            ["--role", "secretariat", "--department", "hrss"],
            "--department is only for --role department",
        ),
    ],
)
def test_mistakes_are_refused_with_a_clear_message(args, message):
    with pytest.raises(CommandError, match=message):
        add_user("someone", "--password", "Pw-2024-abcd", *args)
    assert not User.objects.filter(username="someone").exists()


def test_unknown_chain_lists_the_known_codes():
    with pytest.raises(CommandError, match="known: .*software"):
        add_user(
            "someone", "--password", "Pw-2024-abcd", "--role", "officer", "--chain", "softwear"
        )


def test_a_mistake_exits_non_zero_from_the_shell(tmp_path):
    # The real process, as an administrator would type it (an empty database: the role is
    # checked before anything is read).
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PATH": "/usr/bin:/bin",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_SETTINGS_MODULE": "liaison.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "add_user", "x", "--password", "pw", "--role", "boss"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "CommandError: unknown role 'boss': choose one of officer, department" in result.stderr


def test_the_chain_of_a_second_persona_is_unaffected(software_officer, ai_officer):
    add_user("zhou", "--password", "Pw-2024-abcd", "--role", "officer", "--chain", "software")
    assert IndustryChain.objects.get(code="ai").current_term().officer == ai_officer
