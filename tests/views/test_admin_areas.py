"""Admins group the imported wards into Neighbourhood Board areas and keep the council's contact details;
each change is audited and shown where residents see it."""

from app.models import Area, AuditEntry, Council, Ward
from tests.factories import make_area, make_council, make_user, make_ward


def test_admin_adds_an_area_and_moves_wards_into_it(client, db, login_as):
    login_as(make_user(role="admin"))
    council = make_council()
    old_area = make_area(name="Old Town", council=council)
    chells = make_ward(name="Chells", code="E05009001", area=old_area)
    manor = Ward(council_id=council.id, name="Manor", code="E05009002")  # as the ONSPD import leaves it: no area
    db.session.add(manor)
    db.session.flush()
    db.session.commit()
    assert "Wards not in an area" in client.get("/admin/areas").get_data(as_text=True)

    added = client.post("/admin/areas", data={"name": "Chells & Manor"})
    area = db.session.query(Area).filter_by(name="Chells & Manor").one()
    assert added.status_code == 302 and added.location.endswith(f"/admin/areas/{area.id}")
    page = client.get(f"/admin/areas/{area.id}").get_data(as_text=True)
    assert "Chells (E05009001), now in Old Town" in page
    saved = client.post(f"/admin/areas/{area.id}", data={"name": "Chells & Manor", "wards": [chells.id, manor.id]})

    assert saved.status_code == 302
    assert {w.name for w in db.session.get(Area, area.id).wards} == {"Chells", "Manor"}
    assert db.session.get(Area, old_area.id).wards == []
    entry = db.session.query(AuditEntry).filter_by(action="area.update").one()
    assert entry.details["wards_added"] == ["E05009001", "E05009002"] and entry.details["wards_removed"] == []
    assert db.session.query(AuditEntry).filter_by(action="area.create").count() == 1


def test_an_area_needs_a_name_and_known_wards(client, db, login_as):
    login_as(make_user(role="admin"))
    area = make_area(name="Bedwell")

    db.session.commit()
    nameless = client.post("/admin/areas", data={"name": " "})
    unknown = client.post(f"/admin/areas/{area.id}", data={"name": "Bedwell", "wards": ["999999"]})

    assert nameless.status_code == 400 and "Enter the area" in nameless.get_data(as_text=True)
    assert unknown.status_code == 400 and "error-summary" in unknown.get_data(as_text=True)
    assert db.session.query(AuditEntry).count() == 0


def test_admin_changes_the_council_contact_details_shown_on_every_page(client, db, login_as):
    login_as(make_user(role="admin"))
    council = make_council()

    bad = client.post("/admin/council", data={"name": "Borough of Fernleigh", "email": "nope", "phone": "01632 960000",
                                              "public_url": "https://budgets.fernleigh.example"})
    good = client.post("/admin/council", data={"name": "Borough of Fernleigh", "email": "Grants@Fernleigh.example",
                                               "phone": "01632 960000", "public_url": "https://budgets.fernleigh.example/"})

    assert bad.status_code == 400 and "right format" in bad.get_data(as_text=True)
    assert good.status_code == 302
    saved = db.session.get(Council, council.id)
    assert (saved.contact_email, saved.public_url) == ("grants@fernleigh.example", "https://budgets.fernleigh.example")
    assert 'href="mailto:grants@fernleigh.example"' in client.get("/").get_data(as_text=True)
    entry = db.session.query(AuditEntry).filter_by(action="council.update").one()
    assert entry.details == {"contact_email": "grants@fernleigh.example", "contact_phone": "01632 960000",
                             "public_url": "https://budgets.fernleigh.example"}


def test_area_and_council_pages_are_for_admins_only(client, db, login_as):
    area = make_area()
    login_as(make_user(role="officer"))
    before = db.session.query(Area).count()
    for path in ("/admin/areas", f"/admin/areas/{area.id}", "/admin/council"):
        assert client.get(path).status_code == 403
    assert client.post("/admin/areas", data={"name": "Sneaky"}).status_code == 403
    assert db.session.query(Area).count() == before


def test_the_councils_own_privacy_notice_is_shown_in_the_readers_language_or_english(client, db, login_as):
    login_as(make_user(role="admin"))
    make_council()
    details = {"name": "Borough of Fernleigh", "email": "grants@fernleigh.example", "phone": "01632 960000",
               "public_url": "https://budgets.fernleigh.example",
               "privacy_en": "Our data protection officer is Dana Lee.\r\n\r\nWrite to dpo@fernleigh.example.",
               "privacy_cy": "Ein swyddog diogelu data yw Dana Lee.", "accessibility_en": "Ask for large print."}
    assert 'lang="ur" dir="rtl"></textarea>' in client.get("/admin/council").get_data(as_text=True)

    assert client.post("/admin/council", data=details).status_code == 302

    visitor = client.application.test_client()
    welsh = visitor.get("/privacy", headers={"Accept-Language": "cy"}).get_data(as_text=True)
    polish = visitor.get("/privacy", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert '<div lang="cy" dir="ltr"' in welsh and "Ein swyddog diogelu data yw Dana Lee." in welsh
    assert '<div lang="en" dir="ltr"' in polish and ">Write to dpo@fernleigh.example.</p>" in polish
    assert "Ask for large print." in visitor.get("/accessibility").get_data(as_text=True)
    entry = db.session.query(AuditEntry).filter_by(action="council.update").one()
    assert entry.details["privacy_notice"] == ["cy", "en"] and entry.details["accessibility_statement"] == ["en"]
    form_again = client.get("/admin/council").get_data(as_text=True)
    assert "Ein swyddog diogelu data yw Dana Lee." in form_again and "Our data protection officer" in form_again
