"""The council's brand on every page: its name, colour and logo, set on the admin council page."""

import io
import re

import pytest
from PIL import Image

from app.models import AuditEntry, Council
from tests.factories import make_council, make_user

DETAILS = {"name": "Borough of Fernleigh", "email": "grants@fernleigh.example", "phone": "01632 960000",
           "public_url": "https://budgets.fernleigh.example"}


def _png(size=(300, 100)):
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 94, 165, 255)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def admin(db, login_as):
    make_council()
    user = make_user(role="admin")
    db.session.commit()
    login_as(user)
    return user


def _stylesheet(client):
    html = client.get("/").get_data(as_text=True)
    href = re.search(r'href="(/brand\.css[^"]*)"', html).group(1)
    return client.get(href.replace("&amp;", "&"))


def test_every_page_uses_the_default_brand_before_one_is_chosen(client, db):
    css = _stylesheet(client)
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert "--govuk-brand-colour: #1d4f7a;" in css.get_data(as_text=True)
    assert "public" in css.headers["Cache-Control"]


def test_an_admin_sets_the_colour_and_every_page_shows_it(client, db, admin):
    before = _stylesheet(client).request.url
    response = client.post("/admin/council", data={**DETAILS, "brand_colour": "#00703C"})
    assert response.status_code == 302
    css = _stylesheet(client)
    assert "--govuk-brand-colour: #00703c;" in css.get_data(as_text=True)
    assert css.request.url != before, "a new colour comes under a new URL, so no cache keeps the old one"
    assert db.session.query(AuditEntry).filter_by(action="council.brand").count() == 1
    assert 'value="#00703c"' in client.get("/admin/council").get_data(as_text=True)


@pytest.mark.parametrize(("colour", "message"), [
    ("#ffdd00", "Choose a darker brand colour: white text on #ffdd00 has a contrast of 1.3 to 1"),
    ("#8eb8dc", "Choose a darker brand colour"),
    ("dark blue", "Enter the brand colour as a hex code, like #1d4f7a."),
])
def test_a_colour_white_text_cannot_be_read_on_is_refused(client, db, admin, colour, message):
    response = client.post("/admin/council", data={**DETAILS, "brand_colour": colour})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html and 'href="#brand_colour"' in html
    db.session.expire_all()
    assert db.session.query(Council).one().brand_colour is None


def test_a_logo_is_shown_beside_the_councils_name_and_can_be_removed(client, db, admin):
    response = client.post("/admin/council", data={**DETAILS, "logo": (io.BytesIO(_png()), "logo.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    html = client.get("/").get_data(as_text=True)
    src = re.search(r'<img class="nb-council-header__logo" src="([^"]+)" alt=""', html).group(1)
    logo = client.get(src.replace("&amp;", "&"))
    assert logo.status_code == 200 and logo.mimetype == "image/png" and logo.data.startswith(b"\x89PNG")
    assert "Borough of Fernleigh" in html  # the name stays as text: the logo is decoration beside it

    client.post("/admin/council", data={**DETAILS, "remove_logo": "y"})
    assert "nb-council-header__logo" not in client.get("/").get_data(as_text=True)
    assert client.get("/brand/logo").status_code == 404


@pytest.mark.parametrize(("upload", "message"), [
    ((b"<svg xmlns='http://www.w3.org/2000/svg'/>", "logo.svg"), "The logo must be a PNG or JPEG image."),
    ((b"GIF89a" + b"0" * 50, "logo.gif"), "The logo must be a PNG or JPEG image."),
    ((b"0" * (201 * 1024), "logo.png"), "The logo must be smaller than 200 KB."),
])
def test_other_logos_are_refused(client, db, admin, upload, message):
    data, name = upload
    response = client.post("/admin/council", data={**DETAILS, "logo": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.query(Council).one().logo_content_type is None


def test_no_logo_before_one_is_uploaded(client, db):
    make_council()
    db.session.commit()
    assert client.get("/brand/logo").status_code == 404
    assert "nb-council-header__logo" not in client.get("/").get_data(as_text=True)
