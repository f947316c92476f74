"""Delivery in real Chromium: an officer posts an update with a photo, the project's page shows it, and the
project, "You said, we did" and board report pages pass axe and reflow at 320 px in English and Urdu."""

import pytest

from tests.browser.conftest import assert_accessible, fill_date, published_scenario, record_step, sign_in
from tests.support.photos import jpeg_with_gps

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def funded(live):
    return published_scenario(live, lambda s: {"garden": s.garden.id, "area": s.area.id, "officer": s.officer.email})


def test_an_officer_posts_an_update_with_a_photo_and_the_project_page_shows_it(live, new_page, funded, tmp_path):
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(jpeg_with_gps(size=(1200, 900)))
    page = new_page()
    sign_in(page, live, funded["officer"])
    page.goto(f"{live.url}/delivery/projects/{funded['garden']}/manage")
    page.select_option("#status", "on_track")
    fill_date(page, "Target date (optional)", 31, 3, 2027)
    page.fill("#spent", "1250")
    with page.expect_navigation():
        page.click("text=Save delivery record")
    assert "Delivery record saved." in page.inner_text("main")
    page.goto(f"{live.url}/delivery/projects/{funded['garden']}")
    page.fill("#body", "The raised beds are built.")
    page.set_input_files("#photo", str(photo))
    page.fill("#photo_alt", "Two raised wooden beds on the green")
    with page.expect_navigation():
        page.click("text=Publish update")
    record_step(page, "project page after the update")
    assert "The raised beds are built." in page.inner_text("main")
    image = page.locator("img[alt='Two raised wooden beds on the green']")
    assert image.count() == 1
    assert page.evaluate("img => img.complete && img.naturalWidth", image.element_handle()) == 1200
    assert_accessible(page, "project page with an update")


@pytest.mark.parametrize("locale", ["en", "ur"])
def test_delivery_pages_are_accessible_and_reflow_at_320_px(live, new_page, funded, locale):
    page = new_page(locale=locale, width=320, height=640)
    for path in (f"/delivery/projects/{funded['garden']}", f"/delivery/areas/{funded['area']}",
                 f"/delivery/areas/{funded['area']}/report"):
        page.goto(live.url + path)
        record_step(page, f"{path} ({locale})")
        assert_accessible(page, f"{path} at 320 px ({locale})")
