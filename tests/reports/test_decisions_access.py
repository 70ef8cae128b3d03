"""/meetings/decisions/<year>.xlsx goes through the meetings rules: every role reads the ledger;
a signed-in account without a role is refused (403, as for every list); nobody signed in is
sent to sign in."""

import pytest

pytestmark = pytest.mark.django_db

URL = "/meetings/decisions/2024.xlsx"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("secretariat", 200),
        ("leader", 200),
        ("software_officer", 200),
        ("hrss_staff", 200),
        ("outsider", 403),
    ],
)
def test_who_may_have_the_decisions_ledger(client, personas, persona, status):
    client.force_login(personas[persona])
    response = client.get(URL)
    assert response.status_code == status
    if status == 403:
        assert response["Content-Type"].startswith("text/html")  # no workbook, no titles


def test_signed_out_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
