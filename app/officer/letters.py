"""Letters to post: officers print the notices residents without e-mail asked to get by post, then mark them
posted. Each letter is in the resident's language (rendered when it was queued)."""

import csv
import io

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import InputRequired

from app.access import role_required
from app.domain.open_data import csv_safe
from app.extensions import db
from app.officer import bp
from app.services import letters as letter_service


class PostedForm(FlaskForm):
    up_to = HiddenField(validators=[InputRequired()])  # the newest letter on the printed page


@bp.get("/letters")
@role_required("officer")
def letters():
    waiting = letter_service.waiting(db.session)
    form = PostedForm(up_to=str(waiting[-1].id) if waiting else "")
    return render_template("officer/letters.html", letters=waiting, form=form)


@bp.post("/letters/posted")
@role_required("officer")
def letters_posted():
    form = PostedForm()
    if form.validate_on_submit() and (form.up_to.data or "").isdigit():
        count = letter_service.mark_posted(db.session, current_user, int(form.up_to.data))
        db.session.commit()
        flash(ngettext("%(num)d letter marked as posted.", "%(num)d letters marked as posted.", count), "success")
    return redirect(url_for("officer.letters"))


@bp.get("/letters.csv")
@role_required("officer")
def letters_csv():
    """The waiting letters for a mail-merge or a print service: one row per letter."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["letter_id", "name", "address", "postcode", "language", "subject", "body"])
    for letter in letter_service.waiting(db.session):
        writer.writerow([letter.id, *(csv_safe(v) for v in (letter.name, letter.address, letter.postcode or "",
                                                            letter.locale, letter.subject, letter.body))])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="letters-to-post.csv"'})
