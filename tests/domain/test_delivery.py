"""Delivery rules: words and lights, at risk or late, money spent within the award, updates and photos."""

import io
from datetime import date

import pytest
from PIL import Image

from app.domain.delivery import (
    STATUSES,
    at_risk_or_late,
    check_change,
    check_milestone,
    check_update,
    light,
    light_summary,
    may_post_update,
    shown_light,
    spent_share,
)
from app.domain.photos import MAX_SIDE, PhotoRefused, clean_photo, safe_filename
from app.domain.problems import Problem
from tests.support.photos import GPS_IFD, HTML_PRETENDING, jpeg_with_gps, png

TODAY = date(2026, 12, 3)


def test_every_status_has_a_light():
    assert [light(s) for s in STATUSES] == ["grey", "green", "amber", "red", "green", "grey"]


@pytest.mark.parametrize(("status", "target", "expected"), [
    ("on_track", date(2027, 1, 1), False),
    ("at_risk", None, True),
    ("delayed", date(2027, 1, 1), True),
    ("on_track", date(2026, 12, 2), True),  # the target date has passed: late whatever the officer says
    ("completed", date(2026, 1, 1), False),
    ("cancelled", date(2026, 1, 1), False),
    ("not_started", None, False),
])
def test_at_risk_or_late(status, target, expected):
    assert at_risk_or_late(status, target, TODAY) is expected


def test_a_late_project_shows_red():
    assert shown_light("on_track", date(2026, 12, 2), TODAY) == "red"
    assert shown_light("on_track", TODAY, TODAY) == "green"


def test_money_spent_stays_within_the_award():
    assert check_change("on_track", None, 4_000_00, 4_000_00) == []
    assert check_change("on_track", None, 4_000_01, 4_000_00) == [Problem("over_award", "spent", {
        "spent_pence": 4_000_01, "award_pence": 4_000_00})]
    assert check_change("on_track", None, -1, 4_000_00) == [Problem("negative_spent", "spent")]


def test_unknown_status_and_completed_without_a_date_are_refused():
    assert [p.code for p in check_change("finished", None, 0, 1)] == ["unknown_status"]
    assert [p.code for p in check_change("completed", None, 0, 1)] == ["completed_needs_date"]


def test_milestones_and_updates_need_words_and_photos_a_description():
    assert [p.code for p in check_milestone(" ", None)] == ["title_required", "date_required"]
    assert check_milestone("Planting", TODAY) == []
    assert [p.code for p in check_update("", True, "")] == ["body_required", "alt_required"]
    assert check_update("Planted", True, "Volunteers planting trees") == []
    assert check_update("Planted", False, "") == []


def test_the_proposer_posts_only_when_the_officer_allows_it():
    assert may_post_update(True, False, False)
    assert not may_post_update(False, True, False)
    assert may_post_update(False, True, True)
    assert not may_post_update(False, False, True)


def test_light_summary_and_share_spent():
    assert light_summary(["red", "green", "green"]) == {"red": 1, "amber": 0, "green": 2, "grey": 0}
    assert spent_share(1_000_00, 4_000_00) == 25
    assert spent_share(5, 0) == 0


def test_a_cleaned_photo_has_no_gps_or_any_exif_and_is_resized():
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(GPS_IFD)  # the test image really carries a position
    clean = clean_photo(original)
    with Image.open(io.BytesIO(clean.data)) as after:
        assert after.format == "JPEG"
        assert max(after.size) == MAX_SIDE == max(clean.width, clean.height)
        assert not after.getexif() and not after.getexif().get_ifd(GPS_IFD)
        assert "exif" not in after.info and "comment" not in after.info and "icc_profile" not in after.info
    assert b"SpyCam" not in clean.data and b"secret comment" not in clean.data


def test_a_png_is_accepted_and_kept_small():
    clean = clean_photo(png())
    assert (clean.width, clean.height) == (40, 30) and clean.content_type == "image/jpeg"


@pytest.mark.parametrize(("data", "code"), [
    (HTML_PRETENDING, "not_an_image"),
    (jpeg_with_gps()[:200], "not_an_image"),
    (b"", "not_an_image"),
])
def test_what_is_not_an_image_is_refused_by_its_content(data, code):
    with pytest.raises(PhotoRefused) as refused:
        clean_photo(data)
    assert refused.value.code == code


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    with pytest.raises(PhotoRefused) as refused:
        clean_photo(b"\xff" * 101, max_bytes=100)
    assert refused.value.code == "too_large"


def test_safe_file_names():
    assert safe_filename("Café garden: <script>", 7) == "caf-garden-script-7.jpg"
    assert safe_filename("يوم", 3) == "photo-3.jpg"
