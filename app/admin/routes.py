"""Admin: find people and grant or remove staff roles and board memberships. Every change is audited."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from wtforms import SelectChoice

from app.access import role_required
from app.admin import bp
from app.admin.forms import GrantRoleForm, RevokeForm
from app.extensions import db
from app.models import Area, RoleGrant, User
from app.request_limits import int_arg
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
    people = db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return render_template("admin/users.html", people=people, q=query_text, page=page,
                           pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1), total=total)


def _grant_form():
    form = GrantRoleForm()
    areas = db.session.scalars(select(Area).order_by(Area.name)).all()
    form.area.choices = [SelectChoice("", _("Not a board member"))] + [SelectChoice(str(a.id), a.name) for a in areas]
    return form


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
def user(user_id):
    person = db.session.get(User, user_id) or abort(404)
    form = _grant_form()
    if form.validate_on_submit():
        area_id = int(form.area.data) if form.area.data else None
        if form.role.data == "board" and area_id is None:
            form.area.errors.append(_("Choose the area whose board this person sits on."))
        else:
            if form.role.data != "board":
                area_id = None
            exists = any(g.role == form.role.data and g.area_id == area_id for g in person.roles)
            if not exists:
                person.roles.append(RoleGrant(role=form.role.data, area_id=area_id))
                record(db.session, current_user, "role.grant", f"user:{person.id}", role=form.role.data,
                       area_id=area_id)
                db.session.commit()
            flash(_("Role saved."), "success")
            return redirect(url_for("admin.user", user_id=person.id))
    return render_template("admin/user.html", person=person, form=form, revoke_form=RevokeForm()), (
        400 if form.errors else 200)


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
