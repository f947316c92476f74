"""Import wards and the postcode -> ward lookup. Check every row first; import all or nothing.

Files are streamed (the whole ONS Postcode Directory is 2.7 million rows): valid rows go in batches into a
temporary staging table in the caller's transaction, duplicates are found there by the database, and the
lookup is then updated with two set-based statements. Memory stays bounded whatever the file's size.
"""

from dataclasses import dataclass, field

from sqlalchemy import Column, Integer, MetaData, String, Table, and_, exists, func, insert, select, update

from app.domain.council import slug_for
from app.domain.postcodes import PostcodeRow, RowError, Skipped, open_postcode_rows
from app.models import Area, Postcode, Ward
from app.services.audit import record

MAX_ERRORS_KEPT = 50

_staging = Table(
    "postcode_import_staging", MetaData(),
    Column("postcode", String(10), index=True),
    Column("ward_id", Integer),
    Column("line", Integer),
    prefixes=["TEMPORARY"],
)


class ImportRefused(Exception):
    """The file has bad rows; nothing was imported. .errors lists the first ones (RowError), .count all."""

    def __init__(self, errors, count=None):
        super().__init__(f"{count or len(errors)} bad rows")
        self.errors = errors
        self.count = count if count is not None else len(errors)


@dataclass
class _Errors:
    kept: list = field(default_factory=list)
    count: int = 0

    def add(self, error):
        self.count += 1
        if len(self.kept) < MAX_ERRORS_KEPT:
            self.kept.append(error)


def _slug(text):
    return slug_for(text) or "area"


class _WardBook:
    """The council's wards by code; creates the missing ones it can name (from the file or ward_names)."""

    def __init__(self, session, council, ward_names, name_new_wards_by_code):
        self.session, self.council, self.ward_names = session, council, ward_names or {}
        # Our simple format: a new ward the file does not name is named by its code (an officer renames it).
        # ONSPD covers the whole country: a ward nobody named is another council's, and is left out.
        self.name_new_wards_by_code = name_new_wards_by_code
        self.wards = {w.code: w for w in session.scalars(select(Ward).where(Ward.council_id == council.id))}
        self.areas = {a.name: a for a in session.scalars(select(Area).where(Area.council_id == council.id))}
        self.created = 0

    def ward_for(self, row):
        ward = self.wards.get(row.ward_code)
        name = row.ward_name or self.ward_names.get(row.ward_code, "")
        if ward is None:
            if not name and not self.name_new_wards_by_code:
                return None
            ward = Ward(council_id=self.council.id, code=row.ward_code, name=name or row.ward_code)
            self.session.add(ward)
            self.wards[row.ward_code] = ward
            self.created += 1
        elif name and ward.name != name:
            ward.name = name
        if row.area_name:
            area = self.areas.get(row.area_name)
            if area is None:
                area = Area(council_id=self.council.id, name=row.area_name,
                            slug=_unique_area_slug(self.session, row.area_name))
                self.session.add(area)
                self.areas[row.area_name] = area
            ward.area = area
        if ward.id is None:
            self.session.flush()
        return ward


def import_postcodes(session, council, rows, progress=None, batch_size=5000, ward_names=None,
                     local_authority=None, total=None):
    """Check rows (header first), then add or move postcodes and create wards, in the caller's transaction.

    rows: any iterable of CSV rows (a csv.reader over an open file streams it). Wards named by code are
    created if missing, named from the file, else from ward_names ({code: name}, an ONS ward names file);
    in the ONSPD layout (no ward names) a row whose ward is neither defined nor named is skipped as another
    council's. local_authority keeps only rows with that ONS `oslaua`. progress(done, total) is called
    every batch (total as given, may be None). Returns a dict of counts. Raises HeaderError, ImportRefused
    (the caller rolls back).
    """
    layout, items = open_postcode_rows(rows, local_authority=local_authority)  # HeaderError before any row
    book = _WardBook(session, council, ward_names, name_new_wards_by_code=not layout.onspd)
    connection = session.connection()
    _staging.drop(connection, checkfirst=True)
    _staging.create(connection)
    try:
        return _import(session, connection, book, items, progress, batch_size, total)
    finally:
        _staging.drop(connection, checkfirst=True)


