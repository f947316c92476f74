"""Rounds at each step of the count -> board -> publication path, built with factories and the services.

Ballots and participation rows are written directly (the voting service has its own tests): each voter
is a real user with a participation record in the register and an anonymous ballot, as a cast makes.
"""

import secrets
from datetime import date

from app.extensions import db
from app.models import Ballot, Participation
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward


def add_voters(pot, ballots, ward=None, channel="online", age_band="25-34"):
    """One resident, participation record and anonymous ballot per entry of ballots (stored choices)."""
    for choices in ballots:
        voter = make_user(ward=ward or pot.wards[0])
        db.session.add(Participation(user_id=voter.id, pot_id=pot.id, channel=channel, ward_id=voter.ward_id,
                                     age_band=age_band))
        db.session.add(Ballot(id=secrets.token_hex(16), pot_id=pot.id, choices=choices,
                              receipt_hash=secrets.token_hex(32)))
    db.session.flush()


class Scenario:
    """A round in the Bedwell area: three board members, an officer, one approval pot of £10,000.

    Votes: Garden (£6,000) 4, Lights (£5,000) 3, Bench (£1,500) 1; greedy funds Garden, skips Lights
    ("did not fit the £4,000 left") and funds Bench. Three voters voted on paper.
    """

    def __init__(self, phase="counting", ballot_type="approval", counting_rule="greedy", completion="add1u"):
        self.area = make_area(name="Bedwell")
        self.ward = make_ward(name="Bedwell North", area=self.area)
        self.members = [make_user(role="board", area=self.area, ward=self.ward, name=f"Cllr Member {n}")
                        for n in range(1, 4)]
        self.officer = make_user(role="officer", ward=self.ward, name="Olu Officer")
        self.round = make_round(area=self.area, phase="voting", title="Bedwell grants")
        self.pot = make_pot(round_=self.round, name="Community grants", amount_pence=10_000_00,
                            ballot_type=ballot_type, counting_rule=counting_rule, completion=completion,
                            max_choices=3, total_points=10 if ballot_type == "cumulative" else None)
        self.garden = make_proposal(pot=self.pot, title="Garden", cost_pence=6_000_00, status="feasible",
                                    on_ballot=True)
        self.lights = make_proposal(pot=self.pot, title="Lights", cost_pence=5_000_00, status="feasible",
                                    on_ballot=True)
        self.bench = make_proposal(pot=self.pot, title="Bench", cost_pence=1_500_00, status="feasible",
                                   on_ballot=True)
        g, li, b = self.garden.id, self.lights.id, self.bench.id
        if ballot_type == "cumulative":
            online = [{str(g): 6, str(li): 4}, {str(g): 10}, {str(li): 5, str(b): 5}]
            paper = [{str(g): 3, str(li): 7}, {str(b): 10}]
        elif ballot_type == "ranked":
            online = [[g, li], [g, b], [li, g, b]]
            paper = [[g], [li, b]]
        else:
            online = [[g], [g, li], [li, b], [g]]
            paper = [[g], [li]]
        add_voters(self.pot, online)
        add_voters(self.pot, paper, channel="paper", age_band="65-74")
        self.round.phase = "counting"
        db.session.flush()
        if phase in ("decision", "published"):
            self.count()
        if phase == "published":
            self.decide_and_confirm()

    @property
    def ids(self):
        return self.garden.id, self.lights.id, self.bench.id

    def count(self):
        from app.services import count as count_service

        count_service.count_round(db.session, self.round, self.officer)
        db.session.flush()

    def items(self, **overrides):
        from app.domain.decisions import Item
        from app.services.decisions import recommended_ids

        recommended = recommended_ids(db.session, self.round)
        outcomes = {self.garden.id: ("confirm", 6_000_00, ""), self.bench.id: ("confirm", 1_500_00, ""),
                    self.lights.id: ("reject", 0, "Highways will fund the lights.")}
        for name, value in overrides.items():
            outcomes[getattr(self, name).id] = value
        return [Item(pid, outcome, amount, reason, pid in recommended)
                for pid, (outcome, amount, reason) in outcomes.items() if outcome]

    def draft(self, by=None, declarations=(), present=None, quorum=2, **overrides):
        from app.services import decisions

        return decisions.save_record(
            db.session, by or self.members[0], self.round, meeting_date=date(2026, 11, 30), quorum=quorum,
            present_ids=[m.id for m in (present if present is not None else self.members)],
            declarations=list(declarations), items=self.items(**overrides))

    def decide_and_confirm(self, **overrides):
        """The board's record (the count's selection, with overrides as in items) confirmed by two members."""
        from app.services import decisions

        record_ = self.draft(**overrides)
        decisions.confirm(db.session, self.members[0], record_)
        decisions.confirm(db.session, self.members[1], record_)
        db.session.flush()
        return record_


def add_electorate(ward, residents, source="ONS mid-2024 population estimates", as_of=date(2024, 6, 30)):
    """Electorate figures for a ward: residents {age band: n}."""
    from app.models import ElectorateFigure

    for band, n in residents.items():
        db.session.add(ElectorateFigure(ward_id=ward.id, age_band=band, residents=n, source=source, as_of=as_of))
    db.session.flush()
