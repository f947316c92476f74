"""Officer views: import wards and the postcode -> ward lookup from CSV."""

import csv
import io

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import func, select

from app.access import role_required
from app.domain.postcodes import HeaderError
from app.extensions import db
from app.models import Area, Council, Postcode, Ward
from app.officer import bp
from app.request_limits import accepts_upload
from app.services.audit import record
from app.services.geography import ImportRefused, import_postcodes

MAX_UPLOAD_BYTES = 20 * 1024 * 1024

ROW_ERRORS = {
    "bad_postcode": _l("not a UK postcode"),
    "bad_ward_code": _l("not a ward code like E05012345"),
    "duplicate_postcode": _l("the same postcode is given another ward earlier in the file"),
    "bad_character": _l("contains an invisible control character, which cannot be imported"),
    "name_too_long": _l("a ward or area name longer than 200 characters"),
}


class PostcodeUploadForm(FlaskForm):
    file = FileField(
        _l("Postcode lookup file (CSV)"),
        description=_l("An extract of the ONS Postcode Directory (columns pcds and osward, for wards already "
                       "defined; or pcds, wd24cd, wd24nm) or a file with the columns postcode, ward_code, ward_name, "
                       "area."),
        validators=[FileRequired(_l("Choose a CSV file to upload."))],
    )


def _council():
    return db.session.scalar(select(Council).order_by(Council.id).limit(1))


def _import_upload(form, council):
    """Import the uploaded postcode file (flushed, not committed): (counts, [], 0), or (None, the first 50 row
    errors, how many rows were wrong) with the reason on the form's file field."""
    data = form.file.data.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        form.file.errors.append(_("The file is larger than 20 MB. Use the command-line import for big files."))
        return None, [], 0
    try:
        rows = csv.reader(io.StringIO(data.decode("utf-8-sig")))
        return import_postcodes(db.session, council, rows), [], 0
    except UnicodeDecodeError:
        form.file.errors.append(_("The file must be a CSV file saved as UTF-8."))
    except (HeaderError, csv.Error):
        db.session.rollback()
        form.file.errors.append(_("The first row must name a postcode column and a ward code column."))
    except ImportRefused as refused:
        db.session.rollback()
        form.file.errors.append(
            _("%(count)d rows have problems. Nothing was imported. Correct them and upload again.",
              count=refused.count))
        return None, refused.errors[:50], refused.count
    return None, [], 0


@bp.route("/geography", methods=["GET", "POST"])
@role_required("officer")
@accepts_upload
def geography():
    form = PostcodeUploadForm()
    council = _council()
    row_errors, error_count = [], 0
    if form.validate_on_submit() and council is not None:
        counts, row_errors, error_count = _import_upload(form, council)
        if counts is not None:
            record(db.session, current_user, "geography.import", f"council:{council.id}", **counts)
            db.session.commit()
            flash(_("Imported %(rows)d postcodes: %(added)d new, %(moved)d moved to another ward, "
                    "%(wards)d new wards.", rows=counts["rows"], added=counts["postcodes_added"],
                    moved=counts["postcodes_moved"], wards=counts["wards_created"]), "success")
            return redirect(url_for("officer.geography"))
    areas = db.session.scalars(select(Area).order_by(Area.name)).all()
    unassigned = db.session.scalars(select(Ward).where(Ward.area_id.is_(None)).order_by(Ward.name)).all()
    postcode_count = db.session.scalar(select(func.count()).select_from(Postcode))
    status = 400 if form.errors else 200
    return render_template("officer/geography.html", form=form, areas=areas, unassigned=unassigned,
                           postcode_count=postcode_count, row_errors=row_errors, row_error_labels=ROW_ERRORS,
                           error_count=error_count), status
