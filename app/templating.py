"""Everything templates can call: globals, filters and the helpers that put content and codes into words.

Registered on the app by register_templating (called from create_app), so no blueprint adds app-wide helpers.
"""

from babel.dates import get_datetime_format
from flask import g, request
from flask_babel import format_date, format_time, get_locale
from flask_login import current_user
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from markupsafe import Markup, escape
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DecimalField,
    FileField,
    IntegerField,
    MultipleFileField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import Length

from app.config import LOCALE_NAMES
from app.delivery.labels import light_word, status_word
from app.domain.content import pick_translation
from app.extensions import db
from app.form_fields import DateInputField
from app.i18n import current_locale_code, format_pence, pick_label, text_direction
from app.labels import STATUS_LABELS, phase_colour, phase_label, pot_setting_label
from app.models import Council
from app.problem_messages import message as problem_message
from app.results_text import (
    age_band_label,
    board_label,
    count_result_label,
    count_text,
    decision_label,
    explanation_text,
    rule_text,
    score_label,
    share_text,
    tie_note,
)
from app.services import content
from app.services import delivery as delivery_service
from app.services import priorities as priority_service


def register_templating(app):
    """Put the template globals, filters and context processors on app."""
    # GOV.UK Frontend's component macros: {% from "govuk_frontend_jinja/components/button/macro.html" ... %}
    app.jinja_loader = ChoiceLoader([
        app.jinja_loader,
        PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
    ])
    app.jinja_env.globals.update(
        locale_names=LOCALE_NAMES,
        current_locale_code=current_locale_code,
        text_direction=text_direction,
        site_council=site_council,
        council_text=council_text,
        field_kind=field_kind,
        field_params=field_params,
        choice_items=choice_items,
        error_target=error_target,
        current_path=current_path,
    )
    app.jinja_env.tests["markup"] = lambda value: isinstance(value, Markup)
    app.jinja_env.filters.update(
        pence=format_pence,
        london_date=lambda value, fmt="long": format_date(value, fmt) if value else "",
        london_datetime=london_datetime,
    )
    app.jinja_env.add_extension("jinja2.ext.do")
    for helpers in (content_helpers, phase_helpers, proposal_helpers, voting_helpers, results_helpers,
                    delivery_helpers):
        app.context_processor(helpers)



def london_datetime(value, fmt="medium"):
    """A date and time in UK time, in the reader's language, to the minute: "1 Jul 2026, 18:00" (medium),
    "1 July 2026, 18:00" (long). Seconds mean nothing to a resident, so the time is always Babel's short one."""
    if not value:
        return ""
    pattern = get_datetime_format(fmt, locale=get_locale())
    return pattern.replace("'", "").replace("{0}", format_time(value, "short")).replace("{1}", format_date(value, fmt))

def site_council():
    """The council this site serves (made by `flask council create`), or None before it exists; once a request."""
    if "site_council" not in g:
        g.site_council = db.session.scalar(select(Council).order_by(Council.id).limit(1))
    return g.site_council


def council_text(field):
    """The council's own text (privacy_notice or accessibility_statement) in the reader's language, through the
    one fallback rule; None when the council wrote none."""
    council = site_council()
    values = (getattr(council, field) or {}) if council is not None else {}
    picked = pick_translation(values, current_locale_code(), "en")
    return picked if picked.text else None


def content_lang(picked, auto=True):
    """` dir="auto"` on people's own words (titles, summaries), so each takes its direction and alignment from
    its own first letters: an English title on an Urdu page starts at the left, an Urdu one on an English page
    at the right. Plus ` lang="cy"` for text shown in another language than the page (WCAG 3.1.2).
    auto=False: the lang alone (an <option>, an SVG <text>, which set their direction otherwise)."""
    direction = Markup(' dir="auto"') if auto else Markup("")
    return (Markup(' lang="%s"') % picked.locale if picked.is_fallback else Markup("")) + direction


def content_inline(picked):
    """Picked text for a sentence ("Results: %(title)s"), in a span with its own lang when it is a fallback."""
    if not picked.is_fallback:
        return escape(picked.text)
    return Markup("<span%s>%s</span>") % (content_lang(picked), picked.text)


def content_helpers():
    """Every page shows rounds, pots and proposals through `texts` (texts.round(obj, field), texts.pot, texts.proposal),
    so each reads the same fallback rule; each returns a Picked (text, locale, is_fallback) that prints as its text.

    A view that lists content passes its own `texts` (app.services.content.page_texts: one query for the page);
    elsewhere this request's lookup loads each object's texts on first use. Staff pages show what was written,
    original(obj, field), marked with its language by content_lang / content_inline like a fallback.
    """
    return {"texts": request_texts(), "content_lang": content_lang, "content_inline": content_inline,
            "original": lambda obj, field: content.original_text(obj, field, current_locale_code())}


