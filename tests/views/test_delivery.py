"""Delivery pages: officers keep each award's record, the proposer posts only when allowed, photos are
cleaned and served safely, and the public sees a project's timeline, an area's "You said, we did", the
board report and the open data."""

import csv
import io
import json
import os
import re
from datetime import date

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app.models import AuditEntry, DeliveryPhoto
from app.services import delivery
from tests.factories import make_user
from tests.support import page_text
from tests.support.photos import GPS_IFD, HTML_PRETENDING, jpeg_with_gps
from tests.support.results_scenarios import Scenario


@pytest.fixture
def s(db):
    scenario = Scenario(phase="published")
    db.session.commit()
    return scenario


def text(response):
    return response.get_data(as_text=True)


def target(day, month, year):
    """The delivery's target date as typed into its three boxes."""
    return {"target_date-day": str(day), "target_date-month": str(month), "target_date-year": str(year)}


def due(day, month, year):
    """A milestone's date as typed into its three boxes."""
    return {"due_date-day": str(day), "due_date-month": str(month), "due_date-year": str(year)}


@pytest.mark.parametrize(("typed", "message", "first_box"), [
    (target(31, 2, 2027), "Target date must be a real date", "day"),
    (target("1", "June", 2027), "Target date must be a real date", "month"),
    (target(1, "", 2027), "Target date must include a month", "month"),
    (target(1, 6, 27), "Year must include 4 numbers", "year"),
])
def test_a_bad_target_date_is_explained_beside_its_boxes_and_changes_nothing(client, db, login_as, s, typed,
                                                                           message, first_box):
    login_as(s.officer)
    response = client.post(f"/delivery/projects/{s.garden.id}/manage",
                           data={"status": "at_risk", **typed, "spent": "2,500"})
    page = text(response)
    assert response.status_code == 400
    summary, form = page.split("<main", 1)[1].split("<form", 1)
    assert message in summary and f'href="#target_date-{first_box}"' in summary
    assert message in form.split("Money spent")[0]  # beside the boxes, before the next field
    assert db.session.query(AuditEntry).filter_by(action="delivery.change").count() == 0


@pytest.mark.parametrize(("typed", "message", "first_box"), [
    (due(30, 2, 2027), "Milestone date must be a real date", "day"),
    (due("", 2, 2027), "Milestone date must include a day", "day"),
    (due("first", 2, 2027), "Milestone date must be a real date", "day"),
])
def test_a_bad_milestone_date_is_explained_and_adds_nothing(client, db, login_as, s, typed, message, first_box):
    login_as(s.officer)
    response = client.post(f"/delivery/projects/{s.garden.id}/milestones", data={"title": "Beds dug", **typed})
    page = text(response)
    assert response.status_code == 400 and message in page and f'href="#due_date-{first_box}"' in page
    assert 'value="Beds dug"' in page  # the title comes back as typed
    assert db.session.query(AuditEntry).filter_by(action="delivery.milestone").count() == 0
    assert "Beds dug" not in text(client.get(f"/delivery/projects/{s.garden.id}"))


@pytest.mark.parametrize(("who", "expected"), [("anonymous", 302), ("resident", 403), ("board", 403),
                                               ("officer", 200)])
def test_only_officers_see_the_dashboard_and_manage_pages(client, db, login_as, s, who, expected):
    user = {"anonymous": None, "resident": make_user(), "board": s.members[0], "officer": s.officer}[who]
    db.session.commit()
    if user is not None:
        login_as(user)
    for url in ("/delivery/", f"/delivery/projects/{s.garden.id}/manage"):
        assert client.get(url).status_code == expected, url


