"""An area's public page lists its wards, its board by seat, its councillors and the contact officer."""

from app.models import RoleGrant
from tests.factories import make_area, make_council, make_user, make_ward
from tests.support import page_text


def _seat(user, area, board_role):
    user.roles.append(RoleGrant(role="board", area_id=area.id, board_role=board_role))


def test_area_page_lists_board_councillors_and_contact_officer(client, db):
    council = make_council()
    council.contact_email, council.contact_phone = "neighbourhoods@fernleigh.example", "01632 960000"
    area = make_area(name="Chells & Manor", council=council)
    make_ward(name="Chells", area=area)
    _seat(make_user(name="Bina Shah"), area, "chair")
    _seat(make_user(name="Tom Hughes"), area, "ward_councillor")
    _seat(make_user(name="Maggie Doyle"), area, "co_opted_resident")
    officer = make_user(name="Owen Price")
    officer.roles.append(RoleGrant(role="officer", area_id=area.id))
    gone = make_user(name="Suspended Sam")
    _seat(gone, area, "community_representative")
    gone.active = False
    elsewhere = make_user(name="Other Board Member")
    _seat(elsewhere, make_area(name="Elsewhere", council=council), "chair")
    db.session.flush()

    db.session.commit()
    html = client.get(f"/areas/{area.id}").get_data(as_text=True)

    assert "Chells &amp; Manor" in html and "<li>Chells</li>" in html
    board = page_text.summary_list(html)
    assert board["Chair"] == "Bina Shah" and board["Co-opted resident"] == "Maggie Doyle"
    assert "Your councillors" in html and "<li>Tom Hughes</li>" in html
    assert page_text.summary_value(html, "Contact officer") == "Owen Price" and 'href="mailto:neighbourhoods@fernleigh.example"' in html
    assert "Suspended Sam" not in html and "Other Board Member" not in html
    assert "@example" not in html.replace("neighbourhoods@fernleigh.example", "")  # no member's e-mail


def test_areas_index_links_every_area_and_an_unknown_area_is_404(client, db):
    area = make_area(name="Bedwell & Broadwater")
    db.session.commit()
    assert f'href="/areas/{area.id}"' in client.get("/areas/").get_data(as_text=True)
    assert client.get("/areas/99999").status_code == 404
