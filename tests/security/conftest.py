"""The administrators of 等保 level 3 beside the personas: each through the one role service."""

import pytest

from organisation.models import User
from organisation.roles import assign_role, grant_administrator
from tests.conftest import make_user

STRONG = "Strong-pass-2024"


@pytest.fixture
def clerk(secretariat):
    """Ms. Wang with the secretariat's admin rights (group and staff flag from assign_role)."""
    return assign_role(secretariat, User.Role.SECRETARIAT)


@pytest.fixture
def system_admin(db):
    return grant_administrator(make_user("root", "", name="系统管理员"), "system")


@pytest.fixture
def security_admin(db):
    return grant_administrator(make_user("anquan", "", name="安全管理员"), "security")


@pytest.fixture
def audit_admin(db):
    return grant_administrator(make_user("shenji", "", name="审计管理员"), "audit")
