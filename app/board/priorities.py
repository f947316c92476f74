"""Each area's neighbourhood-plan priorities: its board members and officers add, rename and retire them.

A board member manages only their own area's list (require_board_member); officers manage every area's
list and the council-wide list used by council-wide rounds.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import HiddenField, StringField
from wtforms.validators import Length, Optional

from app.access import require_board_member, role_required
from app.board import bp
from app.domain.content import pick_translation
from app.domain.priorities import LABEL_MAX
from app.extensions import db
from app.i18n import current_locale_code
from app.models import Area, Council
from app.problem_messages import put_on_form
from app.services import priorities as priority_service

LOCALES = ("en", "cy", "pl", "ur", "pa")

class PriorityForm(FlaskForm):
    code = HiddenField()
    label_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=LABEL_MAX)])
    label_cy = StringField(_l("Name in Welsh (optional)"), validators=[Optional(), Length(max=LABEL_MAX)],
                           render_kw={"lang": "cy"})
    label_pl = StringField(_l("Name in Polish (optional)"), validators=[Optional(), Length(max=LABEL_MAX)],
                           render_kw={"lang": "pl"})
    label_ur = StringField(_l("Name in Urdu (optional)"), validators=[Optional(), Length(max=LABEL_MAX)],
                           render_kw={"lang": "ur", "dir": "rtl"})
    label_pa = StringField(_l("Name in Punjabi (optional)"), validators=[Optional(), Length(max=LABEL_MAX)],
                           render_kw={"lang": "pa"})

    def labels(self):
        return {locale: getattr(self, f"label_{locale}").data or "" for locale in LOCALES}


class RetireForm(FlaskForm):
    """CSRF only: the priority's code and the action come from request.form."""


def _council():
    return db.session.scalar(select(Council).order_by(Council.id).limit(1)) or abort(404)


@bp.get("/priorities")
@role_required("board", "officer")
def priorities_index():
    """The lists this person may manage: their boards' areas; officers every area and the council-wide list."""
    if current_user.has_role("officer"):
        areas = db.session.scalars(select(Area).order_by(Area.name)).all()
    else:
        areas = db.session.scalars(select(Area).where(Area.id.in_(current_user.board_area_ids()))
                                   .order_by(Area.name)).all()
    return render_template("board/priorities_index.html", areas=areas,
                           council_wide=current_user.has_role("officer"))


@bp.route("/areas/<int:area_id>/priorities", methods=["GET", "POST"])
@role_required("board", "officer")
def area_priorities(area_id):
    area = db.session.get(Area, area_id) or abort(404)
    if not current_user.has_role("officer"):
        require_board_member(area.id)
    return _manage(area.council_id, area, url_for("board.area_priorities", area_id=area.id))


@bp.route("/priorities/council", methods=["GET", "POST"])
@role_required("officer")
def council_priorities():
    return _manage(_council().id, None, url_for("board.council_priorities"))


def _find(rows, code):
    return next((row for row in rows if row.code == code), None)


def _manage(council_id, area, here):
    area_id = area.id if area is not None else None
    form, retire_form = PriorityForm(), RetireForm()
    action = request.form.get("action", "")
    if request.method == "POST" and action in ("retire", "restore"):
        if not retire_form.validate_on_submit():
            abort(400)
        rows = priority_service.ensure_rows(db.session, council_id, area_id)
        priority = _find(rows, request.form.get("code", "")) or abort(404)
        priority_service.set_retired(db.session, current_user, priority, action == "retire")
        db.session.commit()
        flash(_("Priority retired: it stays on earlier proposals but is not offered for new ones.")
              if action == "retire" else _("Priority offered again."), "success")
        return redirect(here)
    editing = request.values.get("code") or ""
    listed = {item.code: item for item in priority_service.items(db.session, council_id, area_id)}
    if editing and editing not in listed:
        abort(404)
    if request.method == "GET" and editing:
        labels = listed[editing].labels
        form.code.data = editing
        for locale in LOCALES:
            getattr(form, f"label_{locale}").data = labels.get(locale, "")
    status = 200
    if form.validate_on_submit():
        try:
            if editing:
                rows = priority_service.ensure_rows(db.session, council_id, area_id)
                priority_service.rename_priority(db.session, current_user, _find(rows, editing), form.labels())
            else:
                priority_service.add_priority(db.session, current_user, council_id, area_id, form.labels())
        except priority_service.PriorityRefused as refused:
            db.session.rollback()
            put_on_form(form, refused.problems)
            status = 400
        else:
            db.session.commit()
            flash(_("Priority renamed.") if editing else _("Priority added."), "success")
            return redirect(here)
    elif request.method == "POST":
        status = 400
    db.session.rollback()  # nothing a GET or a refused POST wrote (the standard six) is kept
    items = priority_service.items(db.session, council_id, area_id)
    locale = current_locale_code()
    shown = [(item, pick_translation(item.labels, locale, "en")) for item in items]
    return render_template("board/priorities.html", area=area, form=form, retire_form=retire_form, shown=shown,
                           editing=editing, here=here), status
