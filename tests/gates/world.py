"""What the gates share: a small world of two areas and eight kinds of people, URL ids for every route in
app.url_map (our own objects, a published round's, and objects of another area or another resident), a
checksum of the whole database, and a reader for the forms on a page.

Everything is generated from app.url_map: a new route is crawled, checked and fuzzed without any change
here, as long as its URL arguments have one of the names in ids() (an unknown argument fails loudly).
"""

import hashlib
import html.parser
import traceback
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from app.extensions import db
from app.models import DecisionItem, DecisionRecord, Letter, User
from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward
from tests.support.databases import empty_database as empty_tables_and_caches

ROLES = ("anonymous", "resident", "other_resident", "officer", "board_here", "board_elsewhere", "translator",
         "admin")
# What each kind of person holds (everyone signed in is a resident).
GRANTS = {"anonymous": set(), "resident": {"resident"}, "other_resident": {"resident"},
          "officer": {"resident", "officer"}, "board_here": {"resident", "board"},
          "board_elsewhere": {"resident", "board"}, "translator": {"resident", "translator"},
          "admin": {"resident", "admin"}}
IDSETS = ("own", "published", "foreign")
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
SKIP_ENDPOINTS = {"static"}
# State-changing routes whose form no page in the world shows, with the reason (the gates then send only
# the CSRF token, and the fuzzer invents field names).
FORM_NOT_SHOWN = {
    "main.set_language": "the older language form; the header now has links (GET /language/<lang>)",
    "auth.resend_verification": "shown only to a resident whose e-mail address is not yet verified",
    "officer.start_count": "shown only while a round is in the counting phase",
    "officer.decide_ward_change": "shown only while a resident's change of ward waits for an officer",
    "translate.review": "shown only for a translation waiting for review",
    "admin.reactivate": "shown only for a suspended account",
    "officer.paper_sheet_confirm": "shown only on the preview of an uploaded sheet of paper ballots",
    # Irreversible actions: their one POST form is on the check page the officer's choice leads to.
    "admin.suspend": "shown only on the check page of a suspension (admin.check_suspend, after its reason)",
    "officer.merge_registrations": "shown only on the check page of a merge (officer.check_merge, after the choice)",
    "officer.merge": "shown only on the check page of merging two ideas (officer.check_merge_proposal)",
    "officer.extend_close": "shown only on the check page of a new close of voting (officer.check_extend_close)",
}  # files from app/static: no view code, covered by the headers test on one file


@dataclass
class World:
    people: dict  # role -> user id
    ids: dict  # idset -> {url argument -> value, or {endpoint: value, "*": default}}
    facts: dict = field(default_factory=dict)  # idset -> what the objects are (area, author, published)


def _counted_round(app, area, people, title, phase):
    """A round whose votes (two residents) are counted, left in phase ("decision" or "published")."""
    from app.services import count as count_service
    from app.services import voting as voting_service
    from app.services.rounds import move_phase

    round_ = make_round(area=area, phase="voting", title=title, voting_open_at=datetime.now(UTC) - timedelta(days=1))
    pot = make_pot(round_=round_, name=f"{title} pot", amount_pence=8_000_00, max_choices=2)
    garden = make_proposal(pot=pot, author=people["resident"], title=f"{title}: garden", cost_pence=5_000_00,
                           status="feasible", on_ballot=True)
    lights = make_proposal(pot=pot, title=f"{title}: lights", cost_pence=4_000_00, status="feasible",
                           on_ballot=True)
    db.session.commit()
    for voter, choice in ((people["resident"], [garden.id]), (people["other_resident"], [garden.id, lights.id])):
        with app.test_request_context():
            voting_service.refuse_after_close(db.session, voting_service.cast_online(db.session, voter.id, pot.id, choice))
            db.session.commit()
    move_phase(db.session, None, round_, "counting")  # the close: opens the sealed ballots
    db.session.commit()
    count_service.count_round(db.session, round_)
    confirmed = phase == "published"
    record = DecisionRecord(round_id=round_.id, meeting_date=date(2026, 11, 30), quorum=2, status="draft",
                            created_by_id=people["board_here"].id,
                            items=[DecisionItem(proposal_id=garden.id, outcome="confirm", amount_pence=5_000_00)])
    db.session.add(record)
    db.session.flush()  # the items go in while it is a draft: a confirmed record is locked by the database
    if confirmed:
        record.status, record.confirmed_at = "confirmed", datetime.now(UTC)
    round_.phase = phase
    db.session.commit()
    return round_, pot, garden, record


def _delivery_photo(officer, proposal_id):
    """A public delivery update with a photo on the published round's award (for the photo route)."""
    from app.services import delivery
    from tests.support.photos import png

    update = delivery.post_update(db.session, db.session.get(User, officer.id),
                                  delivery.award_for(db.session, proposal_id), body="Work has started.",
                                  photo_bytes=png(), photo_alt="The site before work")
    db.session.commit()
    return update.photo.id


