"""Officer views: how many residents live in each ward, per age band, typed in or imported from CSV.

Published turnout percentages divide by these figures (services.results.participation_report), with
their source and date shown beside them.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from app.access import role_required
from app.domain.turnout import ELECTORATE_BANDS
from app.extensions import db
from app.models import Area, Ward
from app.officer import bp
from app.officer.forms import ElectorateUploadForm, WardFiguresForm
from app.request_limits import accepts_upload, int_arg
from app.results_text import age_band_label
from app.services import electorate as electorate_service

ROW_PROBLEMS = {
    "no_header": _l("the first row must name the columns ward_code, age_band and residents"),
    "unknown_ward": _l("no ward has this code"),
    "bad_band": _l("not one of the age bands"),
    "bad_number": _l("not a whole number of residents"),
    "duplicate": _l("this ward and age band are given earlier in the file"),
}


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
    chosen = int_arg("ward") if request.method == "GET" else None
    if chosen in {w.id for w in wards}:
        form.show(chosen, electorate_service.figures_for(db.session, [chosen]).get(chosen))
    if form.validate_on_submit():
        ward = db.session.get(Ward, form.ward.data)
        electorate_service.save_ward(db.session, current_user, ward, form.residents(), form.source.data.strip(),
                                     form.as_of.data)
        db.session.commit()
        flash(_("Saved the figures for %(ward)s.", ward=ward.name), "success")
        return redirect(url_for("officer.electorate"))
    return _page("officer/electorate.html", form)


@bp.route("/electorate/import", methods=["GET", "POST"])
@role_required("officer")
@accepts_upload  # a file of up to 5 MB (its form says so beside the file), beyond the 1 MB limit for forms
def electorate_import():
    form = ElectorateUploadForm()
    problems = []
    if form.validate_on_submit():
        figures, problems = electorate_service.check_rows(db.session, form.rows)
        if form.accepts(figures, problems):
            wards = electorate_service.import_figures(db.session, current_user, figures, form.source.data.strip(),
                                                      form.as_of.data)
            db.session.commit()
            flash(_("Imported %(rows)d figures for %(wards)d wards.", rows=len(figures), wards=wards), "success")
            return redirect(url_for("officer.electorate"))
    return _page("officer/electorate_import.html", form, problems=problems[:50], problem_count=len(problems),
                 problem_labels=ROW_PROBLEMS)