def test_an_officer_sets_status_and_money_and_the_dashboard_lists_what_is_at_risk(client, db, login_as, s):
    login_as(s.officer)
    response = client.post(f"/delivery/projects/{s.garden.id}/manage",
                           data={"status": "at_risk", **target(31, 3, 2027), "spent": "2,500"})
    assert response.status_code == 302
    for part, value in (("day", "31"), ("month", "3"), ("year", "2027")):  # the saved date, back in its boxes
        assert re.search(rf'name="target_date-{part}"[^>]*value="{value}"',
                         text(client.get(f"/delivery/projects/{s.garden.id}/manage")))
    page = text(client.get("/delivery/"))
    at_risk = page.split("All awards")[0]
    assert "Garden" in at_risk and "At risk" in at_risk and "Bench" not in at_risk
    assert db.session.query(AuditEntry).filter_by(action="delivery.change").count() == 1


def test_spending_more_than_the_award_shows_an_error_summary_linked_to_the_field(client, db, login_as, s):
    login_as(s.officer)
    response = client.post(f"/delivery/projects/{s.bench.id}/manage",
                           data={"status": "on_track", "spent": "1600"})
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page and 'href="#spent"' in page
    assert "Money spent cannot be more than the award of £1,500." in page


def test_a_milestone_is_added_and_shown_on_the_public_timeline(client, db, login_as, s):
    login_as(s.officer)
    assert client.post(f"/delivery/projects/{s.garden.id}/milestones",
                       data={"title": "Beds dug", **due(1, 2, 2027)}).status_code == 302
    refused = client.post(f"/delivery/projects/{s.garden.id}/milestones", data={"title": "", **due("", "", "")})
    assert refused.status_code == 400 and "Enter the milestone" in text(refused)
    client.get("/")  # any page: the flash is used up
    with client.session_transaction() as sess:
        sess.clear()
    assert "Beds dug" in text(client.get(f"/delivery/projects/{s.garden.id}"))


def test_an_officer_posts_an_update_with_a_photo_whose_gps_is_gone(client, db, login_as, s):
    login_as(s.officer)
    response = client.post(f"/delivery/projects/{s.garden.id}/updates", content_type="multipart/form-data",
                           data={"body": "The beds are planted.", "photo_alt": "Volunteers planting",
                                 "photo": (io.BytesIO(jpeg_with_gps()), "IMG_0001.JPG")})
    assert response.status_code == 302
    page = text(client.get(f"/delivery/projects/{s.garden.id}"))
    assert "The beds are planted." in page and 'alt="Volunteers planting"' in page
    photo = db.session.query(DeliveryPhoto).one()
    served = client.get(f"/delivery/photos/{photo.id}")
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"] == f'inline; filename="volunteers-planting-{photo.id}.jpg"'
    assert "max-age" in served.headers["Cache-Control"]
    with Image.open(io.BytesIO(served.data)) as image:
        assert not image.getexif() and not image.getexif().get_ifd(GPS_IFD)
        assert max(image.size) <= 1600


