"""Accounts: the rules behind the sign-in, verification and reset links, and the admin's suspension and ward
correction, where the pages cannot show them (what a link still opens, what is audited once)."""

from datetime import date

import pytest

from app.models import AuditEntry
from app.services import accounts
from tests.factories import PASSWORD, make_user, make_ward

SECRET = "a-secret-for-these-tests"


def _actions(db):
    return [e.action for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]


def test_a_link_opens_only_for_its_purpose_and_its_account(db):
    user = make_user()
    token = accounts.make_token(SECRET, accounts.VERIFY, user)
    assert accounts.user_from_token(db.session, SECRET, accounts.VERIFY, token, 60) is user
    with pytest.raises(accounts.TokenInvalid):
        accounts.user_from_token(db.session, SECRET, accounts.RESET, token, 60)
    with pytest.raises(accounts.TokenInvalid):
        accounts.user_from_token(db.session, "another-secret", accounts.VERIFY, token, 60)


@pytest.mark.parametrize("change", ["password", "email"])
def test_a_link_stops_working_once_the_password_or_the_e_mail_changes(db, change):
    user = make_user(email="before@example.org")
    token = accounts.make_token(SECRET, accounts.RESET, user)
    if change == "password":
        accounts.set_password(user, "a brand new passphrase")
    else:
        user.email = "after@example.org"
    db.session.flush()
    with pytest.raises(accounts.TokenInvalid) as refused:
        accounts.user_from_token(db.session, SECRET, accounts.RESET, token, 60)
    assert not refused.value.expired


def test_a_link_for_a_deleted_account_opens_nothing(db):
    user = make_user()
    token = accounts.make_token(SECRET, accounts.VERIFY, user)
    db.session.delete(user)
    db.session.flush()
    with pytest.raises(accounts.TokenInvalid):
        accounts.user_from_token(db.session, SECRET, accounts.VERIFY, token, 60)


def test_an_e_mail_address_is_one_account_whatever_its_case(db):
    ward = make_ward()
    first = accounts.register(db.session, name=" Ann Lee ", email=" Ann@Example.org ", password=PASSWORD,
                              postcode=None, ward_id=ward.id, date_of_birth=date(1980, 1, 1), age_confirmed=None,
                              locale="en")
    assert (first.user.email, first.user.name, first.user.email_verified) == ("ann@example.org", "Ann Lee", False)
    again = accounts.register(db.session, name="Someone Else", email="ANN@example.ORG", password=PASSWORD,
                              postcode=None, ward_id=ward.id, date_of_birth=None, age_confirmed=18, locale="en")
    assert again.user is None and again.existing is first.user
    assert accounts.authenticate(db.session, "ANN@EXAMPLE.ORG", PASSWORD) is first.user


def test_a_suspended_account_does_not_sign_in_even_with_the_right_password(db):
    admin, user = make_user(role="admin"), make_user(email="maud@example.org")
    token = user.session_token
    accounts.suspend(db.session, admin, user, "Reported by the resident as not theirs")
    assert accounts.authenticate(db.session, "maud@example.org", PASSWORD) is None
    assert user.session_token != token  # every signed-in browser is signed out
    accounts.reactivate(db.session, admin, user, "Checked with the resident")
    assert accounts.authenticate(db.session, "maud@example.org", PASSWORD) is user


def test_suspending_or_reactivating_twice_is_audited_once(db):
    admin, user = make_user(role="admin"), make_user()
    for _ in range(2):
        accounts.suspend(db.session, admin, user, "reason")
    for _ in range(2):
        accounts.reactivate(db.session, admin, user, "reason")
    assert _actions(db) == ["user.suspend", "user.reactivate"]
    with pytest.raises(accounts.CannotSuspendSelf):
        accounts.suspend(db.session, admin, admin, "reason")
    assert admin.active


def test_a_ward_correction_to_the_same_ward_changes_and_records_nothing(db):
    admin = make_user(role="admin")
    north, south = make_ward(code="E05000001"), make_ward(code="E05000002")
    user = make_user(ward=north)
    accounts.correct_ward(db.session, admin, user, north, "no change")
    assert _actions(db) == []
    accounts.correct_ward(db.session, admin, user, south, "Lives on the south side of the road")
    entry = db.session.query(AuditEntry).one()
    assert user.ward is south and entry.details == {"from_ward": "E05000001", "to_ward": "E05000002",
                                                    "reason": "Lives on the south side of the road"}


def test_a_postcode_is_found_however_it_is_typed_and_an_unknown_one_has_no_ward(db):
    ward = make_ward(postcodes=["FL1 1AA"])
    assert accounts.ward_for_postcode(db.session, " fl11aa ") == ("FL1 1AA", ward.id)
    assert accounts.ward_for_postcode(db.session, "FL9 9ZZ") == ("FL9 9ZZ", None)
    assert accounts.ward_for_postcode(db.session, "not a postcode") == (None, None)
