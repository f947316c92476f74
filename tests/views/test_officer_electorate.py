"""Officers enter how many residents live in each ward, per age band (typed in or from CSV), with the
source and date that the published turnout shows beside its percentages."""

import io
import re
from datetime import date

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.models import AuditEntry, ElectorateFigure
from tests.factories import make_user, make_ward
from tests.support.page_text import table_rows


def _figures(db, ward):
    return {f.age_band: (f.residents, f.source, f.as_of) for f in db.session.query(ElectorateFigure).filter_by(ward_id=ward.id)}


def _as_of(day, month, year):
    """The date the figures describe, as typed into its three boxes."""
    return {"as_of-day": str(day), "as_of-month": str(month), "as_of-year": str(year)}


def _form(ward, **bands):
    data = {"ward": str(ward.id), "source": "Electoral register, December 2025", **_as_of(1, 12, 2025)}
    return data | {f"band_{band}": value for band, value in bands.items()}


@pytest.mark.parametrize(("role", "status"), [(None, 302), ("resident", 403), ("board", 403), ("translator", 403),
                                              ("officer", 200)])
def test_the_electorate_pages_are_for_officers(client, db, login_as, role, status):
    if role:
        login_as(make_user(role=role))
    assert client.get("/officer/electorate").status_code == status
    assert client.get("/officer/electorate/import").status_code == status


def test_a_resident_cannot_change_the_figures(client, db, login_as):
    ward = make_ward()
    login_as(make_user(role="resident"))
    assert client.post("/officer/electorate", data=_form(ward, **{"18_24": "100"})).status_code == 403
    assert _figures(db, ward) == {}


def test_an_officer_enters_a_wards_figures_and_sees_them_listed(client, db, login_as):
    ward = make_ward(name="Chells")
    login_as(make_user(role="officer", ward=ward))
    response = client.post("/officer/electorate", data=_form(ward, **{"16_17": "120", "18_24": "1,450", "75_plus": "800"}))
    assert response.status_code == 302
    assert _figures(db, ward) == {"16-17": (120, "Electoral register, December 2025", date(2025, 12, 1)),
                                  "18-24": (1450, "Electoral register, December 2025", date(2025, 12, 1)),
                                  "75+": (800, "Electoral register, December 2025", date(2025, 12, 1))}
    assert db.session.query(AuditEntry).filter_by(action="electorate.save").count() == 1
    page = client.get("/officer/electorate").get_data(as_text=True)
    assert "Saved the figures for Chells." in page
    [row] = [row for row in table_rows(page) if row[0].startswith("Chells (E05")]
    assert row[1] == "2370" and row[2] == "Electoral register, December 2025 (figures for 1 December 2025)"
    # the form for one ward comes back filled in, to correct it; an emptied band is removed
    again = client.get(f"/officer/electorate?ward={ward.id}").get_data(as_text=True)
    assert re.search(r'<input[^>]*name="band_18_24"[^>]*value="1450"', again)
    client.post("/officer/electorate", data=_form(ward, **{"18_24": "1500"}))
    assert {band: n for band, (n, _, _) in _figures(db, ward).items()} == {"18-24": 1500}


def test_bad_figures_are_explained_in_an_error_summary_and_nothing_is_stored(client, db, login_as):
    ward = make_ward()
    login_as(make_user(role="officer", ward=ward))
    response = client.post("/officer/electorate", data=_form(ward, **{"18_24": "lots"}) | {"source": ""} | _as_of(31, 11, 2025))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "<title>Error:" in page
    start = page.index("There is a problem")
    summary = page[start:page.index("</ul>", start)]
    assert '<a href="#band_18_24">Enter a whole number of residents, like 1200, or leave it empty.</a>' in summary
    assert '<a href="#source">Enter where the figures come from.</a>' in summary
    assert '<a href="#as_of-day">Date the figures describe must be a real date</a>' in summary
    assert re.search(r'name="as_of-day"[^>]*value="31"', page)  # kept as typed
    empty = client.post("/officer/electorate", data=_form(ward)).get_data(as_text=True)
    assert "Enter the number of residents in at least one age band." in empty
    assert _figures(db, ward) == {}


