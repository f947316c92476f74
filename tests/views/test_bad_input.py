"""Bad input is a 4xx with a clear message, never a server error: huge ids and page numbers, NUL and
control characters, over-long names, oversized bodies. (tests/gates/test_routes.py covers each class
for every route; these are the cases a council's reviewer found, as a visitor would meet them.)"""

import io

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.models import Area, Postcode, User
from tests.factories import make_council, make_proposal, make_round, make_user

HUGE = "9" * 40
WELSH_TOO_LARGE = "Mae’r ffeil neu’r ffurflen a anfonwyd gennych yn rhy fawr"


@pytest.mark.parametrize("path", [f"/proposals/{HUGE}", f"/results/rounds/{HUGE}", f"/api/rounds/{HUGE}",
                                  f"/proposals/{2**31}", f"/voting/pots/{2**63}"])
def test_a_huge_id_in_a_url_is_no_page(client, db, path):
    assert client.get(path).status_code == 404


def test_a_huge_id_in_the_api_is_a_json_404(client, db):
    response = client.get(f"/api/rounds/{HUGE}")
    assert response.status_code == 404 and response.is_json


@pytest.mark.parametrize("query", [f"page={HUGE}", f"round={HUGE}", f"pot={HUGE}", f"ward={HUGE}", "page=0",
                                   "page=-1", "round=abc", "page=١٢", "page=--5", "page=1.0"])
def test_a_bad_number_in_the_proposal_list_query_is_a_bad_request(client, db, query):
    response = client.get(f"/proposals/?{query}")
    assert response.status_code == 400
    assert "There is a problem with your request" in response.get_data(as_text=True)


def test_good_and_blank_numbers_in_the_query_still_filter(client, db):
    from tests.factories import make_pot

    proposal = make_proposal(pot=make_pot(round_=make_round(phase="proposals")), status="feasible",
                             title="A garden for everyone")
    round_ = make_round(phase="proposals")
    db.session.commit()
    assert "A garden for everyone" in client.get(f"/proposals/?round={proposal.round_id}&pot=&page=1").get_data(
        as_text=True)
    assert "A garden for everyone" not in client.get(f"/proposals/?round={round_.id}").get_data(as_text=True)


def test_a_huge_page_in_the_admin_list_is_a_bad_request(client, db, login_as):
    login_as(make_user(role="admin"))
    assert client.get(f"/admin/users?page={HUGE}").status_code == 400
    assert client.get("/admin/users?page=2").status_code == 200


def test_a_30_mb_anonymous_post_is_refused_before_it_is_read_with_the_translated_page(client, db):
    body = {"email": "a@example.org", "password": "x", "file": _file(b"x" * (30 * 1024 * 1024))}
    response = client.post("/auth/login", **_multipart(body), headers={"Accept-Language": "cy"})
    assert response.status_code == 413
    assert WELSH_TOO_LARGE in response.get_data(as_text=True)


def _file(data, name="big.bin"):
    return FileStorage(io.BytesIO(data), filename=name, content_type="application/octet-stream")


def _multipart(fields):
    """The body as bytes (the test client would spool a big one to a temporary file it never closes)."""
    boundary, body = encode_multipart(fields)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def _upload(client, text):
    data = text.encode() if isinstance(text, str) else text
    return client.post("/officer/geography", **_multipart({"csrf_token": client.csrf_token(),
                                                           "file": _file(data, "postcodes.csv")}))


@pytest.fixture
def officer(db, login_as):
    make_council()
    return login_as(make_user(role="officer"))


def test_an_upload_may_be_bigger_than_a_form_up_to_its_own_documented_limit(app, client, db, officer):
    header = "postcode,ward_code,ward_name\n"
    padding = "\n" * (app.config["MAX_CONTENT_LENGTH"] + 1)  # blank lines: skipped by the import
    response = _upload(client, header + "FL1 2AB,E05000001,Chells\n" + padding)
    assert response.status_code == 302, response.get_data(as_text=True)[-500:]
    too_big = _upload(client, b"x" * (app.config["UPLOAD_MAX_CONTENT_LENGTH"] + 1))
    assert too_big.status_code == 413


def test_a_nul_in_an_uploaded_csv_cell_is_a_row_error_and_nothing_is_imported(client, db, officer):
    response = _upload(client, "postcode,ward_code,ward_name\nFL1 2AB,E05000001,Chel\x00ls\n")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was imported" in page and "invisible control character" in page and "U+0000" in page
    assert db.session.query(Postcode).count() == 0


def test_a_right_to_left_override_in_an_uploaded_area_name_is_a_row_error(client, db, officer):
    response = _upload(client, "postcode,ward_code,ward_name,area\nFL1 2AB,E05000001,Chells,Man\u202eor\n")
    assert response.status_code == 400 and "U+202E" in response.get_data(as_text=True)
    assert db.session.query(Area).filter(Area.name.like("Man%")).count() == 0


def test_long_area_names_import_with_slugs_that_fit_and_differ(client, db, officer):
    long_name = "Bedwell Chells Manor Martins Wood Old Town Pin Green and St Nicholas Neighbourhood Board"
    rows = [f"FL1 2AB,E05000001,Chells,{long_name} North", f"FL1 2AC,E05000002,Manor,{long_name} South"]
    response = _upload(client, "postcode,ward_code,ward_name,area\n" + "\n".join(rows) + "\n")
    assert response.status_code == 302, response.get_data(as_text=True)[-800:]
    areas = db.session.query(Area).filter(Area.name.like("Bedwell%")).order_by(Area.name).all()
    assert [a.name for a in areas] == [f"{long_name} North", f"{long_name} South"]
    assert all(len(a.slug) <= 80 for a in areas) and areas[0].slug != areas[1].slug


def test_a_name_longer_than_its_column_is_a_row_error_not_cut(client, db, officer):
    response = _upload(client, f"postcode,ward_code,ward_name\nFL1 2AB,E05000001,{'Chells' * 40}\n")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "longer than 200 characters" in page
    assert db.session.query(Postcode).count() == 0


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\x1b", "\x07", "\u200b", "\ufeff"])
def test_a_control_character_in_a_name_is_refused_with_a_clear_message(client, db, login_as, char):
    user = login_as(make_user(name="Amira Khan"))
    response = client.post("/auth/account", data={"name": f"Amira{char} Khan", "locale": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "invisible control character" in page and f"U+{ord(char):04X}" in page
    db.session.refresh(user)
    assert user.name == "Amira Khan"


def test_the_control_character_message_is_translated(client, db, ward_and_form):
    response = client.post("/auth/register", data=dict(ward_and_form, name="Amira\u202e Khan"),
                           headers={"Accept-Language": "cy"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "U+202E" in page and "invisible control character" not in page
    assert db.session.query(User).count() == 0


def test_writing_that_needs_joiners_and_marks_is_accepted(client, db, login_as):
    user = login_as(make_user(name="Amira Khan"))
    name = "امیرہ\u200c خان\u200f"
    assert client.post("/auth/account", data={"name": name, "locale": "ur"}).status_code == 302
    db.session.refresh(user)
    assert user.name == name


@pytest.fixture
def ward_and_form(db):
    from tests.factories import make_ward

    make_ward(postcodes=["FL1 2AB"])
    db.session.commit()
    return {"email": "amira@example.org", "password": "plum orbit kettle seven", "postcode": "FL1 2AB",
            "date_of_birth": "1990-04-01", "locale": "en", "accept": "y"}
