"""The critical defect: the secretariat made itself superuser in the admin, then set the leader's
password. Signed in as the secretariat, every admin form that could escalate is refused and
nothing changes; and a table of role x admin page -> status."""

import pytest
from django.contrib.auth.models import Group, Permission

from audit.models import AuditEvent
from organisation.models import IndustryChain, User
from organisation.roles import secretariat_group
from tests.security.conftest import STRONG

pytestmark = pytest.mark.django_db


def change_form_data(client, url):
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.pop("last_login", None)
    return data


def test_the_secretariat_cannot_make_itself_superuser(client, clerk, leader):
    client.force_login(clerk)
    url = f"/admin/organisation/user/{clerk.pk}/change/"
    data = change_form_data(client, url)
    assert {"is_superuser", "is_staff", "groups", "user_permissions", "password"}.isdisjoint(data)
    every_permission = list(Permission.objects.values_list("pk", flat=True))
    data.update(
        {
            "name": "王芳（改）",
            "is_superuser": "on",
            "is_staff": "on",
            "is_active": "on",
            "groups": [g.pk for g in Group.objects.all()],
            "user_permissions": every_permission,
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302  # the allowed part (the name) is saved …
    clerk.refresh_from_db()
    assert clerk.name == "王芳（改）"
    # … and nothing else.
    assert not clerk.is_superuser
    assert clerk.user_permissions.count() == 0
    assert list(clerk.groups.values_list("name", flat=True)) == ["秘书处"]
    assert not clerk.has_perm("auth.change_group")


def test_the_secretariat_cannot_set_another_persons_password(client, clerk, leader):
    client.force_login(clerk)
    url = f"/admin/organisation/user/{leader.pk}/password/"
    assert client.get(url).status_code == 403
    response = client.post(url, {"password1": STRONG, "password2": STRONG})
    assert response.status_code == 403
    leader.refresh_from_db()
    assert leader.check_password("pw-liu") and not leader.check_password(STRONG)
    assert AuditEvent.objects.filter(event="permission_denied", user=clerk).count() == 2


def test_the_secretariat_cannot_touch_an_administrators_account(client, clerk, system_admin):
    client.force_login(clerk)
    url = f"/admin/organisation/user/{system_admin.pk}/change/"
    response = client.post(url, {"username": "root", "name": "x", "role": "secretariat"})
    assert response.status_code == 403
    system_admin.refresh_from_db()
    assert system_admin.name == "系统管理员" and system_admin.role == ""


def test_the_secretariat_cannot_change_groups_or_permissions(client, clerk):
    client.force_login(clerk)
    group = Group.objects.get(name="秘书处")
    before = set(group.permissions.values_list("pk", flat=True))
    responses = [
        client.post(f"/admin/auth/group/{group.pk}/change/", {"name": "秘书处", "permissions": []}),
        client.post("/admin/auth/group/add/", {"name": "后门", "permissions": [1, 2, 3]}),
        client.post(f"/admin/auth/group/{group.pk}/delete/", {"post": "yes"}),
    ]
    assert [r.status_code for r in responses] == [403, 403, 403]
    assert set(group.permissions.values_list("pk", flat=True)) == before
    assert not Group.objects.filter(name="后门").exists()


def test_a_person_added_by_the_secretariat_is_neither_staff_nor_superuser(client, clerk):
    client.force_login(clerk)
    response = client.post(
        "/admin/organisation/user/add/",
        {
            "username": "newleader",
            "password1": STRONG,
            "password2": STRONG,
            "name": "新领导",
            "role": "leader",
            "is_superuser": "on",
            "is_staff": "on",
            "groups": [Group.objects.get(name="秘书处").pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    person = User.objects.get(username="newleader")
    assert (person.role, person.is_staff, person.is_superuser) == ("leader", False, False)
    assert person.groups.count() == 0


def test_the_admin_role_change_goes_through_assign_role(client, clerk, hrss_staff):
    # Made secretariat in the admin: the group and staff flag come with the role (the old
    # admin path forgot both).
    client.force_login(clerk)
    url = f"/admin/organisation/user/{hrss_staff.pk}/change/"
    data = change_form_data(client, url)
    data.update({"role": "secretariat", "department": ""})
    assert client.post(url, data).status_code == 302
    hrss_staff.refresh_from_db()
    assert hrss_staff.is_staff and hrss_staff.groups.filter(name="秘书处").exists()
    # And back to officer of a chain: the chain's current officer, group and flag gone.
    data = change_form_data(client, url)
    software = IndustryChain.objects.get(code="software")
    data.update({"role": "officer", "chain": software.pk})
    assert client.post(url, data).status_code == 302
    hrss_staff.refresh_from_db()
    assert not hrss_staff.is_staff and not hrss_staff.groups.exists()
    assert software.current_term().officer == hrss_staff
    assert (
        AuditEvent.objects.filter(event="role_assigned", object_id=str(hrss_staff.pk)).count() == 2
    )


def test_an_officer_needs_a_chain_in_the_admin(client, clerk, leader):
    client.force_login(clerk)
    url = f"/admin/organisation/user/{leader.pk}/change/"
    data = change_form_data(client, url)
    data.update({"role": "officer", "chain": ""})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "联络员须选择产业链。" in response.content.decode()


def pages(chain_pk, user_pk, group_pk):
    return {
        "index": "/admin/",
        "chains": "/admin/organisation/industrychain/",
        "chain": f"/admin/organisation/industrychain/{chain_pk}/change/",
        "users": "/admin/organisation/user/",
        "user": f"/admin/organisation/user/{user_pk}/change/",
        "user password": f"/admin/organisation/user/{user_pk}/password/",
        "groups": "/admin/auth/group/",
        "group": f"/admin/auth/group/{group_pk}/change/",
        "locks": "/admin/organisation/signinlock/",
        "tokens": "/admin/authtoken/tokenproxy/",
        "audit log": "/admin/audit/auditevent/",
        "audit add": "/admin/audit/auditevent/add/",
        "import": "/admin/organisation/peopleimport/",
    }


# GET status per admin page; login = redirect to the admin's sign-in (not staff).
TABLE = {
    #                index chains chain users user  pw    groups group locks tokens audit add  import
    "system_admin": (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403, 200),
    "clerk": (200, 200, 200, 200, 200, 403, 403, 403, 200, 403, 403, 403, 200),
    "security_admin": (200, 403, 403, 200, 200, 403, 403, 403, 200, 200, 403, 403, 403),
    "audit_admin": (200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403, 403),
    "leader": (302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302),
    "software_officer": (302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302),
}


@pytest.mark.parametrize("persona", list(TABLE))
def test_role_by_admin_page(client, request, persona, hrss_staff):
    user = request.getfixturevalue(persona)
    chain = IndustryChain.objects.get(code="software")
    group = secretariat_group()
    client.force_login(user)
    got = tuple(
        client.get(url).status_code for url in pages(chain.pk, hrss_staff.pk, group.pk).values()
    )
    assert dict(zip(pages(0, 0, 0), got, strict=True)) == dict(
        zip(pages(0, 0, 0), TABLE[persona], strict=True)
    )
