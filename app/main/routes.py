"""Public pages, and the template helpers that show officers' and residents' content in the reader's language."""

from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select

from app.extensions import db
from app.i18n import SESSION_LOCALE_KEY, current_locale_code
from app.main import bp
from app.models import Round
from app.services import content


def content_lang(picked):
    """` lang="cy"` for text shown in another language than the page (WCAG 3.1.2), else nothing."""
    return Markup(' lang="%s"') % picked.locale if picked.is_fallback else Markup("")


def content_inline(picked):
    """Picked text for a sentence ("Results: %(title)s"), in a span with its own lang when it is a fallback."""
    if not picked.is_fallback:
        return escape(picked.text)
    return Markup("<span%s>%s</span>") % (content_lang(picked), picked.text)


@bp.app_context_processor
def content_helpers():
    """Every page shows rounds, pots and proposals through these, so each reads the same fallback rule.

    Each helper returns a Picked (text, locale, is_fallback); it prints as its text.
    """
    def in_reader_language(text_of):
        return lambda obj, field: text_of(db.session, obj, field, current_locale_code())

    return {"round_text": in_reader_language(content.round_text), "pot_text": in_reader_language(content.pot_text),
            "proposal_text": in_reader_language(content.proposal_text), "content_lang": content_lang,
            "content_inline": content_inline}


@bp.get("/")
def index():
    rounds = db.session.scalars(select(Round).where(Round.phase != "draft").order_by(Round.id.desc())).all()
    return render_template("main/index.html", rounds=rounds)


@bp.post("/language")
def set_language():
    """Remember the chosen language in the session, and as the saved preference when signed in."""
    locale = request.form.get("locale", "")
    if locale in current_app.config["SUPPORTED_LOCALES"]:
        session[SESSION_LOCALE_KEY] = locale
        if current_user.is_authenticated:
            current_user.preferred_locale = locale
            db.session.commit()
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("main.index")
    return redirect(target)


@bp.get("/accessibility")
def accessibility():
    return render_template("main/accessibility.html")


@bp.get("/privacy")
def privacy():
    return render_template("main/privacy.html")
