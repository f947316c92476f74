"""Board views: only the round's own area board may draft, confirm or correct its decision record."""

import re

import pytest

from app.models import AuditEntry, DecisionRecord, Round
from tests.factories import make_area, make_user
from tests.support.page_text import summary_rows
from tests.support.results_scenarios import Scenario


@pytest.fixture
def s(db):
    scenario = Scenario(phase="decision")
    scenario.record = scenario.draft()
    db.session.commit()
    return scenario


def meeting(day, month, year):
    """The meeting date as typed into its three boxes."""
    return {"meeting_date-day": day, "meeting_date-month": month, "meeting_date-year": year}


def form_for(s, **changes):
    data = {**meeting("30", "11", "2026"), "quorum": "2",
            **{f"present-{m.id}": "y" for m in s.members},
            f"outcome-{s.garden.id}": "confirm", f"amount-{s.garden.id}": "6000",
            f"outcome-{s.bench.id}": "confirm", f"amount-{s.bench.id}": "1500",
            f"outcome-{s.lights.id}": "reject", f"reason-{s.lights.id}": "Highways will fund the lights."}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def users(s):
    other_area = make_area(name="Shephall")
    return {
        "anonymous": None,
        "resident": make_user(),
        "officer": make_user(role="officer"),
        "admin": make_user(role="admin"),
        "other board": make_user(role="board", area=other_area),
        "own board": s.members[0],
    }


@pytest.mark.parametrize("who, expected", [
    ("anonymous", 302), ("resident", 403), ("officer", 403), ("admin", 403), ("other board", 403),
    ("own board", 200),
])
def test_permission_matrix_for_board_pages(client, db, login_as, s, who, expected):
    user = users(s)[who]
    db.session.commit()
    if user is not None:
        login_as(user)
    for url in (f"/board/rounds/{s.round.id}/decision", f"/board/decisions/{s.record.id}"):
        response = client.get(url)
        assert response.status_code == expected, (who, url)
        if expected == 302:
            assert "/auth/login" in response.headers["Location"]
    index = client.get("/board/")
    assert index.status_code == (expected if who in ("anonymous", "own board") else
                                 (200 if who == "other board" else 403))
    if who == "other board":
        assert "Bedwell grants" not in index.get_data(as_text=True)


@pytest.mark.parametrize("who", ["anonymous", "resident", "officer", "other board"])
def test_outsiders_cannot_save_or_confirm(client, db, login_as, s, who):
    user = users(s)[who]
    db.session.commit()
    if user is not None:
        login_as(user)
    before = db.session.query(AuditEntry).count()
    assert client.post(f"/board/decisions/{s.record.id}/confirm").status_code in (302, 403)
    assert client.post(f"/board/rounds/{s.round.id}/decision", data=form_for(s)).status_code in (302, 403)
    db.session.expire_all()
    assert db.session.get(DecisionRecord, s.record.id).confirmations == []
    assert db.session.query(AuditEntry).count() == before


def test_a_round_without_a_board_area_is_not_found(client, db, login_as, s):
    s.round.area_id = None
    db.session.commit()
    login_as(s.members[0])
    assert client.get(f"/board/rounds/{s.round.id}/decision").status_code == 404


