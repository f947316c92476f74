"""Admins suspend and reactivate accounts, correct a resident's ward and read the audit log; each change is
audited, and a suspended person can neither sign in nor keep acting in a browser already signed in."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from app.models import AuditEntry, User
from app.services.audit import record
from tests.factories import PASSWORD, make_user, make_ward
from tests.support.page_text import summary_rows
from tests.support.triggers import triggers_dropped


def _entries(db, action):
    return db.session.query(AuditEntry).filter_by(action=action).all()


def test_a_suspended_resident_is_signed_out_cannot_sign_in_and_the_suspension_is_audited(app, db, login_as):
    admin = make_user(role="admin", email="admin@example.org")
    resident = make_user(email="rachel@example.org")
    db.session.commit()
    resident_browser = app.test_client()
    login_as(resident, on=resident_browser)
    assert resident_browser.get("/auth/account").status_code == 200
    admin_browser = app.test_client()
    login_as(admin, on=admin_browser)

    check = admin_browser.post(f"/admin/users/{resident.id}/suspend/check",
                               data={"suspend-reason": "Reported as a duplicate account"})
    rows = dict(summary_rows(check.get_data(as_text=True)))
    assert rows["Reason"] == "Reported as a duplicate account" and "signed out at once" in rows["What will happen"]
    assert db.session.get(User, resident.id).active  # nothing happens until the admin confirms
    response = admin_browser.post(f"/admin/users/{resident.id}/suspend",
                                  data={"suspend-reason": "Reported as a duplicate account"})

    assert response.status_code == 302
    assert "is suspended" in admin_browser.get(response.location).get_data(as_text=True)
    assert resident_browser.get("/auth/account").status_code == 302  # signed out: back to the sign-in page
    refused = app.test_client().post("/auth/login", data={"email": "rachel@example.org", "password": PASSWORD})
    assert refused.status_code == 400
    [entry] = _entries(db, "user.suspend")
    assert (entry.actor_id, entry.target, entry.details) == (admin.id, f"user:{resident.id}",
                                                             {"reason": "Reported as a duplicate account"})


def test_reactivated_account_signs_in_again_and_it_is_audited(client, db, login_as):
    login_as(make_user(role="admin"))
    resident = make_user(email="back@example.org")
    resident.active = False
    db.session.commit()

    response = client.post(f"/admin/users/{resident.id}/reactivate", data={"reactivate-reason": "Checked in person"})

    assert response.status_code == 302
    assert db.session.get(User, resident.id).active
    assert _entries(db, "user.reactivate")[0].details == {"reason": "Checked in person"}
    other = client.application.test_client()
    assert other.post("/auth/login", data={"email": "back@example.org", "password": PASSWORD}).status_code == 302


def test_suspending_needs_a_reason_and_shows_the_error_summary(client, db, login_as):
    login_as(make_user(role="admin"))
    resident = make_user()

    db.session.commit()
    response = client.post(f"/admin/users/{resident.id}/suspend/check", data={"suspend-reason": "  "})

    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem" in html and "Say why you are suspending" in html
    assert db.session.get(User, resident.id).active and _entries(db, "user.suspend") == []


@pytest.mark.parametrize("step", ["suspend/check", "suspend"])
def test_the_check_and_the_suspension_itself_refuse_a_missing_reason_alike(client, db, login_as, step):
    resident = make_user()
    login_as(make_user(role="admin"))

    response = client.post(f"/admin/users/{resident.id}/{step}", data={"suspend-reason": ""})

    assert response.status_code == 400 and "Say why you are suspending" in response.get_data(as_text=True)
    assert db.session.get(User, resident.id).active and _entries(db, "user.suspend") == []


def test_an_admin_cannot_suspend_their_own_account(client, db, login_as):
    admin = login_as(make_user(role="admin"))

    response = client.post(f"/admin/users/{admin.id}/suspend", data={"suspend-reason": "testing"})

    assert response.status_code == 400 and "Ask another administrator" in response.get_data(as_text=True)
    assert db.session.get(User, admin.id).active


def test_admin_corrects_a_residents_ward_with_a_reason_and_it_is_audited(client, db, login_as):
    admin = login_as(make_user(role="admin"))
    wrong, right = make_ward(name="Chells", code="E05000101"), make_ward(name="Manor", code="E05000102")
    resident = make_user(ward=wrong)
    db.session.commit()
    page = client.get(f"/admin/users/{resident.id}").get_data(as_text=True)
    assert "Lives in Chells ward" in page

    response = client.post(f"/admin/users/{resident.id}/ward",
                           data={"ward-ward": str(right.id), "ward-reason": "Boundary postcode; council tax bill seen"})

    assert response.status_code == 302
    assert db.session.get(User, resident.id).ward_id == right.id
    [entry] = _entries(db, "user.ward_correct")
    assert entry.actor_id == admin.id and entry.details == {
        "from_ward": "E05000101", "to_ward": "E05000102", "reason": "Boundary postcode; council tax bill seen"}


def test_a_ward_correction_without_a_ward_or_reason_changes_nothing(client, db, login_as):
    login_as(make_user(role="admin"))
    ward = make_ward()
    resident = make_user(ward=ward)

    db.session.commit()
    response = client.post(f"/admin/users/{resident.id}/ward", data={"ward-ward": "", "ward-reason": ""})

    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Choose a ward" in html and "Say why the ward" in html
    assert db.session.get(User, resident.id).ward_id == ward.id


@pytest.mark.parametrize("path", ["/admin/audit", "/admin/users/1/suspend"])
@pytest.mark.parametrize("role", ["resident", "officer", "board", "translator"])
def test_only_admins_reach_the_new_pages(client, db, login_as, role, path):
    person = login_as(make_user(role=role))
    before = person.active
    answer = client.post(path, data={"suspend-reason": "x"}) if path.endswith("suspend") else client.get(path)
    assert answer.status_code == 403
    assert db.session.get(User, person.id).active == before


def test_audit_log_filters_by_action_actor_and_date_and_pages(client, db, login_as):
    admin = login_as(make_user(role="admin", email="alex@council.example"))
    officer = make_user(role="officer", email="owen@council.example")
    for n in range(60):
        record(db.session, officer, "round.phase", f"round:{n}", phase="voting")
    record(db.session, admin, "role.grant", "user:7", role="officer")
    old_id = record(db.session, admin, "role.revoke", "user:8", role="board").id
    db.session.commit()
    with triggers_dropped(db, "audit_entry"):  # back-date one entry (the log is append-only; no chain check here)
        db.session.execute(update(AuditEntry).where(AuditEntry.id == old_id)
                           .values(created_at=datetime.now(UTC) - timedelta(days=40)))
        db.session.commit()

    first = client.get("/admin/audit").get_data(as_text=True)
    assert "62 entries" in first and "Page 1 of 2" in first and "user:7" in first
    by_action = client.get("/admin/audit?action=role.grant").get_data(as_text=True)
    assert "1 entry" in by_action and "user:7" in by_action and "round:3<" not in by_action
    by_actor = client.get("/admin/audit?actor=OWEN&page=2").get_data(as_text=True)
    assert "60 entries" in by_actor and "Page 2 of 2" in by_actor and "user:7" not in by_actor
    since = (datetime.now(UTC) - timedelta(days=10)).date()
    recent = client.get("/admin/audit", query_string={"actor": "alex", "date_from-day": since.day,
                                                      "date_from-month": since.month, "date_from-year": since.year})
    assert "1 entry" in recent.get_data(as_text=True) and "user:8" not in recent.get_data(as_text=True)
    boxes = {"date_from-day": "1", "date_from-month": "1", "date_from-year": "2020"}
    paged = client.get("/admin/audit", query_string={"actor": "owen", **boxes}).get_data(as_text=True)
    assert "60 entries" in paged and 'date_from-day=1' in paged.split("Page 1 of 2")[-1]  # the next page keeps it
    assert 'href="/admin/audit?page=2&amp;actor=owen' in client.get("/admin/audit?actor=owen").get_data(as_text=True)


def test_audit_log_explains_a_date_it_cannot_read(client, db, login_as):
    login_as(make_user(role="admin"))

    response = client.get("/admin/audit?date_from=2026-12-01&date_to=2026-11-01")

    assert response.status_code == 400
    assert "error-summary" in response.get_data(as_text=True)
    assert "on or after the start date" in response.get_data(as_text=True)
    impossible = client.get("/admin/audit", query_string={"date_from-day": "31", "date_from-month": "2",
                                                          "date_from-year": "2026"})
    page = impossible.get_data(as_text=True)
    assert impossible.status_code == 400 and "The start date must be a real date" in page
    assert 'href="#date_from-day"' in page
