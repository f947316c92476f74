from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.delivery.labels import STATUS_WORDS
from app.domain.delivery import MAX_ALT_CHARS, MAX_TITLE_CHARS, MAX_UPDATE_CHARS
from app.form_fields import MoneyField


class UKDateField(DateField):
    """A date typed as 2027-03-31 (what a date input sends), with a message in the reader's language."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Enter a real date, like 2027-03-31.")) from error


class DeliveryForm(FlaskForm):
    status = SelectField(_l("Status"), choices=[SelectChoice(code, word) for code, word in STATUS_WORDS.items()])
    target_date = UKDateField(_l("Target date (optional)"), validators=[Optional()],
                            description=_l("For example, 2027-03-31"))
    spent = MoneyField(_l("Money spent so far (£)"), validators=[InputRequired(_l("Enter the money spent so far, "
                                                                                  "like 0 or 1250.50."))])
    proposer_may_update = BooleanField(_l("The proposer's group may post public updates"))


class MilestoneForm(FlaskForm):
    title = StringField(_l("Milestone"), validators=[Length(max=MAX_TITLE_CHARS)])
    due_date = UKDateField(_l("Date"), validators=[Optional()], description=_l("For example, 2027-03-31"))


class UpdateForm(FlaskForm):
    body = TextAreaField(_l("Update"), validators=[Length(max=MAX_UPDATE_CHARS)])
    photo = FileField(_l("Photo (optional)"),
                      description=_l("A JPEG, PNG, WebP or GIF image up to 10 MB. Its location and camera "
                                     "details are removed."))
    photo_alt = StringField(_l("Describe the photo (needed if you add one)"),
                            validators=[Length(max=MAX_ALT_CHARS)])