def request_texts():
    """This request's lookup of translated content in the reader's language (app.services.content.PageTexts)."""
    locale = current_locale_code()
    cache = g.setdefault("page_texts", {})
    if locale not in cache:
        cache[locale] = content.PageTexts(db.session, locale)
    return cache[locale]


def delivery_helpers():
    """Words and lights for templates, and what the results and proposal pages include about delivery."""
    return {"delivery_status_word": status_word, "delivery_light_word": light_word,
            "delivery_award": lambda proposal_id: delivery_service.award_for(db.session, proposal_id),
            "delivery_today": delivery_service.today_london,
            "delivery_may_update": lambda award: delivery_service.may_update(current_user, award)}


def results_helpers():
    return {"explanation_text": explanation_text, "rule_text": rule_text, "score_label": score_label,
            "decision_label": decision_label, "age_band_label": age_band_label, "count_text": count_text,
            "share_text": share_text, "count_result_label": count_result_label, "board_label": board_label,
            "tie_note": tie_note}


def phase_helpers():
    return {"phase_label": phase_label, "phase_colour": phase_colour, "pot_setting_label": pot_setting_label}


def proposal_helpers():
    return {"status_label": lambda s: STATUS_LABELS[s](), "priority_money": _priority_money}


def _priority_money(awards):
    """[(label, pence)] awarded per priority; "" for awards with no priority (the template says so)."""
    return [(pick_label(labels, code), pence)
            for code, labels, pence in priority_service.money_per_priority(db.session, awards)]


def voting_helpers():
    """Ballot problems in words (pot and round labels: content_helpers)."""
    return {"ballot_problem_message": problem_message}


# ---- WTForms fields as GOV.UK Frontend components (used by app/templates/_macros/forms.html) ----

def field_kind(field):
    """Which GOV.UK component shows this field: input, textarea, select, file, checkbox, checkboxes, radios, date."""
    for cls, kind in ((DateInputField, "date"), (BooleanField, "checkbox"), (RadioField, "radios"),
                      (SelectMultipleField, "checkboxes"), (SelectField, "select"), (TextAreaField, "textarea"),
                      (MultipleFileField, "file"), (FileField, "file")):
        if isinstance(field, cls):
            return kind
    return "input"


def field_params(field):
    """What a component needs from a field beyond its label: type, value, inputmode, maxlength, attributes."""
    attributes = dict(field.render_kw or {})
    rows = attributes.pop("rows", None)
    attributes.pop("class", None)
    input_type = getattr(field.widget, "input_type", "text") or "text"
    inputmode = None
    if isinstance(field, IntegerField | DecimalField) or input_type == "number":
        # The Design System asks for numbers in a text box with a numeric keyboard, not type=number.
        input_type, inputmode = "text", "decimal" if isinstance(field, DecimalField) else "numeric"
    maxlength = next((v.max for v in field.validators if isinstance(v, Length) and v.max and v.max > 0), None)
    value = None if isinstance(field, PasswordField) or not hasattr(field, "_value") else field._value()
    return {"type": input_type, "value": value, "inputmode": inputmode, "maxlength": maxlength,
            "rows": rows, "attributes": attributes}


def choice_items(field, reveals=None, hint_for=None):
    """A select, radios' or checkboxes' choices as GOV.UK items, each with the id WTForms gives it (name-0, …)."""
    kind = field_kind(field)
    items = []
    for n, (value, label, selected, render_kw) in enumerate(field.iter_choices()):
        value = "" if value is None else str(value)
        item = {"value": value, "attributes": dict(render_kw or {})}
        if isinstance(label, Markup):
            item["html"] = label
        else:
            item["text"] = str(label)
        if kind == "select":
            item["selected"] = selected
        else:
            item["checked"] = selected
            item["id"] = f"{field.id}-{n}"
            if reveals and value in reveals:
                item["conditional"] = {"html": reveals[value]}
            if hint_for and value in hint_for:
                item["hint"] = {"text": hint_for[value]}
        items.append(item)
    return items


def error_target(field):
    """The id an error summary link for this field goes to: the first box of a date, the first choice of a
    group of radios or checkboxes (as the Design System does), else the field itself."""
    kind = field_kind(field)
    if kind == "date":
        return field.error_target
    if kind in ("radios", "checkboxes"):
        return f"{field.id}-0"
    return field.id


def current_path():
    """This page's path and query, for the language links' `next`; the home page after a POST."""
    return request.full_path.rstrip("?") if request.method == "GET" else "/"
