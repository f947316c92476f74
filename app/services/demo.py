"""Demo data: a fictional borough modelled on the council papers in shared/seeds. Idempotent."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.models import Area, Council, Postcode, Pot, Proposal, RoleGrant, Round, User, Ward
from app.services import priorities as priority_service
from app.services.audit import publish_head, record

DEMO_PASSWORD = "correct horse battery staple"  # noqa: S105 (published demo password, stated in the README)

# Six Neighbourhood Board areas of two or three wards each (fictional names).
NEIGHBOURHOODS = [
    ("Chells & Manor", ["Chells", "Manor", "St Nicholas"]),
    ("Bedwell & Broadwater", ["Bedwell", "Broadwater"]),
    ("Shephall & Pin Green", ["Shephall", "Pin Green", "Symonds Green"]),
    ("Martins Wood & Woodfield", ["Martins Wood", "Woodfield"]),
    ("Old Town & Roebuck", ["Old Town", "Roebuck", "Longmeadow"]),
    ("Fairlands Valley", ["Fairlands", "Great Ashby"]),
]

# Board members' roles are "board:<seat>"; the officer is the contact officer for Chells & Manor.
ACCOUNTS = [
    ("resident@example.org", "Rachel Okafor", []),
    ("officer@example.org", "Owen Price", ["officer"]),
    ("board@example.org", "Cllr Bina Shah", ["board:ward_councillor"]),
    ("board2@example.org", "Cllr Tom Hughes", ["board:chair"]),
    ("board3@example.org", "Maggie Doyle (resident representative)", ["board:co_opted_resident"]),
    ("translator@example.org", "Tariq Mahmood", ["translator"]),
    ("admin@example.org", "Alex Morgan", ["admin"]),
    ("amira@example.org", "Amira Khan", []),
    ("jakub@example.org", "Jakub Nowak", []),
    ("gwen@example.org", "Gwen Davies", []),
]

PROPOSALS = [
    ("Chells Manor community garden", "Raised beds, a tool shed and a water butt so neighbours can grow food together.",
     "Turn the unused corner of Chells Manor green into a shared garden with raised beds for wheelchair users, "
     "a lockable tool shed and rainwater collection. Run by the residents' association with monthly open days.",
     6_500_00, "green_spaces"),
    ("Youth club kit for St Nicholas", "New sports kit, a pool table and art supplies for the Friday youth club.",
     "The Friday youth club at St Nicholas community centre has 40 regulars and worn-out equipment. This buys "
     "football and netball kit, a pool table and art supplies, and pays for a first-aid course for two volunteers.",
     4_200_00, "young_people"),
    ("Warm space lunches at Manor library", "Weekly hot lunches and company for older residents over the winter.",
     "A weekly warm space with a hot lunch at Manor library from November to March, run with the food bank, "
     "with transport for residents who cannot walk there.", 7_800_00, "older_people"),
    ("Safer alleyways lighting", "Solar lights in three alleyways residents say feel unsafe after dark.",
     "Install solar-powered lights in the three alleyways between Chells Way and the shops, chosen at the "
     "ward forum, with the council's street lighting team maintaining them.", 12_000_00, "safer_streets"),
    ("Repair café", "A monthly repair café to fix bikes, clothes and small electricals.",
     "Volunteers fix bikes, clothes and small electricals once a month at the community centre: tools, "
     "PAT testing and insurance for the first year.", 2_900_00, "community_cohesion"),
]


def _now():
    return datetime.now(UTC)


DEMO_PRIORITY = {"en": "Walking and cycling", "cy": "Cerdded a beicio", "pl": "Chodzenie pieszo i jazda na rowerze",
                 "ur": "پیدل چلنا اور سائیکل چلانا", "pa": "ਪੈਦਲ ਚੱਲਣਾ ਅਤੇ ਸਾਈਕਲ ਚਲਾਉਣਾ"}


def load_demo(session):
    """Create the demo borough, accounts and rounds if they are not there yet. Returns True if it created.

    Everything it creates is in the audit log, as if made by the system through the product.
    """
    if session.scalar(select(Council).where(Council.slug == "fernleigh")) is not None:
        return False
    council = Council(name="Borough of Fernleigh", slug="fernleigh", contact_email="neighbourhoods@fernleigh.example",
                      contact_phone="01632 960000", public_url="http://127.0.0.1:5000")  # 01632 960: Ofcom's drama range
    session.add(council)
    session.flush()
    areas, wards = [], []
    code = 1000
    for area_index, (area_name, ward_names) in enumerate(NEIGHBOURHOODS, start=1):
        area = Area(council=council, name=area_name, slug=f"fernleigh-{area_index}")
        session.add(area)
        areas.append(area)
        for ward_index, ward_name in enumerate(ward_names, start=1):
            code += 1
            ward = Ward(council_id=council.id, area=area, code=f"E05{code:06d}", name=ward_name)
            session.add(ward)
            wards.append((ward, area_index, ward_index))
    session.flush()
    for ward, area_index, ward_index in wards:
        for letter in "ABCDE":
            session.add(Postcode(postcode=f"FL{area_index} {ward_index}{letter}A", ward_id=ward.id))
    session.flush()
    first_area, second_area = areas[0], areas[1]
    password_hash = generate_password_hash(DEMO_PASSWORD)
    people = {}
    for index, (email, name, roles) in enumerate(ACCOUNTS):
        # The demo resident lives in Bedwell, so the round open for voting (Bedwell & Broadwater) is theirs to
        # try; everyone else lives in Chells & Manor, whose round is taking ideas. The README says who votes where.
        area, area_index = (second_area, 2) if email == "resident@example.org" else (first_area, 1)
        ward_index = index % len(area.wards)
        user = User(email=email, name=name, password_hash=password_hash,
                    postcode=f"FL{area_index} {ward_index + 1}AA", ward=area.wards[ward_index],
                    date_of_birth=date(1970 + index * 3, 3, 14), preferred_locale="en", email_verified_at=_now())
        for role in roles:
            role, _, seat = role.partition(":")
            user.roles.append(RoleGrant(role=role, area_id=first_area.id if role in ("board", "officer") else None,
                                        board_role=seat or None))
        session.add(user)
        people[email] = user
    session.flush()

    now = _now()
    proposing = Round(
        council_id=council.id, area=first_area, title="Chells & Manor community grants 2027",
        description="The Chells & Manor Neighbourhood Board has £50,000 of devolved community grants. Residents "
                    "suggest projects, the council checks they can be done, then residents vote.",
        languages=["en", "cy", "pl", "ur", "pa"], phase="proposals",
        proposals_open_at=now - timedelta(days=7), proposals_close_at=now + timedelta(days=21),
        voting_open_at=now + timedelta(days=35), voting_close_at=now + timedelta(days=56),
        created_by_id=people["officer@example.org"].id,
    )
    proposing.wards = list(first_area.wards)
    session.add(proposing)
    grants = Pot(round=proposing, name="Community grants", amount_pence=40_000_00, ballot_type="approval",
                 max_choices=3, counting_rule="mes-cost", completion="add1u", min_project_cost_pence=500_00,
                 max_project_cost_pence=15_000_00,
                 instructions="The projects are listed in no particular order. Read about each one before you choose.")
    grants.wards = list(first_area.wards)
    youth = Pot(round=proposing, name="Young people's fund", amount_pence=10_000_00, ballot_type="cumulative",
                total_points=10, max_points_per_project=5, counting_rule="greedy",
                instructions="Give more points to the projects that matter most to you.")
    youth.wards = list(first_area.wards)
    session.add_all([grants, youth])
    session.flush()
    authors = [people[e] for e in ("amira@example.org", "jakub@example.org", "gwen@example.org")]
    for index, (title, summary, description, cost, priority) in enumerate(PROPOSALS):
        pot = youth if priority == "young_people" else grants
        author = authors[index % len(authors)]
        session.add(Proposal(round_id=proposing.id, pot=pot, author=author, title=title, summary=summary,
                             description=description, cost_pence=cost, ward=author.ward, priority=priority,
                             status="submitted", submitted_at=now - timedelta(days=3)))

    voting = Round(
        council_id=council.id, area=second_area, title="Bedwell & Broadwater ward budgets 2026",
        description="Each councillor's ward budget, pooled by the Bedwell & Broadwater Neighbourhood Board "
                    "for residents to decide.",
        languages=["en", "cy", "pl", "ur", "pa"], phase="voting",
        proposals_open_at=now - timedelta(days=60), proposals_close_at=now - timedelta(days=30),
        voting_open_at=now - timedelta(days=2), voting_close_at=now + timedelta(days=12),
        require_verified_email=True, ballot_confirmed_at=now - timedelta(days=2),
        created_by_id=people["officer@example.org"].id,
    )
    voting.wards = list(second_area.wards)
    session.add(voting)
    ward_pot = Pot(round=voting, name="Ward budgets", amount_pence=20_000_00, ballot_type="knapsack",
                   counting_rule="greedy", instructions="Every project was costed by the council with the group that suggested it.")
    ward_pot.wards = list(second_area.wards)
    session.add(ward_pot)
    session.flush()
    for title, summary, cost in [
        ("Broadwater bulb planting", "Spring bulbs along Broadwater Crescent with local schools.", 1_800_00),
        ("Bedwell play area bench and bins", "Two benches and dog bins at the Bedwell play area.", 3_400_00),
        ("Community fridge", "A community fridge at the Bedwell shops to cut food waste.", 5_200_00),
        ("Friday football for 12-16s", "A coached Friday football session for a year.", 9_000_00),
        ("Speed awareness signs", "Two solar speed signs on Broadwater Lane.", 8_500_00),
    ]:
        author = people["resident@example.org"]
        session.add(Proposal(round_id=voting.id, pot=ward_pot, author=author, title=title, summary=summary,
                             description=summary, cost_pence=cost, ward=second_area.wards[0],
                             priority="community_cohesion", status="feasible", on_ballot=True,
                             submitted_at=now - timedelta(days=40)))
    # Residents of the voting area, so the demo ballot can be tried.
    for n, name in enumerate(["Priya Patel", "Kasia Wiśniewska", "Iwan Jones"], start=1):
        session.add(User(email=f"voter{n}@example.org", name=name, password_hash=password_hash,
                         postcode="FL2 1AA", ward=second_area.wards[0], date_of_birth=date(1985, 1, n),
                         email_verified_at=now))
    session.flush()
    _audit_demo(session, council, people, [proposing, voting])
    return True


def _audit_demo(session, council, people, rounds):
    record(session, None, "demo.load", f"council:{council.id}", areas=len(council.areas))
    # Each area's own neighbourhood-plan priorities: the standard six everywhere, and one of
    # Chells & Manor's own, added as its board would.
    for area_id in [None] + [area.id for area in council.areas]:
        priority_service.ensure_rows(session, council.id, area_id)
    chells = next(area for area in council.areas if area.slug == "fernleigh-1")
    priority_service.add_priority(session, None, council.id, chells.id, DEMO_PRIORITY)
    for user in people.values():
        for grant in user.roles:
            record(session, None, "role.grant", f"user:{user.id}", role=grant.role, area_id=grant.area_id)
    for round_ in rounds:
        record(session, None, "round.create", f"round:{round_.id}", phase=round_.phase,
               fields=["title", "description", "phase", "ward_ids"])
        for pot in round_.pots:
            record(session, None, "pot.create", f"pot:{pot.id}", fields=["name", "amount_pence", "ballot_type"])
        proposals = session.scalars(select(Proposal.id).where(Proposal.round_id == round_.id)
                                    .order_by(Proposal.id)).all()
        record(session, None, "proposal.create", f"round:{round_.id}", proposals=proposals)
    publish_head(session, reason="demo")
