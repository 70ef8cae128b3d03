"""Personas (STYLE.md habit 1): named people every test module can ask for.

Reference data is loaded for every test that touches the database, as in production.
"""

import os

import pytest
from django.core.cache import caches
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from organisation import calendar, reference_cache
from organisation.models import Department, IndustryChain, User, appoint_officer
from organisation.reference import load_reference_data


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the reference data once into the fresh test database: each test then only checks
    that it is there (five queries) instead of creating ~45 rows and their history."""
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Every test that uses the database starts with the reference data, as production does."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if not (marker or names & {"db", "transactional_db", "live_server"}):
        return
    transactional = bool(names & {"transactional_db", "live_server"}) or bool(
        marker and marker.kwargs.get("transaction")
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    load_reference_data()  # after a transactional test's flush, loads it again


@pytest.fixture(autouse=True)
def _fresh_document_cache():
    """Cached reports (reports.cached) belong to one test: a rolled-back rename must not leave
    a report rendered with it for the next test."""
    yield
    caches["documents"].clear()


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """The working-day calendar is cached per process: a test's rolled-back calendar edit must
    not leak into the next test, and query counts must not depend on the order of tests."""
    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture(autouse=True)
def _fresh_reference_cache():
    """The reference rows are kept per process (exact by their token): forgotten around each
    test so that query counts do not depend on which test ran before."""
    reference_cache.forget()
    yield
    reference_cache.forget()


def make_user(
    username: str,
    role: str,
    *,
    chain: str | None = None,
    department: str | None = None,
    name: str = "",
) -> User:
    user = User.objects.create_user(
        username=username,
        password="pw-" + username,
        role=role,
        name=name or username,
        email=f"{username}@example.gov.cn",
        department=Department.objects.get(code=department) if department else None,
    )
    if chain:
        appoint_officer(IndustryChain.objects.get(code=chain), user)
    return user


@pytest.fixture
def software_officer(db):
    """Ms. Zhang: officer of 软件 (electronics-it union)."""
    return make_user("zhang", User.Role.OFFICER, chain="software", name="张敏")


@pytest.fixture
def ai_officer(db):
    """Officer of 人工智能: same union as software, another chain."""
    return make_user("chen", User.Role.OFFICER, chain="ai", name="陈静")


@pytest.fixture
def automotive_officer(db):
    """Officer of 汽车制造: another union (auto-equipment)."""
    return make_user("sun", User.Role.OFFICER, chain="automotive", name="孙伟")


@pytest.fixture
def hrss_staff(db):
    """Mr. Li of 市人力资源和社会保障局."""
    return make_user("li", User.Role.DEPARTMENT, department="hrss", name="李强")


@pytest.fixture
def housing_staff(db):
    return make_user("ma", User.Role.DEPARTMENT, department="housing", name="马军")


@pytest.fixture
def secretariat(db):
    """Ms. Wang of 市总工会劳动和经济工作部."""
    return make_user("wang", User.Role.SECRETARIAT, name="王芳")


@pytest.fixture
def leader(db):
    return make_user("liu", User.Role.LEADER, name="刘建国")


@pytest.fixture
def outsider(db):
    """Signed in, but with no role in the mechanism."""
    return make_user("nobody", "", name="路人")


@pytest.fixture
def personas(
    software_officer,
    ai_officer,
    automotive_officer,
    hrss_staff,
    housing_staff,
    secretariat,
    leader,
    outsider,
):
    return {
        "software_officer": software_officer,
        "ai_officer": ai_officer,
        "automotive_officer": automotive_officer,
        "hrss_staff": hrss_staff,
        "housing_staff": housing_staff,
        "secretariat": secretariat,
        "leader": leader,
        "outsider": outsider,
    }


@pytest.fixture
def api():
    """An API client; `api.as_user(user)` signs in by token like a program would."""
    client = APIClient()

    def as_user(user):
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    client.as_user = as_user
    return client


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI a skipped browser or LibreOffice test is a failure: the browser journeys and the
    office suite's reading of the DOCX must really run there."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped:
        for marker in ("browser", "libreoffice"):
            if item.get_closest_marker(marker):
                report.outcome = "failed"
                report.longrepr = f"{marker} test skipped in CI: {report.longrepr}"
