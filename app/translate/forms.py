"""Translators' forms: an uploaded catalogue, a content translation, a review."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

FIELD_LABELS = {
    "title": _l("Title"),
    "description": _l("Description"),
    "name": _l("Name"),
    "instructions": _l("Ballot instructions"),
    "summary": _l("Summary"),
    "label": _l("Name of the priority"),
}
# (field class, longest text the column or the original form allows)
FIELD_KINDS = {
    ("round", "title"): (StringField, 200),
    ("round", "description"): (TextAreaField, 5000),
    ("pot", "name"): (StringField, 200),
    ("pot", "instructions"): (TextAreaField, 5000),
    ("proposal", "title"): (StringField, 200),
    ("proposal", "summary"): (TextAreaField, 600),
    ("priority", "label"): (StringField, 120),
}


class CatalogueUploadForm(FlaskForm):
    catalogue = FileField(
        _l("Corrected catalogue (.po file)"),
        description=_l("The file you downloaded from this page, edited in a .po editor such as Poedit. "
                       "It is checked before anything changes."),
        validators=[FileRequired(_l("Choose a .po file to upload."))],
    )


class ReviewForm(FlaskForm):
    pass


class ContentForm(FlaskForm):
    """One translation's boxes; content_form adds one per field of the original."""


def content_form(entity, field_names, **kwargs):
    """A form with one optional input per field of the original: a blank box shows the original (a blank form is
    no translation; app.domain.content.chosen_texts)."""
    attributes = {}
    for name in field_names:
        kind, limit = FIELD_KINDS[(entity, name)]
        attributes[name] = kind(FIELD_LABELS[name], validators=[
            Optional(), Length(max=limit, message=_l("Use %(max)d characters or fewer."))])
    return type("ContentForm", (ContentForm,), attributes)(**kwargs)
