"""Officer views: how many residents live in each ward, per age band, typed in or imported from CSV.

Published turnout percentages divide by these figures (services.results.participation_report), with
their source and date shown beside them.
"""

import csv
import io

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from app.access import role_required
from app.domain.turnout import ELECTORATE_BANDS, MAX_RESIDENTS, parse_electorate_rows
from app.extensions import db
from app.form_fields import DateInputField
from app.models import Area, Ward
from app.officer import bp
from app.request_limits import int_arg
from app.results_text import age_band_label
from app.services import electorate as electorate_service

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
ROW_PROBLEMS = {
    "no_header": _l("the first row must name the columns ward_code, age_band and residents"),
    "unknown_ward": _l("no ward has this code"),
    "bad_band": _l("not one of the age bands"),
    "bad_number": _l("not a whole number of residents"),
    "duplicate": _l("this ward and age band are given earlier in the file"),
}


class CountField(StringField):
    """A number of residents typed by a person ("1,200"); .count holds it, None when left empty."""

    count = None

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        text = (self.data or "").strip().replace(",", "")
        self.count = None
        if text:
            if not text.isdigit() or int(text) > MAX_RESIDENTS:
                raise ValueError(_l("Enter a whole number of residents, like 1200, or leave it empty."))
            self.count = int(text)


class SourceFields(FlaskForm):
    source = StringField(_l("Source of the figures"),
                         description=_l("Shown with the turnout, for example: ONS mid-2024 population estimates."),
                         validators=[InputRequired(_l("Enter where the figures come from.")), Length(max=300)])
    as_of = DateInputField(_l("Date the figures describe"), description=_l("For example, 30 6 2024"),
                           validators=[InputRequired(_l("Enter the date the figures describe."))])


class WardField(SelectField):
    """A ward from the list, with a translated message for anything else that is sent."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(_l("Choose a ward from the list.")) from None

    def pre_validate(self, form):
        if self.data not in {choice[0] for choice in self.choices}:
            raise ValidationError(_l("Choose a ward from the list."))


class WardFiguresForm(SourceFields):
    ward = WardField(_l("Ward"), choices=[], coerce=int)

    def band_fields(self):
        return [getattr(self, _field_name(band)) for band in ELECTORATE_BANDS]


def _field_name(band):
    return "band_" + band.replace("-", "_").replace("+", "_plus")


def _band_field_label(band):
    if band == "under-11":
        return _l("Residents under 11")
    if band == "75+":
        return _l("Residents aged 75 or over")
    return _l("Residents aged %(band)s", band=band)


for _band in ELECTORATE_BANDS:
    setattr(WardFiguresForm, _field_name(_band), CountField(_band_field_label(_band)))


class ElectorateUploadForm(SourceFields):
    file = FileField(_l("Electorate file (CSV)"),
                     description=_l("Columns ward_code, age_band and residents: one row per ward and age band."),
                     validators=[FileRequired(_l("Choose a CSV file to upload."))])


def _wards():
    return db.session.scalars(select(Ward).outerjoin(Area).order_by(Area.name, Ward.name)).all()


def _page(template, form, **context):
    wards = _wards()
    figures = electorate_service.figures_for(db.session, [w.id for w in wards])
    return render_template(template, form=form, wards=wards, figures=figures, bands=ELECTORATE_BANDS,
                           age_band_label=age_band_label, **context), (400 if form.errors else 200)


@bp.route("/electorate", methods=["GET", "POST"])
@role_required("officer")
def electorate():
    form = WardFiguresForm()
    wards = _wards()
    form.ward.choices = [(w.id, f"{w.name} ({w.code})") for w in wards]
    if request.method == "GET":
        chosen = int_arg("ward")
        if chosen in {w.id for w in wards}:
            form.ward.data = chosen
            shown = electorate_service.figures_for(db.session, [chosen]).get(chosen)
            if shown is not None:
                for band, field in zip(ELECTORATE_BANDS, form.band_fields(), strict=True):
                    field.data = str(shown.residents[band]) if band in shown.residents else ""
                form.source.data, latest = shown.sources[-1]
                form.as_of.process_data(latest)
    if form.validate_on_submit():
        ward = db.session.get(Ward, form.ward.data)
        residents = {band: field.count for band, field in zip(ELECTORATE_BANDS, form.band_fields(), strict=True)}
        if all(n is None for n in residents.values()):
            form.form_errors.append(_("Enter the number of residents in at least one age band."))
        else:
            electorate_service.save_ward(db.session, current_user, ward, residents, form.source.data.strip(),
                                         form.as_of.data)
            db.session.commit()
            flash(_("Saved the figures for %(ward)s.", ward=ward.name), "success")
            return redirect(url_for("officer.electorate"))
    return _page("officer/electorate.html", form)


@bp.route("/electorate/import", methods=["GET", "POST"])
@role_required("officer")
def electorate_import():
    form = ElectorateUploadForm()
    problems, problem_count = [], 0
    if form.validate_on_submit():
        data = form.file.data.read(MAX_UPLOAD_BYTES + 1)
        try:
            if len(data) > MAX_UPLOAD_BYTES:
                raise ValueError("too large")
            rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        except (UnicodeDecodeError, csv.Error, ValueError):
            form.file.errors.append(_("The file must be a CSV file of at most 5 MB, saved as UTF-8."))
        else:
            codes = set(db.session.scalars(select(Ward.code)))
            figures, problems = parse_electorate_rows(rows, codes)
            problem_count = len(problems)
            if problems:
                form.file.errors.append(_("%(count)d rows have problems. Nothing was imported. Correct them and "
                                          "upload again.", count=problem_count))
                problems = problems[:50]
            elif not figures:
                form.file.errors.append(_("The file has no figures."))
            else:
                wards = electorate_service.import_figures(db.session, current_user, figures,
                                                          form.source.data.strip(), form.as_of.data)
                db.session.commit()
                flash(_("Imported %(rows)d figures for %(wards)d wards.", rows=len(figures), wards=wards), "success")
                return redirect(url_for("officer.electorate"))
    return _page("officer/electorate_import.html", form, problems=problems, problem_count=problem_count,
                 problem_labels=ROW_PROBLEMS)
