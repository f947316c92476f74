from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField
from wtforms.validators import InputRequired

ROLE_CHOICES = [
    SelectChoice("officer", _l("Council officer")),
    SelectChoice("board", _l("Neighbourhood Board member")),
    SelectChoice("translator", _l("Translator")),
    SelectChoice("admin", _l("Administrator")),
]


class GrantRoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[InputRequired()])
    area = SelectField(_l("Board area (for board members)"), choices=[], coerce=str)


class RevokeForm(FlaskForm):
    pass
