"""Import wards and the postcode -> ward lookup. Validate everything first; import all or nothing."""

from sqlalchemy import select

from app.domain.postcodes import parse_postcode_rows
from app.models import Area, Postcode, Ward


class ImportRefused(Exception):
    """The file has bad rows; nothing was imported. .errors lists them (RowError)."""

    def __init__(self, errors):
        super().__init__(f"{len(errors)} bad rows")
        self.errors = errors


SLUG_LENGTH = 80  # Area.slug


def _slug(text, council_id, taken):
    """A slug for an area name that fits its column and is not in taken, whatever the name's length."""
    words = "-".join("".join(c.lower() if c.isalnum() else " " for c in text).split()) or "area"
    for number in range(1, len(taken) + 2):
        suffix = f"-{council_id}" + (f"-{number}" if number > 1 else "")
        slug = words[:SLUG_LENGTH - len(suffix)].rstrip("-") + suffix
        if slug not in taken:
            return slug
    raise AssertionError("unreachable: len(taken) + 1 candidates cannot all be taken")


def import_postcodes(session, council, rows, progress=None, batch_size=5000):
    """Validate rows (header first), then upsert wards and postcodes in the caller's transaction.

    Wards named by code are created (with their name and area, when the file gives them) if missing.
    progress(done, total) is called every batch. Returns a dict of counts. Raises ImportRefused.
    """
    valid, errors = parse_postcode_rows(rows)
    if errors:
        raise ImportRefused(errors)
    wards = {w.code: w for w in session.scalars(select(Ward).where(Ward.council_id == council.id))}
    areas = {a.name: a for a in session.scalars(select(Area).where(Area.council_id == council.id))}
    slugs = set(session.scalars(select(Area.slug)))
    created_wards = 0
    for row in valid:
        ward = wards.get(row.ward_code)
        if ward is None:
            ward = Ward(council_id=council.id, code=row.ward_code, name=row.ward_name or row.ward_code)
            session.add(ward)
            wards[row.ward_code] = ward
            created_wards += 1
        elif row.ward_name and ward.name != row.ward_name:
            ward.name = row.ward_name
        if row.area_name:
            area = areas.get(row.area_name)
            if area is None:
                slug = _slug(row.area_name, council.id, slugs)
                area = Area(council_id=council.id, name=row.area_name, slug=slug)
                session.add(area)
                slugs.add(slug)
                areas[row.area_name] = area
            ward.area = area
    session.flush()
    existing = set(session.scalars(select(Postcode.postcode)))
    total, done, added, moved = len(valid), 0, 0, 0
    for start in range(0, total, batch_size):
        batch = valid[start:start + batch_size]
        for row in batch:
            ward_id = wards[row.ward_code].id
            if row.postcode in existing:
                record = session.get(Postcode, row.postcode)
                if record.ward_id != ward_id:
                    record.ward_id = ward_id
                    moved += 1
            else:
                session.add(Postcode(postcode=row.postcode, ward_id=ward_id))
                existing.add(row.postcode)
                added += 1
        session.flush()
        done += len(batch)
        if progress:
            progress(done, total)
    return {"rows": total, "postcodes_added": added, "postcodes_moved": moved, "wards_created": created_wards}
