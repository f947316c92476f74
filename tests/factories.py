"""Small make_* factories with sensible defaults. They add and flush; the test commits if it needs to."""

import itertools
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Area, Council, Postcode, Pot, Proposal, RoleGrant, Round, User, Ward

PASSWORD = "correct horse battery staple"
_sequence = itertools.count(1)


@lru_cache(maxsize=1)
def password_hash():
    return generate_password_hash(PASSWORD)


def _n():
    return next(_sequence)


def make_council(name="Borough of Fernleigh"):
    council = db.session.query(Council).filter_by(name=name).first()
    if council is None:
        council = Council(name=name, slug=f"council-{_n()}")
        db.session.add(council)
        db.session.flush()
    return council


def make_area(name=None, council=None):
    council = council or make_council()
    n = _n()
    area = Area(council=council, name=name or f"Area {n}", slug=f"area-{n}")
    db.session.add(area)
    db.session.flush()
    return area


def make_ward(name=None, area=None, code=None, postcodes=()):
    area = area or make_area()
    n = _n()
    ward = Ward(council_id=area.council_id, area=area, name=name or f"Ward {n}", code=code or f"E05{n:06d}")
    db.session.add(ward)
    db.session.flush()
    for postcode in postcodes:
        db.session.add(Postcode(postcode=postcode, ward_id=ward.id))
    db.session.flush()
    return ward


def make_user(role="resident", email=None, name=None, ward=None, area=None, verified=True,
              date_of_birth=date(1980, 5, 17), locale="en", postcode=None):
    """A user with password PASSWORD. role may be a role name or a list; "board" needs area (or makes one)."""
    n = _n()
    ward = ward if ward is not None else make_ward(area=area)
    user = User(
        email=email or f"user{n}@example.org",
        name=name or f"Test User {n}",
        password_hash=password_hash(),
        postcode=postcode,
        ward=ward,
        date_of_birth=date_of_birth,
        preferred_locale=locale,
        email_verified_at=datetime.now(UTC) if verified else None,
    )
    db.session.add(user)
    roles = [role] if isinstance(role, str) else list(role)
    for each in roles:
        if each == "resident":
            continue
        area_id = None
        if each == "board":
            area_id = (area or ward.area).id
        user.roles.append(RoleGrant(role=each, area_id=area_id))
    db.session.flush()
    return user


def make_round(area=None, phase="draft", title="Chells & Manor community grants 2026", wards=None,
               languages=("en", "cy", "pl", "ur", "pa"), min_age=None, require_verified_email=True, **dates):
    area = area or make_area()
    now = datetime.now(UTC)
    round_ = Round(
        council_id=area.council_id,
        area=area,
        title=title,
        description="Residents decide how the Neighbourhood Board spends its community grants.",
        languages=list(languages),
        phase=phase,
        min_age=min_age,
        require_verified_email=require_verified_email,
        proposals_open_at=dates.get("proposals_open_at", now - timedelta(days=30)),
        proposals_close_at=dates.get("proposals_close_at", now + timedelta(days=10)),
        voting_open_at=dates.get("voting_open_at", now + timedelta(days=20)),
        voting_close_at=dates.get("voting_close_at", now + timedelta(days=40)),
    )
    round_.wards = list(wards) if wards is not None else list(area.wards)
    db.session.add(round_)
    db.session.flush()
    return round_


def make_pot(round_=None, name="Community grants", amount_pence=40_000_00, wards=None, ballot_type="approval",
             max_choices=3, counting_rule="greedy", **fields):
    round_ = round_ or make_round()
    pot = Pot(round=round_, name=name, amount_pence=amount_pence, ballot_type=ballot_type,
              max_choices=max_choices, counting_rule=counting_rule, **fields)
    pot.wards = list(wards) if wards is not None else list(round_.wards)
    db.session.add(pot)
    db.session.flush()
    return pot


def make_proposal(pot=None, author=None, title=None, cost_pence=5_000_00, status="submitted", **fields):
    pot = pot or make_pot()
    author = author or make_user(ward=pot.wards[0] if pot.wards else None)
    n = _n()
    proposal = Proposal(
        round_id=pot.round_id,
        pot=pot,
        author=author,
        title=title or f"Project {n}",
        summary=fields.pop("summary", "A community project for the neighbourhood."),
        description=fields.pop("description", "What we will do, who benefits and how it will be run."),
        cost_pence=cost_pence,
        ward=fields.pop("ward", author.ward),
        status=status,
        **fields,
    )
    db.session.add(proposal)
    db.session.flush()
    return proposal
