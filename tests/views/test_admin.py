"""Admins assign roles and board memberships; nobody else can; every change is audited."""

import pytest

from app.models import AuditEntry, RoleGrant
from tests.factories import make_area, make_user


@pytest.mark.parametrize(("role", "status"), [(None, 302), ("resident", 403), ("officer", 403), ("board", 403),
                                              ("translator", 403), ("admin", 200)])
def test_people_page_is_for_admins_only(client, db, login_as, role, status):
    if role:
        login_as(make_user(role=role))
    assert client.get("/admin/users").status_code == status


def test_admin_grants_board_membership_of_an_area_and_it_is_audited(client, db, login_as):
    admin = login_as(make_user(role="admin", email="admin@example.org"))
    person = make_user(email="cllr@example.org")
    area = make_area(name="Chells & Manor")
    db.session.commit()
    response = client.post(f"/admin/users/{person.id}", data={"role": "board", "area": str(area.id),
                                                              "board_role": "chair"})
    assert response.status_code == 302
    grant = db.session.query(RoleGrant).filter_by(user_id=person.id).one()
    assert (grant.role, grant.area_id, grant.board_role) == ("board", area.id, "chair")
    entry = db.session.query(AuditEntry).filter_by(action="role.grant").one()
    assert entry.actor_id == admin.id and entry.details == {"role": "board", "area_id": area.id, "board_role": "chair"}
    assert "(Chair)" in client.get(f"/admin/users/{person.id}").get_data(as_text=True)


def test_an_officer_can_be_made_the_contact_officer_for_an_area(client, db, login_as):
    login_as(make_user(role="admin"))
    person = make_user(email="owen@example.org")
    area = make_area(name="Chells & Manor")
    db.session.commit()
    response = client.post(f"/admin/users/{person.id}", data={"role": "officer", "area": str(area.id),
                                                              "board_role": "chair"})
    assert response.status_code == 302
    grant = db.session.query(RoleGrant).filter_by(user_id=person.id).one()
    assert (grant.role, grant.area_id, grant.board_role) == ("officer", area.id, None)


def test_board_role_without_area_is_refused_and_changes_nothing(client, db, login_as):
    login_as(make_user(role="admin"))
    person = make_user()
    db.session.commit()
    response = client.post(f"/admin/users/{person.id}", data={"role": "board", "area": ""})
    assert response.status_code == 400 and "Choose the area" in response.get_data(as_text=True)
    assert db.session.query(RoleGrant).filter_by(user_id=person.id).count() == 0


def test_admin_cannot_remove_their_own_admin_role(client, db, login_as):
    admin = login_as(make_user(role="admin"))
    grant = admin.roles[0]
    client.post(f"/admin/users/{admin.id}/roles/{grant.id}/remove")
    assert db.session.query(RoleGrant).filter_by(id=grant.id).count() == 1


def test_admin_removes_another_persons_role(client, db, login_as):
    login_as(make_user(role="admin"))
    person = make_user(role="officer")
    grant_id = person.roles[0].id
    db.session.commit()
    assert client.post(f"/admin/users/{person.id}/roles/{grant_id}/remove").status_code == 302
    assert db.session.query(RoleGrant).filter_by(id=grant_id).count() == 0
    assert db.session.query(AuditEntry).filter_by(action="role.revoke").count() == 1


def test_role_change_without_csrf_token_is_refused(client, db, login_as):
    login_as(make_user(role="admin"))
    person = make_user()
    db.session.commit()
    response = client.post(f"/admin/users/{person.id}", data={"role": "officer", "area": ""}, csrf=False)
    assert response.status_code == 400
    assert db.session.query(RoleGrant).filter_by(user_id=person.id).count() == 0


def test_search_finds_people_by_email(client, db, login_as):
    login_as(make_user(role="admin"))
    make_user(email="findme@example.org")
    db.session.commit()
    html = client.get("/admin/users?q=findme").get_data(as_text=True)
    assert "findme@example.org" in html
