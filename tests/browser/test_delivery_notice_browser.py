"""Past publication in real Chromium: an officer posts a delivery update with a photo; a resident who voted in the
project's pot and opted in to delivery updates gets the e-mail (`flask notify due`, then `flask mail send` to the
SMTP capture), opens its link and sees the project's status and the update."""

import re

import pytest

from app.domain.notifications import DELIVERY_UPDATES
from app.extensions import db
from app.models import Letter, Participation
from app.services import notifications
from tests.browser.conftest import assert_accessible, published_scenario, record_step, sign_in
from tests.factories import make_user
from tests.support.photos import jpeg_with_gps

pytestmark = pytest.mark.browser
RESIDENT = "rosa@example.org"  # a resident who voted in the project's pot and opted in to delivery updates


@pytest.fixture(scope="module")
def funded(live):
    def also(s):
        resident = make_user(ward=s.ward, email=RESIDENT, name="Rosa Resident")
        db.session.add(Participation(user_id=resident.id, pot_id=s.pot.id, ward_id=s.ward.id))
        notifications.set_kinds(db.session, resident, [DELIVERY_UPDATES])
        make_user(role="officer", ward=s.ward, email="urdu.officer@example.org", locale="ur")
        db.session.add(Letter(kind=DELIVERY_UPDATES, locale="cy", name="Dafydd Jones", address="1 High Street",
                              postcode="FL1 1AA", subject="Newyddion prosiect: Garden",
                              body="Helo Dafydd Jones,\n\nhttp://127.0.0.1/auth/unsubscribe/" + "x" * 140))

    return published_scenario(live, lambda s: {"garden": s.garden.id, "officer": s.officer.email,
                                               "resident": RESIDENT}, also)


def test_an_update_with_a_photo_reaches_the_opted_in_resident_who_sees_the_status(live, new_page, funded,
                                                                                   mail_server, tmp_path):
    photo = tmp_path / "IMG_0002.jpg"
    photo.write_bytes(jpeg_with_gps(size=(800, 600)))
    officer = new_page()
    sign_in(officer, live, funded["officer"])
    officer.goto(f"{live.url}/delivery/projects/{funded['garden']}/manage")
    officer.get_by_label("Status", exact=True).select_option(label="On track")
    with officer.expect_navigation():
        officer.get_by_role("button", name="Save delivery record").click()
    assert "Delivery record saved." in officer.inner_text("main")
    officer.goto(f"{live.url}/delivery/projects/{funded['garden']}")
    officer.get_by_label("Update", exact=True).fill("The raised beds are built and planted.")
    officer.get_by_label("Photo (optional)").set_input_files(str(photo))
    officer.get_by_label("Describe the photo (needed if you add one)").fill("Raised beds full of seedlings")
    with officer.expect_navigation():
        officer.get_by_role("button", name="Publish update").click()
    assert "Update published." in officer.inner_text("main")

    mail_server.clear()
    assert "queued 1" in live.flask("notify", "due")
    live.send_mail()
    mail = mail_server.wait_for(lambda m: m["To"] == funded["resident"])
    assert mail["Subject"] == "Project update: Garden"
    body = mail.get_content()
    assert "The raised beds are built and planted." in body and "Status: On track" in body
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.search(r"http://\S+/delivery/projects/\d+", body).group(0)

    resident = new_page()
    resident.goto(link)
    record_step(resident, "the project page the e-mail links to")
    main = resident.get_by_role("main")
    assert resident.get_by_role("heading", level=1).inner_text().strip().endswith("Garden")
    assert "On track" in main.inner_text()
    assert "The raised beds are built and planted." in main.inner_text()
    assert resident.get_by_role("img", name="Raised beds full of seedlings").count() == 1
    assert_accessible(resident, "project page from the e-mail")


def test_the_letters_to_post_read_right_to_left_and_reflow_at_320_px(live, new_page, funded):
    page = new_page(width=320, height=640)
    sign_in(page, live, "urdu.officer@example.org")
    page.goto(f"{live.url}/officer/letters")
    record_step(page, "letters to post, Urdu, 320 px")
    assert page.locator("html").get_attribute("dir") == "rtl"
    letter = page.get_by_role("main").locator("div[lang=cy]")
    assert "Helo Dafydd Jones" in letter.inner_text() and letter.get_attribute("dir") == "auto"
    assert_accessible(page, "letters to post at 320 px (ur)")