def test_the_form_needs_a_csrf_token(client, db, login_as):
    ward = make_ward()
    login_as(make_user(role="officer", ward=ward))
    assert client.post("/officer/electorate", data=_form(ward, **{"18_24": "100"}), csrf=False).status_code == 400
    assert _figures(db, ward) == {}


def test_the_page_reads_in_welsh(client, db, login_as):
    login_as(make_user(role="officer", locale="cy"))
    client.post("/language", data={"locale": "cy", "next": "/"})
    page = client.get("/officer/electorate").get_data(as_text=True)
    assert '<html lang="cy"' in page and "Residents per ward" not in page


def _upload(client, text, source="ONS mid-2024 estimates", as_of=(30, 6, 2024)):
    return client.post("/officer/electorate/import", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(text.encode()), "electorate.csv"), "source": source,
                             **_as_of(*as_of)})


def test_a_csv_file_imports_every_figure_or_none(client, db, login_as):
    north, south = make_ward(code="E05000101"), make_ward(code="E05000102")
    login_as(make_user(role="officer", ward=north))
    bad = _upload(client, "ward_code,age_band,residents\nE05000101,18-24,900\nE05999999,18-24,5\nE05000102,teens,5\n")
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "2 rows have problems. Nothing was imported." in page
    assert "no ward has this code" in page and "not one of the age bands" in page
    assert _figures(db, north) == {}
    good = _upload(client, "ward_code,age_band,residents\nE05000101,18-24,900\ne05000102,25-34,\"1,100\"\n")
    assert good.status_code == 302
    assert _figures(db, north) == {"18-24": (900, "ONS mid-2024 estimates", date(2024, 6, 30))}
    assert _figures(db, south) == {"25-34": (1100, "ONS mid-2024 estimates", date(2024, 6, 30))}
    assert "Imported 2 figures for 2 wards." in client.get("/officer/electorate").get_data(as_text=True)
    assert db.session.query(AuditEntry).filter_by(action="electorate.import").count() == 1


def test_an_import_without_a_file_or_source_says_what_is_missing(client, db, login_as):
    login_as(make_user(role="officer"))
    response = client.post("/officer/electorate/import", data={"source": "", **_as_of("", "", "")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in ("Choose a CSV file to upload.", "Enter where the figures come from.",
                    "Enter the date the figures describe."):
        assert f'">{message}</a>' in page


@pytest.mark.parametrize("data", [b"ward_code,age_band,residents\nE05000101,18-24,9\xff\n",
                                  b"ward_code,age_band,residents\n\"" + b"x" * (200 * 1024) + b"\",18-24,9\n"],
                         ids=["not UTF-8", "not CSV"])
def test_a_file_that_is_not_a_small_utf8_csv_file_is_refused(client, db, login_as, data):
    ward = make_ward(code="E05000101")
    login_as(make_user(role="officer", ward=ward))
    response = client.post("/officer/electorate/import", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(data), "electorate.csv"), "source": "ONS", "as_of": "2024-06-30"})
    assert response.status_code == 400
    assert "The file must be a CSV file of at most 5 MB, saved as UTF-8." in response.get_data(as_text=True)
    assert _figures(db, ward) == {}


def test_a_file_over_5_mb_is_refused_beside_the_file_not_with_a_bare_413(client, db, login_as):
    """Above the 1 MB limit for forms but within the upload limit: the form's own message, nothing stored."""
    ward = make_ward(code="E05000101")
    login_as(make_user(role="officer", ward=ward))
    big = b"ward_code,age_band,residents\n" + b"E05000101,18-24,9\n" * (6 * 1024 * 1024 // 18)
    # The body encoded in memory: the test client's own encoder would spool it to a file it never closes.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(big), "electorate.csv"), "source": "ONS",
                                       **_as_of(30, 6, 2024), "csrf_token": client.csrf_token()})
    response = client.post("/officer/electorate/import", data=body, csrf=False,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400
    assert "The file must be a CSV file of at most 5 MB, saved as UTF-8." in response.get_data(as_text=True)
    assert _figures(db, ward) == {}


def test_a_file_with_only_its_header_has_no_figures(client, db, login_as):
    login_as(make_user(role="officer"))
    response = _upload(client, "ward_code,age_band,residents\n\n")
    assert response.status_code == 400 and "The file has no figures." in response.get_data(as_text=True)
