from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import InputRequired

from app.form_fields import DateInputField


class DecisionForm(FlaskForm):
    """CSRF only (confirming a record); the record's other fields are per member and per project, read from
    request.form by app.board.routes._parse."""


class DecisionRecordForm(DecisionForm):
    """The decision record: its meeting date in three boxes (day, month, year); the rest is read by _parse."""

    meeting_date = DateInputField(_l("Meeting date"), validators=[InputRequired(_l("Enter the meeting date"))],
                                  description=_l("For example, 30 11 2026"))
