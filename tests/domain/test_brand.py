import io

import pytest
from PIL import Image, PngImagePlugin

from app.domain.brand import (
    DEFAULT_BRAND_COLOUR,
    LogoRefused,
    brand_css,
    clean_logo,
    colour_problem,
    contrast_ratio,
    normalise_colour,
)


def _image(fmt, size=(300, 100), mode="RGBA"):
    out = io.BytesIO()
    Image.new(mode, size, (20, 80, 120, 255) if mode == "RGBA" else (20, 80, 120)).save(out, format=fmt)
    return out.getvalue()


def test_colours_are_normalised_to_six_lower_case_digits():
    assert normalise_colour("#1D4F7A") == "#1d4f7a" and normalise_colour("18a") == "#1188aa"
    assert normalise_colour("blue") is None and normalise_colour("#12345") is None and normalise_colour("") is None


def test_contrast_is_wcags():
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast_ratio("#ffffff", "#ffffff"), 1) == 1.0
    assert round(contrast_ratio("#1d70b8", "#ffffff"), 2) == 5.17


def test_a_brand_colour_must_leave_white_text_readable():
    assert colour_problem("#1d4f7a") is None and colour_problem("") is None
    assert colour_problem("#ffdd00") == ("low_contrast", {"colour": "#ffdd00", "ratio": 1.3})
    assert colour_problem("#767676") is None  # 4.54:1, just enough
    assert colour_problem("#777777")[0] == "low_contrast"  # 4.48:1
    assert colour_problem("navy") == ("bad_colour", {})


def test_the_stylesheet_sets_frontends_brand_colour_or_the_default():
    assert "--govuk-brand-colour: #00703c;" in brand_css("#00703C")
    assert f"--govuk-brand-colour: {DEFAULT_BRAND_COLOUR};" in brand_css(None)
    assert "--govuk-brand-colour: #1d4f7a;" in brand_css("}; body { display: none")


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_a_logo_is_redrawn_as_a_small_png(fmt):
    logo = clean_logo(_image(fmt, size=(1200, 400), mode="RGBA" if fmt == "PNG" else "RGB"))
    assert logo.content_type == "image/png" and logo.height == 120 and logo.width == 360
    with Image.open(io.BytesIO(logo.data)) as again:
        assert again.format == "PNG" and not again.text


def test_a_logo_keeps_only_pixels():
    out = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    Image.new("RGBA", (100, 50)).save(out, format="PNG", pnginfo=info)
    assert b"script" not in clean_logo(out.getvalue()).data


@pytest.mark.parametrize(("data", "code"), [
    (_image("GIF", mode="RGB"), "unsupported"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "not_an_image"),
    (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "not_an_image"),
    (b"0" * (200 * 1024 + 1), "too_large"),
])
def test_other_files_are_refused(data, code):
    with pytest.raises(LogoRefused) as refused:
        clean_logo(data)
    assert refused.value.code == code
