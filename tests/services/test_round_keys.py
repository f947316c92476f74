"""A round's ballot key: made once, kept only wrapped under the ballot secret (never from the database), gone at
the close; what it seals opens only with the same key and context, so a ballot cannot be moved or read."""

import pytest
from cryptography.exceptions import InvalidTag

from app.models.ballots import RoundKey
from app.services import round_keys
from tests.factories import make_round


@pytest.fixture
def ballot_secret(app):
    """Set app.config["BALLOT_SECRET"] for one test (the app is shared by the session)."""
    saved = app.config.get("BALLOT_SECRET"), app.config["TESTING"]

    def _set(value, testing=True):
        app.config["BALLOT_SECRET"], app.config["TESTING"] = value, testing

    yield _set
    app.config["BALLOT_SECRET"], app.config["TESTING"] = saved


def test_a_round_has_one_key_made_on_first_use_and_each_round_its_own(db):
    first, second = make_round(phase="voting"), make_round(phase="voting")
    assert round_keys.existing_key(db.session, first.id) is None
    key = round_keys.round_key(db.session, first.id)
    assert len(key) == round_keys.KEY_BYTES
    assert round_keys.round_key(db.session, first.id) == key == round_keys.existing_key(db.session, first.id)
    assert round_keys.round_key(db.session, second.id) != key
    assert sorted(round_keys.live_keys(db.session)) == sorted([key, round_keys.existing_key(db.session, second.id)])


def test_the_database_holds_the_key_only_wrapped(db):
    round_ = make_round(phase="voting")
    key = round_keys.round_key(db.session, round_.id)
    wrapped = db.session.query(RoundKey).one().wrapped
    assert key not in wrapped and len(wrapped) > len(key)


def test_another_ballot_secret_cannot_unwrap_the_key(db, ballot_secret):
    round_ = make_round(phase="voting")
    round_keys.round_key(db.session, round_.id)
    ballot_secret("a different secret on a misconfigured host")
    with pytest.raises(round_keys.RoundKeyUnavailable):
        round_keys.existing_key(db.session, round_.id)


def test_outside_testing_a_missing_ballot_secret_stops_sealing(db, ballot_secret):
    round_ = make_round(phase="voting")
    ballot_secret(None, testing=False)
    with pytest.raises(round_keys.RoundKeyUnavailable):
        round_keys.round_key(db.session, round_.id)


def test_the_close_destroys_the_key(db):
    round_ = make_round(phase="voting")
    round_keys.round_key(db.session, round_.id)
    round_keys.destroy(db.session, round_.id)
    assert round_keys.existing_key(db.session, round_.id) is None and round_keys.live_keys(db.session) == []


def test_a_sealed_ballot_opens_only_with_its_key_and_context():
    key, other = b"k" * 32, b"o" * 32
    sealed = round_keys.seal(key, b"[12, 15]", b"ballot:1:abc")
    assert round_keys.unseal(key, sealed, b"ballot:1:abc") == b"[12, 15]"
    assert round_keys.seal(key, b"[12, 15]", b"ballot:1:abc") != sealed  # a fresh nonce every time
    for wrong_key, context in ((other, b"ballot:1:abc"), (key, b"ballot:2:abc")):
        with pytest.raises(InvalidTag):
            round_keys.unseal(wrong_key, sealed, context)


def test_a_residents_replace_key_is_per_pot_and_needs_the_rounds_key():
    key = b"k" * 32
    mine = round_keys.replace_key(key, 7, 1)
    assert mine == round_keys.replace_key(key, 7, 1)
    assert len({mine, round_keys.replace_key(key, 7, 2), round_keys.replace_key(key, 8, 1),
                round_keys.replace_key(b"o" * 32, 7, 1)}) == 4
    assert round_keys.receipt_tag(key, "abc") != round_keys.receipt_tag(b"o" * 32, "abc")
