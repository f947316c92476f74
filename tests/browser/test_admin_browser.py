"""The administrator's pages in a real browser: suspending a resident (with its error summary), correcting a
ward, filtering the audit log, areas and wards, the council's details, and the public area pages, with 0
axe-core violations, in English and in Urdu (RTL)."""

import pytest

from app.extensions import db
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import make_area, make_user, make_ward

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def people(live):
    app = live.app()
    with app.app_context():
        area = make_area(name="Chells & Manor")
        chells, manor = make_ward(name="Chells", area=area), make_ward(name="Manor", area=area)
        ids = {}
        for lang in ("en", "ur"):
            make_user(role="admin", email=f"admin-{lang}@example.org", ward=chells, locale=lang)
            ids[lang] = make_user(email=f"resident-{lang}@example.org", name=f"Rachel {lang}", ward=chells).id
        area.council.contact_email, area.council.contact_phone = "grants@fernleigh.example", "01632 960000"
        board = make_user(name="Cllr Bina Shah", role="board", area=area, ward=chells)
        board.roles[0].board_role = "chair"
        db.session.commit()
        manor_id, area_id = manor.id, area.id
        db.session.remove()
    return {"residents": ids, "manor": manor_id, "area": area_id}


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_admin_suspends_corrects_a_ward_and_reads_the_audit_log_accessibly(live, new_page, people, lang):
    page = new_page()
    sign_in(page, live, f"admin-{lang}@example.org")
    resident = people["residents"][lang]

    page.goto(f"{live.url}/admin/users/{resident}")
    assert_accessible(page, f"{lang} account page")

    with page.expect_navigation():
        page.click("form[action$='/suspend'] button[type=submit]")
    assert page.locator("[data-error-summary]").count() == 1
    assert_accessible(page, f"{lang} suspend without a reason")

    page.fill("#suspend-reason", "Duplicate account")
    with page.expect_navigation():
        page.click("form[action$='/suspend'] button[type=submit]")
    assert page.locator("form[action$='/reactivate']").count() == 1

    page.select_option("#ward-ward", str(people["manor"]))
    page.fill("#ward-reason", "Council tax bill seen")
    with page.expect_navigation():
        page.click("form[action$='/ward'] button[type=submit]")
    assert_accessible(page, f"{lang} after the ward correction")

    page.goto(f"{live.url}/admin/audit?actor=admin-{lang}")
    assert page.locator("tbody tr").count() == 2
    assert_accessible(page, f"{lang} audit log")
    page.goto(f"{live.url}/admin/audit?date_from=2026-12-01&date_to=2026-11-01")
    assert page.locator("[data-error-summary]").count() == 1
    assert_accessible(page, f"{lang} audit log with a bad date range")


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_areas_council_details_and_public_area_pages_are_accessible(live, new_page, people, lang):
    page = new_page()
    sign_in(page, live, f"admin-{lang}@example.org")
    for path in ("/admin/areas", f"/admin/areas/{people['area']}", "/admin/council"):
        page.goto(live.url + path)
        assert_accessible(page, f"{lang} {path}")
    page.fill("#email", "not an address")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("[data-error-summary]").count() == 1
    assert_accessible(page, f"{lang} council details with an error")

    visitor = new_page(locale=lang)
    for path in ("/areas/", f"/areas/{people['area']}"):
        visitor.goto(live.url + path)
        assert_accessible(visitor, f"{lang} visitor {path}")
    assert visitor.locator("dd", has_text="Cllr Bina Shah").count() == 1
