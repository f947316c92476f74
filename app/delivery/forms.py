from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.delivery.labels import STATUS_WORDS
from app.domain.delivery import MAX_ALT_CHARS, MAX_TITLE_CHARS, MAX_UPDATE_CHARS
from app.form_fields import DateInputField, MoneyField


class DeliveryForm(FlaskForm):
    status = SelectField(_l("Status"), choices=[SelectChoice(code, word) for code, word in STATUS_WORDS.items()])
    target_date = DateInputField(_l("Target date (optional)"), validators=[Optional()], error_name=_l("Target date"),
                                 description=_l("For example, 31 3 2027"))
    spent = MoneyField(_l("Money spent so far (£)"), validators=[InputRequired(_l("Enter the money spent so far, "
                                                                                  "like 0 or 1250.50."))])
    proposer_may_update = BooleanField(_l("The proposer's group may post public updates"))


class MilestoneForm(FlaskForm):
    title = StringField(_l("Milestone"), validators=[Length(max=MAX_TITLE_CHARS)])
    due_date = DateInputField(_l("Date"), validators=[Optional()], error_name=_l("Milestone date"),
                              description=_l("For example, 31 3 2027"))


class UpdateForm(FlaskForm):
    body = TextAreaField(_l("Update"), validators=[Length(max=MAX_UPDATE_CHARS)])
    photo = FileField(_l("Photo (optional)"),
                      description=_l("A JPEG, PNG, WebP or GIF image up to 10 MB. Its location and camera "
                                     "details are removed."))
    photo_alt = StringField(_l("Describe the photo (needed if you add one)"),
                            validators=[Length(max=MAX_ALT_CHARS)])
