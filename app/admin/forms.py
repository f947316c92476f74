from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.config import LOCALE_NAMES, RTL_LOCALES, SUPPORTED_LOCALES
from app.domain.brand import MAX_LOGO_BYTES
from app.form_fields import (
    BOARD_ROLE_LABELS,
    DateInputField,
    MultiCheckboxField,
    NoticeChoicesChecks,
    mobile_phone_field,
    notice_channel_field,
    notifications_field,
)

ROLE_LABELS = {
    "officer": _l("Council officer"),
    "board": _l("Neighbourhood Board member"),
    "translator": _l("Translator"),
    "admin": _l("Administrator"),
    "polling_helper": _l("Polling helper"),
}
# Polling helpers are named per round by an officer (officer.helpers), not given here.
ROLE_CHOICES = [SelectChoice(code, label) for code, label in ROLE_LABELS.items() if code != "polling_helper"]


class GrantRoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[InputRequired()])
    area = SelectField(_l("Area"), choices=[], coerce=str,
                       description=_l("Board members: the area whose board they sit on. Officers: an area they are "
                                      "the contact officer for (optional)."))
    board_role = SelectField(_l("Role on the board (board members only)"),
                             choices=[SelectChoice(k, v) for k, v in BOARD_ROLE_LABELS.items()],
                             default="ward_councillor")


class RevokeForm(FlaskForm):
    pass


def _reason(label, message):
    return TextAreaField(label, validators=[DataRequired(message), Length(max=500)])


class SuspendForm(FlaskForm):
    reason = _reason(_l("Why are you suspending this account?"),
                     _l("Say why you are suspending this account. It is kept in the audit log."))


class ReactivateForm(FlaskForm):
    reason = _reason(_l("Why are you reactivating this account?"),
                     _l("Say why you are reactivating this account. It is kept in the audit log."))


class CorrectWardForm(FlaskForm):
    ward = SelectField(_l("Ward the resident lives in"), choices=[], validators=[InputRequired(_l("Choose a ward."))])
    reason = _reason(_l("Why is the ward being corrected?"),
                     _l("Say why the ward is being corrected, for example what proof of address you saw."))


class AuditFilterForm(FlaskForm):
    """Filters for the audit log, read from the query string (a GET form: nothing to protect with CSRF)."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), choices=[], validators=[Optional()])
    actor = StringField(_l("Done by (e-mail address or part of it)"), validators=[Optional(), Length(max=254)])
    date_from = DateInputField(_l("From (date)"), description=_l("For example, 30 11 2026"), validators=[Optional()],
                               error_name=_l("The start date"))
    date_to = DateInputField(_l("To (date)"), description=_l("For example, 31 12 2026"), validators=[Optional()],
                             error_name=_l("The end date"))

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date must be on or after the start date."))


class AreaForm(FlaskForm):
    name = StringField(_l("Name of the area"), validators=[DataRequired(_l("Enter the area's name.")), Length(max=200)])


class AreaWardsForm(AreaForm):
    wards = MultiCheckboxField(_l("Wards in this area"), choices=[], coerce=int, validate_choice=True)


class CouncilForm(FlaskForm):
    name = StringField(_l("Council name"), validators=[DataRequired(_l("Enter the council's name.")), Length(max=200)])
    email = StringField(_l("Contact e-mail address"), validators=[DataRequired(_l("Enter an e-mail address.")),
                                                                 Length(max=254)])
    phone = StringField(_l("Contact phone number"), validators=[DataRequired(_l("Enter a phone number.")),
                                                               Length(max=40)])
    public_url = StringField(_l("This site's public address"), description=_l("For example, https://budgets.example.gov.uk"),
                             validators=[DataRequired(_l("Enter the site's address.")), Length(max=300)])
    brand_colour = StringField(_l("Brand colour (optional)"),
                               description=_l("A hex code, like #1d4f7a. The header shows white text on it, so it "
                                              "must be dark enough: a contrast of at least 4.5 to 1 with white."),
                               validators=[Optional(), Length(max=20)])
    logo = FileField(_l("Logo (optional)"),
                     description=_l("A PNG or JPEG image, up to 200 KB. It is shown 60 pixels high beside the "
                                    "council's name."))
    remove_logo = BooleanField(_l("Remove the logo"))

    def council_input(self, locales):
        """What save_council_page takes from the form; the logo's bytes (one more than allowed, so a file too
        large is seen as one) only when a file was chosen."""
        upload = self.logo.data
        return dict(name=self.name.data, email=self.email.data, phone=self.phone.data,
                    public_url=self.public_url.data, colour=self.brand_colour.data,
                    privacy_notice={code: self[f"privacy_{code}"].data for code in locales},
                    accessibility_statement={code: self[f"accessibility_{code}"].data for code in locales},
                    logo_bytes=upload.read(MAX_LOGO_BYTES + 1) if upload and upload.filename else None,
                    remove_logo=self.remove_logo.data)


def council_form(council, prefill):
    """The council's page, filled from the council when prefill (a GET), else bound to what was posted."""
    if not prefill:
        return CouncilForm()
    data = {"name": council.name, "email": council.contact_email, "phone": council.contact_phone,
            "public_url": council.public_url, "brand_colour": council.brand_colour or ""}
    for field, texts in (("privacy", council.privacy_notice), ("accessibility", council.accessibility_statement)):
        data.update({f"{field}_{code}": text for code, text in (texts or {}).items()})
    return CouncilForm(data=data)


def _council_text_fields():
    """One textarea per shipped language for each of the council's own texts (read in that language)."""
    for code in SUPPORTED_LOCALES:
        direction = "rtl" if code in RTL_LOCALES else "ltr"
        for field, label in (("privacy", _l("Privacy notice (%(language)s)", language=LOCALE_NAMES[code])),
                             ("accessibility", _l("Accessibility statement (%(language)s)",
                                                  language=LOCALE_NAMES[code]))):
            setattr(CouncilForm, f"{field}_{code}", TextAreaField(
                label, validators=[Optional(), Length(max=20000)], render_kw={"lang": code, "dir": direction, "rows": 6}))


_council_text_fields()


class NoticesForm(NoticeChoicesChecks, FlaskForm):
    """The notices a resident registered in person asks staff for, until they take the account over."""

    notifications = notifications_field(_l("Notices the resident would like (optional)"))
    notice_channel = notice_channel_field()
    phone = mobile_phone_field()
