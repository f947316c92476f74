"""Staff change the notices of a resident registered in person, on the resident's behalf (they have no account
page until they take the account over with their claim slip). Found from the staff look-up and the person page."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import role_required
from app.admin import bp
from app.admin.forms import NoticesForm
from app.extensions import db
from app.models import User
from app.services import in_person as in_person_service
from app.services import notifications


@bp.route("/take-part/<int:user_id>/notices", methods=["GET", "POST"])
@role_required("admin", "officer")
def resident_notices(user_id):
    person = db.session.get(User, user_id) or abort(404)
    if not in_person_service.staff_may_set_notices(person):
        abort(404)
    form = NoticesForm()
    if request.method == "GET":
        form.show_notices(notifications.kinds_for(db.session, person), person.notice_channel, person.phone)
    if form.validate_on_submit():
        kinds, channel, phone = form.notice_choices()
        if in_person_service.set_notices(db.session, current_user._get_current_object(), person, kinds, channel,
                                         phone):
            db.session.commit()
        flash(_("The notices for %(name)s are saved.", name=person.name), "success")
        return redirect(url_for("admin.take_part", user_id=person.id))
    return render_template("admin/notices.html", person=person, form=form), (400 if form.errors else 200)