def _import(session, connection, book, items, progress, batch_size, total):
    errors, batch = _Errors(), []
    counts = {"rows": 0, "skipped_terminated": 0, "skipped_other_authority": 0, "skipped_unknown_ward": 0}
    done = 0
    for item in items:
        done += 1
        if isinstance(item, Skipped):
            counts[f"skipped_{item.reason}"] += 1
        elif isinstance(item, RowError):
            errors.add(item)
        elif isinstance(item, PostcodeRow):
            ward = book.ward_for(item)
            if ward is None:
                counts["skipped_unknown_ward"] += 1
                continue
            batch.append({"postcode": item.postcode, "ward_id": ward.id, "line": item.line})
            counts["rows"] += 1
        if len(batch) >= batch_size:
            connection.execute(insert(_staging), batch)
            batch.clear()
        if progress and done % batch_size == 0:
            progress(done, total)
    if batch:
        connection.execute(insert(_staging), batch)
    if progress:
        progress(done, total)
    _find_duplicates(connection, errors)
    if errors.count:
        raise ImportRefused(errors.kept, errors.count)
    session.flush()
    counts.update(_apply(session, connection))
    counts["wards_created"] = book.created
    return counts


def _find_duplicates(connection, errors):
    """A postcode given two different wards anywhere in the file is an error (reported at its last line)."""
    query = (select(_staging.c.postcode, func.max(_staging.c.line))
             .group_by(_staging.c.postcode).having(func.count(func.distinct(_staging.c.ward_id)) > 1)
             .order_by(func.max(_staging.c.line)))
    for postcode, line in connection.execute(query):
        errors.add(RowError(line, "duplicate_postcode", postcode))


def _apply(session, connection):
    """Move postcodes whose ward changed and add the new ones; return the counts."""
    table = Postcode.__table__
    staged = _staging.alias("staged")
    differs = exists().where(and_(staged.c.postcode == table.c.postcode, staged.c.ward_id != table.c.ward_id))
    moved = connection.scalar(select(func.count()).select_from(table).where(differs))
    if moved:
        new_ward = select(func.min(staged.c.ward_id)).where(staged.c.postcode == table.c.postcode).scalar_subquery()
        connection.execute(update(table).where(differs).values(ward_id=new_ward))
    missing = ~exists().where(table.c.postcode == staged.c.postcode)
    new_rows = select(staged.c.postcode, func.min(staged.c.ward_id)).where(missing).group_by(staged.c.postcode)
    added = connection.scalar(select(func.count()).select_from(new_rows.subquery()))
    if added:
        connection.execute(insert(table).from_select(["postcode", "ward_id"], new_rows))
    session.expire_all()  # Postcode rows already loaded in this session may have moved
    return {"postcodes_added": added, "postcodes_moved": moved}


def _unique_area_slug(session, name):
    base = _slug(name)[:70]
    slug, n = base, 1
    while session.scalar(select(Area.id).where(Area.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_area(session, actor, council, name):
    """Add a Neighbourhood Board area (no wards yet). Audited."""
    area = Area(council_id=council.id, name=name.strip(), slug=_unique_area_slug(session, name))
    session.add(area)
    session.flush()
    record(session, actor, "area.create", f"area:{area.id}", name=area.name)
    return area


def update_area(session, actor, area, name, ward_ids):
    """Rename an area and set its wards: wards chosen move into it (from another area if need be), its other
    wards leave it. Rounds keep their own ward lists, so no open round changes who may vote. Audited."""
    wanted = set(ward_ids)
    wards = session.scalars(select(Ward).where(Ward.council_id == area.council_id)).all()
    added = sorted(w.code for w in wards if w.id in wanted and w.area_id != area.id)
    removed = sorted(w.code for w in wards if w.id not in wanted and w.area_id == area.id)
    for ward in wards:
        if ward.id in wanted:
            ward.area_id = area.id
        elif ward.area_id == area.id:
            ward.area_id = None
    previous_name, area.name = area.name, name.strip()
    session.flush()
    session.expire(area, ["wards"])
    if added or removed or previous_name != area.name:
        record(session, actor, "area.update", f"area:{area.id}", name=area.name, previous_name=previous_name,
               wards_added=added, wards_removed=removed)
