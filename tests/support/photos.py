"""Images made in the test, with and without GPS EXIF, for the photo upload tests."""

import io

from PIL import Image

GPS_IFD = 0x8825


def jpeg_with_gps(size=(2400, 1800), colour=(30, 120, 60)):
    """A JPEG whose EXIF holds a GPS position, a camera make and a comment."""
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x0132] = "2026:11:30 10:00:00"  # DateTime
    exif[GPS_IFD] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"secret comment")
    return out.getvalue()


def png(size=(40, 30)):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(out, format="PNG")
    return out.getvalue()


HTML_PRETENDING = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
