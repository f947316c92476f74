"""The postcode -> ward lookup in our simple layout (ward names and Neighbourhood Board areas in the file) and the
admin's areas: what a council sees after an import, and what an area change audits."""

import pytest

from app.models import Area, AuditEntry, Postcode, Ward
from app.services import geography
from tests.factories import make_council, make_user

HEADER = ["postcode", "ward_code", "ward_name", "area"]


def _ward(db, code):
    return db.session.query(Ward).filter_by(code=code).one()


def test_an_import_creates_the_wards_and_areas_it_names_and_puts_each_ward_in_its_area(db):
    council = make_council()
    counts = geography.import_postcodes(db.session, council, [
        HEADER, ["fl1 1aa", "E05000001", "Chells", "Chells & Manor"], ["FL1 1AB", "E05000001", "Chells", ""],
        ["FL2 2AA", "E05000002", "Manor", "Chells & Manor"], ["FL3 3AA", "E05000003", "", ""]])
    assert (counts["rows"], counts["postcodes_added"], counts["wards_created"]) == (4, 4, 3)
    assert db.session.get(Postcode, "FL1 1AA").ward.name == "Chells"
    chells, manor = _ward(db, "E05000001"), _ward(db, "E05000002")
    assert chells.area is manor.area and chells.area.name == "Chells & Manor"
    assert chells.area.slug == "chells-manor"
    assert _ward(db, "E05000003").name == "E05000003"  # unnamed: named by its code until an officer renames it


def test_a_later_file_renames_a_ward_and_moves_a_postcode_without_touching_the_rest(db):
    council = make_council()
    geography.import_postcodes(db.session, council, [HEADER, ["FL1 1AA", "E05000001", "Chells", ""],
                                                     ["FL1 1AB", "E05000001", "Chells", ""]])
    counts = geography.import_postcodes(db.session, council, [HEADER, ["FL1 1AA", "E05000002", "Manor", ""],
                                                              ["FL1 1AB", "E05000001", "Chells Old Town", ""]])
    assert (counts["postcodes_added"], counts["postcodes_moved"], counts["wards_created"]) == (0, 1, 1)
    assert db.session.get(Postcode, "FL1 1AA").ward.name == "Manor"
    assert _ward(db, "E05000001").name == "Chells Old Town"


def test_a_bad_row_anywhere_imports_nothing_and_says_where(db):
    council = make_council()
    with pytest.raises(geography.ImportRefused) as refused:
        geography.import_postcodes(db.session, council, [HEADER, ["FL1 1AA", "E05000001", "Chells", ""],
                                                         ["not a postcode", "E05000001", "Chells", ""]])
    assert [error.line for error in refused.value.errors] == [3]
    db.session.rollback()
    assert db.session.query(Postcode).count() == 0


def test_an_area_takes_wards_from_another_area_and_the_change_is_audited_once(db):
    council, admin = make_council(), make_user(role="admin")
    geography.import_postcodes(db.session, council, [HEADER, ["FL1 1AA", "E05000001", "Chells", "Old area"],
                                                     ["FL2 2AA", "E05000002", "Manor", "Old area"]])
    new = geography.create_area(db.session, admin, council, "  Bedwell  ")
    chells, manor = _ward(db, "E05000001"), _ward(db, "E05000002")
    geography.update_area(db.session, admin, new, "Bedwell", [chells.id])
    geography.update_area(db.session, admin, new, "Bedwell", [chells.id])  # no change: nothing to audit
    assert (new.name, [w.code for w in new.wards]) == ("Bedwell", ["E05000001"])
    assert manor.area.name == "Old area"
    entries = db.session.query(AuditEntry).order_by(AuditEntry.id).all()
    assert [e.action for e in entries] == ["area.create", "area.update"]
    assert entries[1].details["wards_added"] == ["E05000001"] and entries[1].details["wards_removed"] == []


def test_two_areas_of_the_same_name_get_different_addresses(db):
    council, admin = make_council(), make_user(role="admin")
    first = geography.create_area(db.session, admin, council, "Old Town")
    second = geography.create_area(db.session, admin, council, "Old Town")
    assert (first.slug, second.slug) == ("old-town", "old-town-2")
    assert db.session.query(Area).filter_by(name="Old Town").count() == 2
