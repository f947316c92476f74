from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length


class ReceiptForm(FlaskForm):
    code = StringField(_l("Receipt code"), description=_l("For example, ABCD-EFGH-JKLM."),
                       validators=[InputRequired(_l("Enter your receipt code.")), Length(max=40)])
