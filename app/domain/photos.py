"""Clean an uploaded photo: a real image by its content, not its name; resized; every byte of metadata gone.

The image is decoded and drawn again into a new JPEG by Pillow, so nothing of the upload survives but
pixels: no EXIF (GPS position, camera serial, time), no XMP or IPTC, no ICC profile, no comment, and no
bytes a browser might sniff as HTML or script. The EXIF orientation is applied first so the photo stays
upright once the tag is gone.
"""

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_SIDE = 1600  # pixels, longest side, after resizing
MAX_PIXELS = 50_000_000  # refuse decompression bombs before decoding
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
CONTENT_TYPE = "image/jpeg"


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    width: int
    height: int
    content_type: str = CONTENT_TYPE


class PhotoRefused(ValueError):
    """code: too_large | not_an_image | unsupported | too_many_pixels."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def redraw_upload(data, *, formats, max_bytes, max_pixels, refused, prepare, mode):
    """Decode an uploaded image by its content and draw its pixels into a fresh image of mode, so nothing of
    the upload survives but pixels; prepare(image) -> image runs on the decoded image (orientation, size).

    Raises refused(code), code one of too_large | not_an_image | unsupported | too_many_pixels. Shared by
    delivery photos and the council's logo (app.domain.brand).
    """
    if len(data) > max_bytes:
        raise refused("too_large")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in formats:
                    raise refused("unsupported")
                if probe.width * probe.height > max_pixels:
                    raise refused("too_many_pixels")
                probe.verify()  # a truncated or corrupt file fails here, before it is decoded
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                pixels = prepare(image).convert(mode)
    except refused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as error:
        raise refused("not_an_image") from error
    clean = Image.new(mode, pixels.size)  # a fresh image: no info dict, no EXIF, no ICC profile, no text chunks
    clean.paste(pixels)
    return clean


def clean_photo(data, max_bytes=MAX_UPLOAD_BYTES, max_side=MAX_SIDE):
    """Return the photo as a new, metadata-free JPEG no larger than max_side; raise PhotoRefused."""

    def upright_and_fitted(image):
        image = ImageOps.exif_transpose(image)
        image.thumbnail((max_side, max_side))
        return image

    clean = redraw_upload(data, formats=ACCEPTED_FORMATS, max_bytes=max_bytes, max_pixels=MAX_PIXELS,
                          refused=PhotoRefused, prepare=upright_and_fitted, mode="RGB")
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return CleanPhoto(out.getvalue(), clean.width, clean.height)


def safe_filename(title, photo_id):
    """An ASCII file name for Content-Disposition: letters, digits and hyphens only."""
    stem = "".join(c if c.isascii() and c.isalnum() else "-" for c in title.lower()).strip("-")
    stem = "-".join(part for part in stem.split("-") if part)[:60] or "photo"
    return f"{stem}-{photo_id}.jpg"
