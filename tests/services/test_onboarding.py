"""The council's page is checked as a whole: every wrong field is named at once and nothing changes; what is
right is saved and audited."""

import pytest

from app.domain.problems import Problem
from app.models import AuditEntry
from app.services.onboarding import CouncilRefused, save_council_page
from tests.factories import make_council, make_user

GOOD = dict(name="Borough of Fernleigh", email="grants@fernleigh.example", phone="01632 960000",
            public_url="https://budgets.fernleigh.example", privacy_notice={}, accessibility_statement={},
            colour="")


def test_every_wrong_field_is_named_and_nothing_changes(db):
    council, admin = make_council(), make_user(role="admin")

    with pytest.raises(CouncilRefused) as refused:
        save_council_page(db.session, admin, council, **{**GOOD, "email": "nope", "public_url": "http://x.example",
                                                          "colour": "#ffdd00"}, logo_bytes=b"not a picture")

    assert refused.value.problems == [
        Problem("bad_email", "email"), Problem("bad_url", "public_url"),
        Problem("low_contrast", "brand_colour", {"colour": "#ffdd00", "ratio": 1.3}),
        Problem("not_an_image", "logo")]
    assert council.contact_email != "nope" and db.session.query(AuditEntry).count() == 0


def test_good_details_are_saved_and_audited(db):
    council, admin = make_council(), make_user(role="admin")

    save_council_page(db.session, admin, council, **{**GOOD, "colour": "#1d4f7a"})

    assert (council.contact_email, council.brand_colour) == ("grants@fernleigh.example", "#1d4f7a")
    assert {entry.action for entry in db.session.query(AuditEntry)} == {"council.update", "council.brand"}
