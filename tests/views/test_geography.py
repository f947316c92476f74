"""Officers import the postcode -> ward lookup from CSV: all rows or none, errors with line numbers."""

import io

import pytest

from app.models import AuditEntry, Postcode, Ward
from tests.factories import make_council, make_user

ONS = "pcd,pcds,doterm,wd24cd,wd24nm\nFL12AB,FL1 2AB,,E05000001,Chells\nFL12AC,FL1 2AC,,E05000002,Manor\n"


def _upload(client, text, name="postcodes.csv"):
    return client.post("/officer/geography", data={"file": (io.BytesIO(text.encode()), name)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize(("role", "status"), [(None, 302), ("resident", 403), ("board", 403), ("officer", 200)])
def test_geography_page_is_for_officers(client, db, login_as, role, status):
    if role:
        login_as(make_user(role=role))
    assert client.get("/officer/geography").status_code == status


def test_imports_ons_postcode_directory(client, db, login_as):
    make_council()
    login_as(make_user(role="officer"))
    response = _upload(client, ONS)
    assert response.status_code == 302
    assert db.session.get(Postcode, "FL1 2AB").ward.name == "Chells"
    assert db.session.query(Ward).filter_by(code="E05000002").one().name == "Manor"
    assert db.session.query(AuditEntry).filter_by(action="geography.import").count() == 1


def test_a_file_with_bad_rows_imports_nothing_and_lists_them(client, db, login_as):
    make_council()
    login_as(make_user(role="officer"))
    before = db.session.query(Postcode).count()
    response = _upload(client, ONS + "nonsense,nonsense,,E05000001,Chells\n")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was imported" in html and "not a UK postcode" in html and ">4<" in html
    assert db.session.query(Postcode).count() == before


def test_unreadable_header_is_explained(client, db, login_as):
    make_council()
    login_as(make_user(role="officer"))
    response = _upload(client, "a,b\n1,2\n")
    assert response.status_code == 400 and "must name a postcode column" in response.get_data(as_text=True)


def test_cli_import_shows_progress(app, db, tmp_path):
    make_council()
    db.session.commit()
    rows = ["postcode,ward_code,ward_name"] + [f"FL{n // 26 % 9 + 1} {n % 9}{chr(65 + n % 26)}{chr(65 + n // 234 % 26)},E05000009,Big Ward"
                                              for n in range(2000)]
    path = tmp_path / "big.csv"
    path.write_text("\n".join(rows) + "\n")
    result = app.test_cli_runner().invoke(args=["geography", "import-postcodes", str(path)])
    assert result.exit_code == 0, result.output
    assert "read 2,000 of 2,000 rows (100%)" in result.output and "Imported 2,000 postcodes" in result.output
    assert db.session.query(Postcode).count() == len({r.split(",")[0] for r in rows[1:]})


def test_upload_accepts_an_onspd_extract_for_wards_already_defined(client, db, login_as):
    from tests.factories import make_area, make_ward
    from tests.services.test_onspd_import import ONSPD_COLUMNS, OURS, TEMPLATE

    council = make_council()
    chells = make_ward(name="Chells", code="E05009000", area=make_area(council=council))
    login_as(make_user(role="officer"))
    rows = [TEMPLATE.format(pcd="", pcd2="", pcds=pcds, doterm=doterm, oslaua=OURS, osward=ward)
            for pcds, doterm, ward in (("FL7 1AA", "", "E05009000"), ("FL7 1AB", "201901", "E05009000"),
                                       ("ZZ9 9ZZ", "", "E05099999"))]

    response = _upload(client, "\n".join([",".join(ONSPD_COLUMNS), *rows]) + "\n")

    assert response.status_code == 302
    assert db.session.get(Postcode, "FL7 1AA").ward_id == chells.id
    assert db.session.get(Postcode, "FL7 1AB") is None and db.session.get(Postcode, "ZZ9 9ZZ") is None