def build_world(app):
    """Two areas ("here" and "elsewhere") and, here: a round taking ideas (with a resident's draft), a
    round open for voting, a counted round waiting for the board's decision and a published one; elsewhere:
    a round open for voting with another resident's draft and a board record. Built through the factories
    and the voting and count services."""
    from app.services import accounts, in_person, notifications

    with app.app_context():
        here, elsewhere = make_area(name="Here"), make_area(name="Elsewhere")
        ward = make_ward(area=here, name="Here ward", postcodes=["FL1 1AA"])
        ward_elsewhere = make_ward(area=elsewhere, name="Elsewhere ward", postcodes=["FL9 9ZZ"])
        people = {
            "resident": make_user(ward=ward, email="resident@example.org", name="Rhian Resident"),
            "other_resident": make_user(ward=ward, email="other@example.org", name="Omar Other"),
            "officer": make_user(role="officer", ward=ward, email="officer@example.org"),
            "board_here": make_user(role="board", area=here, ward=ward, email="board.here@example.org"),
            "board_elsewhere": make_user(role="board", area=elsewhere, ward=ward_elsewhere,
                                         email="board.elsewhere@example.org"),
            "translator": make_user(role="translator", ward=ward, email="translator@example.org"),
            "admin": make_user(role="admin", ward=ward, email="admin@example.org"),
        }
        second_member = make_user(role="board", area=here, ward=ward, email="board.second@example.org")
        now = datetime.now(UTC)
        ideas = make_round(area=here, phase="proposals", title="Here ideas")
        ideas_pot = make_pot(round_=ideas, name="Ideas pot")
        draft = make_proposal(pot=ideas_pot, author=people["resident"], status="draft", title="Resident's own draft")
        open_round = make_round(area=here, phase="voting", title="Here grants", voting_open_at=now - timedelta(days=1))
        pot = make_pot(round_=open_round, name="Here pot", amount_pence=10_000_00)
        for n in range(2):
            make_proposal(pot=pot, title=f"On the ballot {n}", cost_pence=3_000_00, status="feasible", on_ballot=True)

        far_round = make_round(area=elsewhere, phase="voting", title="Elsewhere grants",
                               voting_open_at=now - timedelta(days=1))
        far_pot = make_pot(round_=far_round, name="Elsewhere pot")
        make_proposal(pot=far_pot, title="Elsewhere project", status="feasible", on_ballot=True,
                      author=people["board_elsewhere"])
        other_draft = make_proposal(pot=far_pot, author=people["other_resident"], status="draft",
                                    title="Other's draft")
        far_record = DecisionRecord(round_id=far_round.id, meeting_date=date(2026, 11, 30),
                                    created_by_id=people["board_elsewhere"].id)
        db.session.add(far_record)
        db.session.commit()
        deciding, _, _, record = _counted_round(app, here, people, "Here grants to decide", "decision")
        published, published_pot, garden, published_record = _counted_round(app, here, people, "Last year",
                                                                            "published")

        photo_id = _delivery_photo(people["officer"], garden.id)
        grant = next(g for g in db.session.get(User, people["officer"].id).roles if g.role == "officer")
        board_grant = second_member.roles[0]
        resident = people["resident"]
        tokens = {"auth.verify": accounts.make_token(app.secret_key, accounts.VERIFY, resident),
                  "auth.verify_confirm": accounts.make_token(app.secret_key, accounts.VERIFY, resident),
                  "auth.reset_password": accounts.make_token(app.secret_key, accounts.RESET, resident),
                  "auth.unsubscribe": notifications.make_unsubscribe_token(app.secret_key, resident, "results"),
                  "auth.unsubscribe_confirm": notifications.make_unsubscribe_token(app.secret_key, resident,
                                                                                   "results")}
        # A resident registered in person (no e-mail yet): their claim slip and the link on it.
        walk_in = User(name="Wyn Walk-In", email=None, password_hash="!", ward=ward, in_person=True,
                       address="1 High Street")
        db.session.add(walk_in)
        db.session.flush()
        twin = User(name="Wyn Walk-In", email="wyn@example.org", password_hash="!", ward=ward,
                    held_for_merge_with_id=walk_in.id)  # registered online too: held for an officer to merge
        helper = make_user(role="polling_helper", ward=ward, email="helper@example.org")
        helper.roles[0].round_id = open_round.id
        db.session.add(twin)
        # A letter waiting to be posted to them (they chose letters): the officers' list shows it.
        db.session.add(Letter(user_id=walk_in.id, kind="results", locale="cy", name=walk_in.name,
                              address=walk_in.address, subject="Canlyniadau",
                              body="Helo Wyn\n\nhttp://localhost/auth/unsubscribe/" + "x" * 120))  # wraps at 320 px
        db.session.commit()
        tokens["auth.claim"] = in_person.claim_token(app.secret_key, walk_in)
        # URL argument -> value, or {endpoint or blueprint: value, "*": otherwise}.
        own = {"round_id": {"*": open_round.id, "proposals": ideas.id, "board": deciding.id,
                            "officer.confirm_publish": deciding.id, "officer.publish": deciding.id}, "pot_id": pot.id,
               "proposal_id": draft.id, "record_id": record.id,
               "user_id": {"*": resident.id, "admin": people["officer"].id, "officer.claim_slip": walk_in.id,
                           "officer.merge_registrations": twin.id, "officer.remove_helper": helper.id,
                           "admin.resident_notices": walk_in.id},
               "grant_id": grant.id,
               "lang": "cy", "entity": "pot", "entity_id": pot.id,
               "area_id": here.id, "photo_id": photo_id + 1000, "token": dict(tokens, **{"*": "x"})}
        mine_published = {"round_id": published.id, "pot_id": published_pot.id, "proposal_id": garden.id,
                          "record_id": published_record.id, "user_id": {"*": resident.id, "admin": second_member.id},
                          "grant_id": board_grant.id, "lang": "ur", "entity": "round", "entity_id": published.id,
                          "area_id": here.id, "photo_id": photo_id,
                          "token": dict(tokens, **{"*": "x"})}
        # Someone else's or another area's objects: another area's round and board record, another
        # resident's draft, a role grant that belongs to somebody else, a language we do not ship, a
        # private draft to translate, a link we never sent.
        foreign = {"round_id": far_round.id, "pot_id": far_pot.id, "proposal_id": other_draft.id,
                   "record_id": far_record.id, "user_id": {"*": people["other_resident"].id,
                                                           "admin.revoke": people["officer"].id},
                   "grant_id": board_grant.id, "lang": "de", "entity": "proposal", "entity_id": other_draft.id,
                   "area_id": elsewhere.id, "photo_id": photo_id + 1000,
                   "token": "not-a-token"}
        world = World(people={role: user.id for role, user in people.items()},
                      ids={"own": own, "published": mine_published, "foreign": foreign},
                      facts={"own": {"area": "here", "author": "resident", "published": False},
                             "published": {"area": "here", "author": "resident", "published": True},
                             "foreign": {"area": "elsewhere", "author": "other_resident", "published": False}})
        world.people["anonymous"] = None
        db.session.remove()
    return world


