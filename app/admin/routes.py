"""Admin: find people; grant or remove staff roles and board memberships; suspend and reactivate accounts;
correct a resident's ward; read the audit log. Every change is audited."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from wtforms import SelectChoice

from app.access import role_required
from app.admin import bp
from app.admin.forms import (
    BOARD_ROLE_LABELS,
    ROLE_LABELS,
    AreaForm,
    AreaWardsForm,
    AuditFilterForm,
    CorrectWardForm,
    GrantRoleForm,
    ReactivateForm,
    RevokeForm,
    SuspendForm,
    council_form,
)
from app.admin.take_part import staff_notices, take_part_answers
from app.extensions import db
from app.form_fields import NOTIFICATION_LABELS
from app.models import Area, AuditEntry, Council, RoleGrant, User, Ward
from app.problem_messages import put_on_form
from app.request_limits import int_arg
from app.services import accounts, geography, onboarding
from app.services.audit import record

PAGE_SIZE = 25


@bp.get("/users")
@role_required("admin")
def users():
    query_text = request.args.get("q", "").strip()[:100]
    page = int_arg("page", 1, minimum=1)
    query = select(User).order_by(User.email)
    if query_text:
        like = f"%{query_text.lower()}%"
        query = query.where(or_(func.lower(User.email).like(like), func.lower(User.name).like(like)))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page = min(page, max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1))
    people = db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return render_template("admin/users.html", people=people, q=query_text, page=page, role_labels=ROLE_LABELS,
                           pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1), total=total)


def _grant_form():
    form = GrantRoleForm()
    areas = db.session.scalars(select(Area).order_by(Area.name)).all()
    form.area.choices = [SelectChoice("", _("No area"))] + [SelectChoice(str(a.id), a.name) for a in areas]
    return form


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
def user(user_id):
    person = db.session.get(User, user_id) or abort(404)
    form = _grant_form()
    if form.validate_on_submit():
        role = form.role.data
        area_id = int(form.area.data) if form.area.data else None
        if role == "board" and area_id is None:
            form.area.errors.append(_("Choose the area whose board this person sits on."))
        else:
            if role not in ("board", "officer"):
                area_id = None
            board_role = form.board_role.data if role == "board" else None
            exists = any(g.role == role and g.area_id == area_id for g in person.roles)
            if not exists:
                person.roles.append(RoleGrant(role=role, area_id=area_id, board_role=board_role))
                details = {"board_role": board_role} if board_role else {}
                record(db.session, current_user, "role.grant", f"user:{person.id}", role=role, area_id=area_id,
                       **details)
                db.session.commit()
            flash(_("Role saved."), "success")
            return redirect(url_for("admin.user", user_id=person.id))
    return _render_user(person, form=form)


@bp.post("/users/<int:user_id>/roles/<int:grant_id>/remove")
@role_required("admin")
def revoke(user_id, grant_id):
    grant = db.session.get(RoleGrant, grant_id)
    if grant is None or grant.user_id != user_id:
        abort(404)
    if not RevokeForm().validate_on_submit():
        abort(400)
    if grant.user_id == current_user.id and grant.role == "admin":
        flash(_("You cannot remove your own administrator role. Ask another administrator."), "error")
        return redirect(url_for("admin.user", user_id=user_id))
    record(db.session, current_user, "role.revoke", f"user:{user_id}", role=grant.role, area_id=grant.area_id)
    db.session.delete(grant)
    db.session.commit()
    flash(_("Role removed."), "success")
    return redirect(url_for("admin.user", user_id=user_id))


def _ward_form(person):
    form = CorrectWardForm(prefix="ward")
    wards = db.session.scalars(select(Ward).order_by(Ward.name)).all()
    form.ward.choices = [SelectChoice("", _("Choose a ward"))] + [
        SelectChoice(str(w.id), f"{w.name} ({w.code})") for w in wards]
    if request.endpoint != "admin.correct_ward" and person.ward_id:
        form.ward.data = str(person.ward_id)
    return form


def _render_user(person, form=None, suspend_form=None, reactivate_form=None, ward_form=None):
    forms = {"form": form or _grant_form(), "suspend_form": suspend_form or SuspendForm(prefix="suspend"),
             "reactivate_form": reactivate_form or ReactivateForm(prefix="reactivate"),
             "ward_form": ward_form or _ward_form(person)}
    failed = any(f.errors for f in forms.values())
    return render_template("admin/user.html", person=person, revoke_form=RevokeForm(), role_labels=ROLE_LABELS,
                           board_role_labels=BOARD_ROLE_LABELS, answers=take_part_answers(db.session, person),
                           notices=staff_notices(db.session, person), notice_labels=NOTIFICATION_LABELS, **forms), (
        400 if failed else 200)


def _posted_suspension(user_id):
    """The person, the posted suspension form and None; or, when the form is not valid (no reason, a reason too
    long, a stale CSRF token), the user page showing why instead of None. admin.check_suspend and admin.suspend
    load and check a suspension alike."""
    person = db.session.get(User, user_id) or abort(404)
    form = SuspendForm(prefix="suspend")
    page = None if form.validate_on_submit() else _render_user(person, suspend_form=form)
    return person, form, page


@bp.post("/users/<int:user_id>/suspend")
@role_required("admin")
def suspend(user_id):
    person, form, page = _posted_suspension(user_id)
    if page is not None:
        return page
    try:
        accounts.suspend(db.session, current_user, person, form.reason.data.strip())
    except accounts.CannotSuspendSelf:
        db.session.rollback()
        form.reason.errors.append(_("You cannot suspend your own account. Ask another administrator."))
        return _render_user(person, suspend_form=form)
    db.session.commit()
    flash(_("The account is suspended. They have been signed out and cannot sign in."), "success")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.post("/users/<int:user_id>/reactivate")
@role_required("admin")
def reactivate(user_id):
    person = db.session.get(User, user_id) or abort(404)
    form = ReactivateForm(prefix="reactivate")
    if not form.validate_on_submit():
        return _render_user(person, reactivate_form=form)
    accounts.reactivate(db.session, current_user, person, form.reason.data.strip())
    db.session.commit()
    flash(_("The account is active again. They can sign in."), "success")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.post("/users/<int:user_id>/ward")
@role_required("admin")
def correct_ward(user_id):
    person = db.session.get(User, user_id) or abort(404)
    form = _ward_form(person)
    if not form.validate_on_submit():
        return _render_user(person, ward_form=form)
    ward = db.session.get(Ward, int(form.ward.data))
    accounts.correct_ward(db.session, current_user, person, ward, form.reason.data.strip())
    db.session.commit()
    flash(_("The ward is corrected."), "success")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.get("/take-part")
@role_required("admin", "officer")
def take_part_search():
    """Find a resident to see why they were refused (officers too: they answer residents' calls)."""
    query_text = request.args.get("q", "").strip()[:100]
    people = []
    if query_text:
        text = query_text.lower()
        people = db.session.scalars(select(User).where(or_(
            func.lower(User.email).contains(text, autoescape=True),
            func.lower(User.name).contains(text, autoescape=True)))
            .order_by(User.name, User.id).limit(PAGE_SIZE)).all()
    return render_template("admin/take_part_search.html", q=query_text, people=people)


@bp.get("/take-part/<int:user_id>")
@role_required("admin", "officer")
def take_part(user_id):
    person = db.session.get(User, user_id) or abort(404)
    return render_template("admin/take_part.html", person=person, answers=take_part_answers(db.session, person),
                           notices=staff_notices(db.session, person), notice_labels=NOTIFICATION_LABELS)


AUDIT_PAGE_SIZE = 50
LONDON = ZoneInfo("Europe/London")


def _london_midnight(day):
    return datetime.combine(day, time.min, tzinfo=LONDON).astimezone(UTC)


def _audit_query(form, valid):
    """The audit entries the filters ask for, newest first (all of them while the filters have a problem)."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if not valid:
        return query
    if form.action.data:
        query = query.where(AuditEntry.action == form.action.data)
    if form.actor.data and form.actor.data.strip():
        like = "%" + form.actor.data.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(func.lower(AuditEntry.actor_label).like(like, escape="\\"))
    if form.date_from.data:
        query = query.where(AuditEntry.created_at >= _london_midnight(form.date_from.data))
    if form.date_to.data:
        query = query.where(AuditEntry.created_at < _london_midnight(form.date_to.data + timedelta(days=1)))
    return query


@bp.get("/audit")
@role_required("admin")
def audit_log():
    form = AuditFilterForm(formdata=request.args)
    actions = db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)).all()
    form.action.choices = [SelectChoice("", _("Any action"))] + [SelectChoice(a, a) for a in actions]
    valid = form.validate()
    query = _audit_query(form, valid)
    page = int_arg("page", default=1, minimum=1)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page = min(page, max((total + AUDIT_PAGE_SIZE - 1) // AUDIT_PAGE_SIZE, 1))
    entries = db.session.scalars(query.limit(AUDIT_PAGE_SIZE).offset((page - 1) * AUDIT_PAGE_SIZE)).all()
    # The filters again in each page's link (a date as its three boxes: date_from-day, …).
    filters = {name: value for name, value in request.args.items()
               if name != "page" and (name in form or name.rsplit("-", 1)[0] in form)}
    return render_template("admin/audit.html", form=form, entries=entries, total=total, page=page,
                           pages=max((total + AUDIT_PAGE_SIZE - 1) // AUDIT_PAGE_SIZE, 1), filters=filters), (
        200 if valid else 400)


def _site_council():
    return db.session.scalar(select(Council).order_by(Council.id).limit(1))


@bp.route("/areas", methods=["GET", "POST"])
@role_required("admin")
def areas():
    council = _site_council()
    form = AreaForm()
    if council is not None and form.validate_on_submit():
        created = geography.create_area(db.session, current_user, council, form.name.data)
        db.session.commit()
        flash(_("Area added. Now choose its wards."), "success")
        return redirect(url_for("admin.area", area_id=created.id))
    every_area = db.session.scalars(select(Area).order_by(Area.name)).all()
    unassigned = db.session.scalars(select(Ward).where(Ward.area_id.is_(None)).order_by(Ward.name)).all()
    return render_template("admin/areas.html", form=form, areas=every_area, unassigned=unassigned,
                           council=council), (400 if form.errors else 200)


@bp.route("/areas/<int:area_id>", methods=["GET", "POST"])
@role_required("admin")
def area(area_id):
    place = db.session.get(Area, area_id) or abort(404)
    form = AreaWardsForm(obj=place if request.method == "GET" else None)
    wards = db.session.scalars(select(Ward).where(Ward.council_id == place.council_id).order_by(Ward.name)).all()
    form.wards.choices = [SelectChoice(w.id, _("%(ward)s (%(code)s), now in %(area)s", ward=w.name, code=w.code,
                                                area=w.area.name) if w.area and w.area_id != place.id
                                       else f"{w.name} ({w.code})") for w in wards]
    if request.method == "GET":
        form.wards.data = [w.id for w in wards if w.area_id == place.id]
    if form.validate_on_submit():
        geography.update_area(db.session, current_user, place, form.name.data, form.wards.data or [])
        db.session.commit()
        flash(_("Area saved."), "success")
        return redirect(url_for("admin.areas"))
    return render_template("admin/area.html", form=form, area=place), (400 if form.errors else 200)


@bp.route("/council", methods=["GET", "POST"])
@role_required("admin")
def council_details():
    council = _site_council() or abort(404)
    form = council_form(council, prefill=request.method == "GET")
    locales = current_app.config["SUPPORTED_LOCALES"]
    if form.validate_on_submit():
        try:
            onboarding.save_council_page(db.session, current_user, council, **form.council_input(locales))
        except onboarding.CouncilRefused as refused:
            db.session.rollback()
            put_on_form(form, refused.problems)
        else:
            db.session.commit()
            flash(_("The council's details are saved."), "success")
            return redirect(url_for("admin.council_details"))
    return render_template("admin/council.html", form=form, locales=locales), (400 if form.errors else 200)


@bp.post("/users/<int:user_id>/suspend/check")
@role_required("admin")
def check_suspend(user_id):
    """Check a suspension (who, why, what it stops) before admin.suspend does it."""
    person, form, page = _posted_suspension(user_id)
    if page is not None:
        return page
    return render_template("admin/suspend_check.html", person=person, form=form, role_labels=ROLE_LABELS)