def test_a_phone_sized_photo_over_the_form_limit_is_taken(client, db, login_as, s):
    """A photo of a few MB (as phones take) is over the 1 MB body limit for forms, but within the upload limit."""
    noisy = io.BytesIO()
    Image.frombytes("RGB", (1500, 1500), os.urandom(1500 * 1500 * 3)).save(noisy, format="PNG")
    assert noisy.tell() > 2 * 1024 * 1024
    login_as(s.officer)
    # Encoded in memory: the test client would spool a body this big to a temporary file it never closes.
    boundary, body = encode_multipart(MultiDict({
        "csrf_token": client.csrf_token(), "body": "Before and after.", "photo_alt": "The finished beds",
        "photo": FileStorage(io.BytesIO(noisy.getvalue()), "IMG_0002.PNG", content_type="image/png")}))
    response = client.post(f"/delivery/projects/{s.garden.id}/updates", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 302
    assert db.session.query(DeliveryPhoto).count() == 1


def test_a_web_page_renamed_jpg_is_refused_with_a_clear_message(client, db, login_as, s):
    login_as(s.officer)
    response = client.post(f"/delivery/projects/{s.garden.id}/updates", content_type="multipart/form-data",
                           data={"body": "Look", "photo_alt": "A photo",
                                 "photo": (io.BytesIO(HTML_PRETENDING), "garden.jpg")})
    assert response.status_code == 400
    assert "The file is not a photo. Choose a JPEG, PNG, WebP or GIF image." in text(response)
    assert 'href="#photo"' in text(response)
    assert db.session.query(DeliveryPhoto).count() == 0


def test_the_proposer_sees_the_update_form_only_when_the_officer_allows_it(client, db, login_as, s):
    proposer = s.garden.author
    login_as(proposer)
    url = f"/delivery/projects/{s.garden.id}"
    assert "Post an update" not in text(client.get(url))
    assert client.post(f"{url}/updates", data={"body": "We started"}).status_code == 403
    award = delivery.award_for(db.session, s.garden.id)
    delivery.change(db.session, s.officer, award, status="on_track", target_date=None, spent_pence=0,
                    proposer_may_update=True)
    db.session.commit()
    assert "Post an update" in text(client.get(url))
    assert "Post an update" in text(client.get(f"/proposals/{s.garden.id}"))  # the proposal's own page links to it
    assert client.post(f"{url}/updates", data={"body": "We started"}).status_code == 302
    assert "from the project group" in text(client.get(url))
    login_as(make_user())
    db.session.commit()
    assert "Post an update" not in text(client.get(url))
    assert client.post(f"{url}/updates", data={"body": "Not mine"}).status_code == 403


def test_you_said_we_did_and_the_board_report_show_every_award_with_words_and_lights(client, db, s):
    award = delivery.award_for(db.session, s.garden.id)
    delivery.change(db.session, s.officer, award, status="delayed", target_date=date(2027, 6, 1),
                    spent_pence=1_000_00, proposer_may_update=False)
    db.session.commit()
    page = text(client.get(f"/delivery/areas/{s.area.id}"))
    assert "You said, we did: Bedwell" in page and "Garden" in page and "Bench" in page and "Lights" not in page
    assert {"Delayed", "Not started", "Red: delayed or late"} <= set(page_text.tags(page))
    assert "Red: delayed or late" in page
    report = client.get(f"/delivery/areas/{s.area.id}/report")
    assert report.status_code == 200 and "Delivery report: Bedwell" in text(report)
    stylesheet = client.get("/static/css/delivery.css")
    assert "@media print" in text(stylesheet)  # the report prints without the site's navigation
    stylesheet.close()
    assert client.get("/delivery/areas/999999").status_code == 404


def test_results_and_proposal_pages_show_delivery_status(client, db, s):
    results = text(client.get(f"/results/rounds/{s.round.id}"))
    assert "Delivery of the awards" in results and "Not started" in results
    assert "Follow the delivery of this project" in text(client.get(f"/proposals/{s.garden.id}"))
    assert "Follow the delivery" not in text(client.get(f"/proposals/{s.lights.id}"))


def test_open_data_of_a_round_includes_delivery(client, db, s):
    award = delivery.award_for(db.session, s.garden.id)
    delivery.change(db.session, s.officer, award, status="on_track", target_date=date(2027, 6, 1),
                    spent_pence=1_234_56, proposer_may_update=False)
    db.session.commit()
    data = json.loads(client.get(f"/delivery/rounds/{s.round.id}/delivery.json").data)
    garden = next(a for a in data["awards"] if a["proposal_id"] == s.garden.id)
    assert (garden["status"], garden["spent_pence"], garden["award_pence"], garden["target_date"]) == (
        "on_track", 1_234_56, 6_000_00, "2027-06-01")
    rows = list(csv.DictReader(io.StringIO(text(client.get(f"/delivery/rounds/{s.round.id}/delivery.csv")))))
    assert {r["project"]: r["status"] for r in rows} == {"Garden": "on_track", "Bench": "not_started"}


def test_nothing_of_an_unpublished_round_is_shown(client, db):
    s = Scenario(phase="decision")
    db.session.commit()
    assert client.get(f"/delivery/projects/{s.garden.id}").status_code == 404
    assert client.get(f"/delivery/rounds/{s.round.id}/delivery.json").status_code == 404
