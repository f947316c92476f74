"""The council's brand: a colour white text stays readable on, and a logo cleaned like delivery photos.

The Design System's guidance for services outside GOV.UK: the organisation's own name, logo and colour, never
the crown, the GOV.UK logotype or GDS Transport. The header and the Service navigation put white text on the
brand colour, so the colour must give at least 4.5:1 against white (WCAG 2.2, 1.4.3).
"""

import io
import re
from dataclasses import dataclass

from app.domain.photos import redraw_upload

DEFAULT_BRAND_COLOUR = "#1d4f7a"
MIN_CONTRAST_WITH_WHITE = 4.5
MAX_LOGO_BYTES = 200 * 1024
MAX_LOGO_PIXELS = 4_000_000
LOGO_HEIGHT = 120  # pixels, twice the height it is shown at, for sharp logos on high-density screens
LOGO_MAX_WIDTH = 600
LOGO_FORMATS = ("PNG", "JPEG")  # not SVG: a picture with script or outside links is a risk to clean

_HEX = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def normalise_colour(text):
    """"#1D4F7A", "1d4f7a" or "#18a" -> "#1d4f7a" / "#1188aa"; None for anything else."""
    found = _HEX.match((text or "").strip())
    if not found:
        return None
    digits = found.group(1).lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits


def _luminance(colour):
    """WCAG relative luminance of "#rrggbb"."""
    def channel(value):
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(first, second):
    """WCAG contrast ratio between two "#rrggbb" colours, 1 to 21."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def colour_problem(text):
    """None when text is a usable brand colour (or empty: the default); else (code, values).

    codes: bad_colour (not a hex colour), low_contrast (values: colour, ratio rounded down to 0.1).
    """
    if not (text or "").strip():
        return None
    colour = normalise_colour(text)
    if colour is None:
        return ("bad_colour", {})
    ratio = contrast_ratio(colour, "#ffffff")
    if ratio < MIN_CONTRAST_WITH_WHITE:
        return ("low_contrast", {"colour": colour, "ratio": int(ratio * 10) / 10})
    return None


@dataclass(frozen=True)
class CleanLogo:
    data: bytes
    width: int
    height: int
    content_type: str = "image/png"


class LogoRefused(ValueError):
    """code: too_large | not_an_image | unsupported | too_many_pixels."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def clean_logo(data, max_bytes=MAX_LOGO_BYTES):
    """Return the logo redrawn as a new PNG (transparency kept, no metadata), at most LOGO_HEIGHT high;
    raise LogoRefused. Only PNG and JPEG are read, by their content, not their name."""

    def fitted(image):
        image.thumbnail((LOGO_MAX_WIDTH, LOGO_HEIGHT))
        return image

    clean = redraw_upload(data, formats=LOGO_FORMATS, max_bytes=max_bytes, max_pixels=MAX_LOGO_PIXELS,
                          refused=LogoRefused, prepare=fitted, mode="RGBA")
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    return CleanLogo(out.getvalue(), clean.width, clean.height)


def brand_css(colour):
    """The stylesheet /brand.css serves: the brand colour as Frontend's custom property, for the header."""
    colour = normalise_colour(colour) or DEFAULT_BRAND_COLOUR
    return (f":root {{ --govuk-brand-colour: {colour}; }}\n"
            f".nb-council-header {{ background-color: {colour}; }}\n"
            f".govuk-service-navigation__item--active {{ border-color: {colour}; }}\n")