def test_bad_input_re_renders_with_linked_errors_and_stores_nothing(client, db, login_as, s):
    login_as(s.members[0])
    before = db.session.query(AuditEntry).count()
    response = client.post(f"/board/rounds/{s.round.id}/decision", data=form_for(
        s, **meeting("31", "11", "2026"), **{f"reason-{s.lights.id}": "", f"amount-{s.bench.id}": "lots",
                                             "decl-0-member": str(s.members[2].id), "decl-0-nature": "Neighbour"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page and "Meeting date must be a real date" in page
    assert 'href="#meeting_date-day"' in page and f'href="#amount-{s.bench.id}"' in page
    assert re.search(r'name="meeting_date-day"[^>]*value="31"', page) and 'value="lots"' in page  # kept as typed
    assert f'id="amount-{s.bench.id}-error"' in page and f'aria-describedby="amount-{s.bench.id}-error"' in page
    response = client.post(f"/board/rounds/{s.round.id}/decision",
                           data=form_for(s, **{f"reason-{s.lights.id}": ""}))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and f'href="#reason-{s.lights.id}"' in page
    assert "Lights: Give a reason" in page
    over = client.post(f"/board/rounds/{s.round.id}/decision", data=form_for(
        s, **{f"outcome-{s.lights.id}": "fund", f"amount-{s.lights.id}": "5000"}))
    assert over.status_code == 400 and "The awards add up to more than the pot." in over.get_data(as_text=True)
    assert db.session.query(AuditEntry).count() == before
    db.session.expire_all()
    record_ = db.session.get(DecisionRecord, s.record.id)
    assert {i.proposal_id: i.outcome for i in record_.items}[s.lights.id] == "reject"
    assert record_.meeting_date.isoformat() == "2026-11-30" and record_.declarations == []


def test_two_members_confirm_in_the_browser_flow_and_the_round_is_published(client, db, login_as, s):
    login_as(s.members[0])
    response = client.post(f"/board/rounds/{s.round.id}/decision", data=form_for(
        s, **{"decl-0-member": str(s.members[2].id), "decl-0-proposal": str(s.garden.id),
              "decl-0-nature": "Chairs the garden group"}))
    assert response.status_code == 302
    url = response.headers["Location"]
    assert url.endswith(f"/board/decisions/{s.record.id}")  # the draft was updated, not duplicated
    client.post(url + "/confirm")
    page = client.get(url).get_data(as_text=True)
    assert "Confirmations so far: 1 of 2." in page and "Chairs the garden group" in page
    login_as(s.members[2])
    client.post(url + "/confirm")
    assert "You declared an interest" in client.get(url).get_data(as_text=True)
    login_as(s.members[1])
    client.post(url + "/confirm")
    page = client.get(url).get_data(as_text=True)
    assert "Confirmed and locked" in page and "Record a correction" in page
    db.session.expire_all()
    assert db.session.get(Round, s.round.id).phase == "published"
    assert db.session.get(DecisionRecord, s.record.id).status == "confirmed"


def test_a_locked_record_is_corrected_by_a_new_linked_record(client, db, login_as, s):
    from app.services import decisions

    decisions.confirm(db.session, s.members[0], s.record)
    decisions.confirm(db.session, s.members[1], s.record)
    db.session.commit()
    login_as(s.members[2])
    assert client.get(f"/board/rounds/{s.round.id}/decision").status_code == 302  # to the locked record
    form_page = client.get(f"/board/rounds/{s.round.id}/decision?correct=1").get_data(as_text=True)
    assert "This is a correction" in form_page and "Highways will fund the lights." in form_page
    response = client.post(f"/board/rounds/{s.round.id}/decision?correct=1", data=form_for(
        s, **{f"outcome-{s.lights.id}": "fund", f"amount-{s.lights.id}": "2500",
              f"reason-{s.lights.id}": "Highways withdrew."}))
    assert response.status_code == 302
    new_id = int(re.search(r"/decisions/(\d+)", response.headers["Location"]).group(1))
    db.session.expire_all()
    assert new_id != s.record.id
    assert db.session.get(DecisionRecord, new_id).supersedes_id == s.record.id
    assert db.session.get(DecisionRecord, s.record.id).status == "confirmed"


def test_confirm_without_a_csrf_token_is_refused(client, db, login_as, s):
    login_as(s.members[0])
    assert client.post(f"/board/decisions/{s.record.id}/confirm", csrf=False).status_code == 400
    db.session.expire_all()
    assert db.session.get(DecisionRecord, s.record.id).confirmations == []


def test_the_record_page_prints_cleanly(client, db, login_as, s):
    login_as(s.members[0])
    page = client.get(f"/board/decisions/{s.record.id}").get_data(as_text=True)
    assert 'media="print"' in page and 'class="print-only"' in page and 'class="no-print"' in page
    main = page[page.index("<main"):page.index("</main>")]  # the record itself: no script or inline style
    assert "style=" not in main and "<script" not in main


def test_confirming_is_checked_first_and_says_whether_it_publishes(client, db, login_as, s):
    login_as(s.members[0])
    page = client.get(f"/board/decisions/{s.record.id}/confirm/check").get_data(as_text=True)
    rows = dict(summary_rows(page))
    assert rows["Confirmations so far"] == "0 of 2" and page.count("<h1") == 1
    assert rows["What will happen"].startswith("Your confirmation is recorded and cannot be withdrawn.")
    assert "Meeting date" in rows and "Members present" in rows  # the record itself, below
    db.session.expire_all()
    assert db.session.get(DecisionRecord, s.record.id).confirmations == []  # nothing until the POST
    client.post(f"/board/decisions/{s.record.id}/confirm")
    login_as(s.members[1])
    last = dict(summary_rows(client.get(f"/board/decisions/{s.record.id}/confirm/check").get_data(as_text=True)))
    assert last["What will happen"].startswith("Yours is the last confirmation needed.")


@pytest.mark.parametrize(("typed", "message", "first_box"), [
    (meeting("31", "2", "2026"), "Meeting date must be a real date", "day"),
    (meeting("30", "11", "twenty"), "Meeting date must be a real date", "year"),
    (meeting("30", "", "2026"), "Meeting date must include a month", "month"),
    (meeting("", "", ""), "Enter the meeting date", "day"),
])
def test_a_bad_meeting_date_is_shown_beside_its_boxes_and_changes_nothing(client, db, login_as, s, typed, message,
                                                                        first_box):
    login_as(s.members[0])
    before = db.session.query(AuditEntry).count()
    response = client.post(f"/board/rounds/{s.round.id}/decision", data=form_for(s, **typed))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    summary, form = page.split("<main", 1)[1].split("<form", 1)
    assert message in summary and f'href="#meeting_date-{first_box}"' in summary  # the summary goes to the box
    assert message in form.split("Quorum")[0]  # and the message is beside the date, above the next field
    assert db.session.query(AuditEntry).count() == before
    db.session.expire_all()
    assert db.session.get(DecisionRecord, s.record.id).meeting_date.isoformat() == "2026-11-30"


def test_a_draft_shows_its_meeting_date_in_three_boxes_and_welsh_errors_are_welsh(client, db, login_as, s):
    login_as(s.members[0])
    page = client.get(f"/board/rounds/{s.round.id}/decision").get_data(as_text=True)
    for part, value in (("day", "30"), ("month", "11"), ("year", "2026")):
        assert re.search(rf'name="meeting_date-{part}"[^>]*value="{value}"', page)
    client.get("/language/cy")
    welsh = client.post(f"/board/rounds/{s.round.id}/decision",
                        data=form_for(s, **meeting("31", "2", "2026"))).get_data(as_text=True)
    assert "Meeting date must be a real date" not in welsh and "must be a real date" not in welsh


def test_texts_too_long_to_keep_are_refused_with_what_was_typed_never_cut(client, db, login_as, s):
    login_as(s.members[0])
    notes, reason, nature = "N" * 5001, "R" * 2001, "I" * 501
    response = client.post(f"/board/rounds/{s.round.id}/decision", data=form_for(
        s, notes=notes, **{f"reason-{s.lights.id}": reason, "decl-0-member": str(s.members[2].id),
                           "decl-0-proposal": str(s.garden.id), "decl-0-nature": nature}))

    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem" in page
    assert "The notes must be 5000 characters or fewer." in page and 'href="#notes"' in page
    assert "Lights: The reason must be 2000 characters or fewer." in page and f'href="#reason-{s.lights.id}"' in page
    assert "The nature of the interest must be 500 characters or fewer." in page and 'href="#decl-0-nature"' in page
    assert notes in page and reason in page and nature in page  # all that was typed comes back
    assert 'aria-describedby="notes-error"' in page and 'aria-describedby="decl-0-nature-error"' in page
    db.session.expire_all()
    assert db.session.get(DecisionRecord, s.record.id).notes != notes[:5000]


def test_texts_at_the_limit_are_kept_whole(client, db, login_as, s):
    login_as(s.members[0])
    response = client.post(f"/board/rounds/{s.round.id}/decision", data=form_for(
        s, notes="N" * 5000, **{f"reason-{s.lights.id}": "R" * 2000}))

    assert response.status_code == 302
    db.session.expire_all()
    record_ = db.session.scalars(db.select(DecisionRecord).order_by(DecisionRecord.id.desc())).first()
    assert record_.notes == "N" * 5000
    assert {i.proposal_id: i.reason for i in record_.items}[s.lights.id] == "R" * 2000
