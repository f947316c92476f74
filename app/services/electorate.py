"""Electorate figures per ward and age band: load, save (typed in or imported) and audit. Flush, never commit.

Every save appends an audit entry, and so moves the audit chain head that keys the cached results pages
(results.page_cache): a published turnout percentage changes as soon as its figures do.
"""

from dataclasses import dataclass, field

from sqlalchemy import select

from app.domain.turnout import ELECTORATE_BANDS, parse_electorate_rows
from app.models import ElectorateFigure, Ward
from app.services.audit import record


@dataclass
class WardFigures:
    residents: dict = field(default_factory=dict)  # {band: n}
    sources: list = field(default_factory=list)  # [(source, as_of date)], oldest first


def figures_for(session, ward_ids):
    """{ward id: WardFigures} for the wards with any figures."""
    if not ward_ids:
        return {}
    found = {}
    for row in session.scalars(select(ElectorateFigure).where(ElectorateFigure.ward_id.in_(ward_ids))):
        figures = found.setdefault(row.ward_id, WardFigures())
        figures.residents[row.age_band] = row.residents
        if (row.source, row.as_of) not in figures.sources:
            figures.sources.append((row.source, row.as_of))
    for figures in found.values():
        figures.sources.sort(key=lambda s: (s[1], s[0]))
    return found


def _store(session, ward_id, band, residents, source, as_of, by):
    row = session.scalar(select(ElectorateFigure).where(ElectorateFigure.ward_id == ward_id,
                                                        ElectorateFigure.age_band == band))
    if row is None:
        row = ElectorateFigure(ward_id=ward_id, age_band=band)
        session.add(row)
    row.residents, row.source, row.as_of, row.updated_by_id = residents, source, as_of, by.id


def save_ward(session, by, ward, residents, source, as_of):
    """Replace one ward's figures: residents {band: n or None}; a band left empty is removed."""
    for band in ELECTORATE_BANDS:
        value = residents.get(band)
        if value is None:
            row = session.scalar(select(ElectorateFigure).where(ElectorateFigure.ward_id == ward.id,
                                                                ElectorateFigure.age_band == band))
            if row is not None:
                session.delete(row)
        else:
            _store(session, ward.id, band, value, source, as_of, by)
    session.flush()
    record(session, by, "electorate.save", f"ward:{ward.id}", source=source, as_of=as_of,
           residents={band: n for band, n in residents.items() if n is not None})


def check_rows(session, rows):
    """An uploaded file's rows, checked against the wards on record: ({(ward code, band): n}, [RowProblem])."""
    return parse_electorate_rows(rows, set(session.scalars(select(Ward.code))))


def import_figures(session, by, figures, source, as_of):
    """Store checked figures {(ward code, band): n} (app.domain.turnout.parse_electorate_rows); other bands
    and wards keep theirs. Returns the number of wards touched."""
    codes = {code for code, _ in figures}
    wards = {w.code: w.id for w in session.scalars(select(Ward).where(Ward.code.in_(codes)))}
    for (code, band), residents in sorted(figures.items()):
        _store(session, wards[code], band, residents, source, as_of, by)
    session.flush()
    record(session, by, "electorate.import", "electorate", source=source, as_of=as_of, rows=len(figures),
           wards=len(codes))
    return len(codes)