def empty_database(app):
    """What the db fixture does after each test, for the module-scoped world."""
    with app.app_context():
        db.session.remove()
        empty_tables_and_caches(db)


def rules(app, methods):
    """Every rule of app.url_map answering one of methods (static files aside), in a stable order."""
    methods = set(methods)
    found = [r for r in app.url_map.iter_rules() if r.endpoint not in SKIP_ENDPOINTS and r.methods & methods]
    return sorted(found, key=lambda r: (r.rule, r.endpoint))


def path_arguments(rule):
    """The rule's URL arguments (not the defaults a second rule of the same view fills in)."""
    return set(rule.arguments) - set(rule.defaults or {})


def uses_ids(rule):
    return bool(path_arguments(rule))


def build_path(rule, ids):
    """The rule's URL with each argument filled from ids (values may depend on the endpoint)."""
    values = dict(rule.defaults or {})
    for argument in sorted(path_arguments(rule)):
        if argument not in ids:
            raise AssertionError(f"{rule.endpoint}: the gates do not know URL argument <{argument}>; add it to "
                                 "tests/gates/world.py (own, published and foreign values)")
        value = ids[argument]
        if isinstance(value, dict):
            blueprint = rule.endpoint.split(".")[0]
            value = value.get(rule.endpoint, value.get(blueprint, value["*"]))
        values[argument] = value
    return rule.build(values, append_unknown=False)[1]


def declared_roles(app, rule):
    return getattr(app.view_functions[rule.endpoint], "required_roles", None)


def sign_in(app, client, role, world):
    """Put the person in the client's session as Flask-Login would (their current session token)."""
    with app.app_context():
        token = None if world.people[role] is None else db.session.get(User, world.people[role]).session_token
        db.session.remove()
    with client.session_transaction() as sess:
        sess.clear()
        if token is not None:
            sess["_user_id"] = token
            sess["_fresh"] = True


@dataclass
class Answer:
    status: int
    location: str
    headers: dict
    body: str
    content_type: str


def request(client, method, path, csrf=True, **kwargs):
    """Send a request (with a valid CSRF token unless csrf=False); an exception inside the app (TESTING
    propagates it) is recorded as a 500 with its traceback."""
    if method in STATE_CHANGING and csrf:
        data = kwargs.setdefault("data", {})
        if isinstance(data, dict) and "csrf_token" not in data:
            data["csrf_token"] = client.csrf_token()
    if method in STATE_CHANGING and kwargs.get("base_url", "").startswith("https:"):
        # Over HTTPS Flask-WTF also wants a same-site Referer, as a browser sends.
        kwargs.setdefault("headers", {}).setdefault("Referer", kwargs["base_url"] + "/")
    try:
        response = client.open(path, method=method, **kwargs)
    except Exception:
        return Answer(500, "", {}, traceback.format_exc(), "text/plain")
    try:
        return Answer(response.status_code, response.headers.get("Location", ""), dict(response.headers),
                      response.get_data().decode("utf-8", "replace"),  # photos are bytes
                      response.headers.get("Content-Type", ""))
    finally:
        response.close()


def login_redirect(answer):
    return answer.status == 302 and urlsplit(answer.location).path == "/auth/login"


def checksum(app):
    """A digest of every row of every table: any write by a request changes it."""
    digest = hashlib.sha256()
    with app.app_context():
        with db.engine.connect() as connection:
            for table in db.metadata.sorted_tables:
                rows = sorted(repr(tuple(row)) for row in connection.execute(select(table)))
                digest.update(table.name.encode())
                digest.update("\n".join(rows).encode())
    return digest.hexdigest()


def stored_problems(app):
    """Values no request should have been able to store: text over its column's length (PostgreSQL refuses
    it, SQLite keeps it), control characters (app/domain/text.py), integers beyond the integer column."""
    from sqlalchemy import BigInteger, Integer, String

    from app.domain.text import unwanted_characters
    from app.request_limits import MAX_ID

    problems = []
    with app.app_context():
        with db.engine.connect() as connection:
            for table in db.metadata.sorted_tables:
                for row in connection.execute(select(table)):
                    for column, value in zip(table.columns, row, strict=True):
                        where = f"{table.name}.{column.name}"
                        if isinstance(value, str):
                            if isinstance(column.type, String) and column.type.length and \
                                    len(value) > column.type.length:
                                problems.append((where, f"{len(value)} characters > {column.type.length}"))
                            if found := unwanted_characters(value):
                                problems.append((where, f"control characters {found!r}"))
                        elif isinstance(value, int) and isinstance(column.type, Integer) and \
                                not isinstance(column.type, BigInteger) and abs(value) > MAX_ID:
                            problems.append((where, f"integer {value} beyond the column"))
    return problems


@dataclass
class Form:
    action: str  # path the form posts to
    fields: list  # [(name, kind, value, options)]; kind: text, textarea, select, checkbox, radio, hidden, file
    source: str = ""  # page it was found on

    def defaults(self):
        """What a browser would send without the user changing anything (first submit button included)."""
        data, submitted = {}, False
        for name, kind, value, options in self.fields:
            if name == "csrf_token":  # bound to the session that saw the page; request() adds a fresh one
                continue
            if kind in ("checkbox", "radio") and not options.get("checked"):
                continue
            if kind == "submit":
                if submitted or not name:
                    continue
                submitted = True
            if kind == "select":
                value = options.get("selected") or (options["values"][0] if options["values"] else "")
            if kind == "file":
                continue
            data.setdefault(name, []).append(value)
        return {name: values if len(values) > 1 else values[0] for name, values in data.items()}


class _FormReader(html.parser.HTMLParser):
    def __init__(self, page_path):
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms, self.form, self.select, self.textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if (attrs.get("method") or "get").lower() == "post":
                action = attrs.get("action") or self.page_path
                self.form = Form(action=urlsplit(action).path or self.page_path, fields=[], source=self.page_path)
            return
        if self.form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            options = {"checked": "checked" in attrs, "min": attrs.get("min"), "max": attrs.get("max")}
            self.form.fields.append((name, kind, attrs.get("value", "on" if kind in ("checkbox", "radio") else ""),
                                     options))
        elif tag == "button" and name and (attrs.get("type") or "submit") == "submit":
            self.form.fields.append((name, "submit", attrs.get("value", ""), {}))
        elif tag == "select" and name:
            self.select = (name, {"values": [], "selected": None})
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            self.select[1]["values"].append(value)
            if "selected" in attrs:
                self.select[1]["selected"] = value
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if self.form is None:
            return
        if tag == "select" and self.select is not None:
            self.form.fields.append((self.select[0], "select", "", self.select[1]))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.form.fields.append((self.textarea[0], "textarea", self.textarea[1].lstrip("\n"), {}))
            self.textarea = None
        elif tag == "form":
            self.forms.append(self.form)
            self.form = None


def read_forms(page_path, html_text):
    """The POST forms on a page."""
    reader = _FormReader(page_path)
    reader.feed(html_text)
    return reader.forms
