"""Translators: coverage of each language, content side by side with its original, catalogue download/upload."""

from babel import Locale, UnknownLocaleError
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_number, format_percent, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.access import role_required
from app.catalogues import catalogue_directory, forget_cached_catalogues
from app.database import begin_write_transaction
from app.extensions import db
from app.i18n import current_locale_code
from app.problem_messages import message, messages
from app.request_limits import accepts_upload
from app.services import catalogues, content_translations
from app.translate import bp
from app.translate.forms import FIELD_LABELS, CatalogueUploadForm, ReviewForm, content_form

STATE_LABELS = {
    "missing": _l("Not translated"),
    "stale": _l("Original changed"),
    "translated": _l("Needs review"),
    "reviewed": _l("Reviewed"),
    "original": _l("Written in this language"),
}
ENTITY_LABELS = {"round": _l("Round"), "pot": _l("Pot"), "proposal": _l("Project idea"),
                 "priority": _l("Neighbourhood-plan priority")}
SHOWN_PROBLEMS = 20


def language_name(code):
    """The language's name in the reader's language ("Welsh" in English, "ویلش" in Urdu)."""
    try:
        return Locale.parse(code).get_display_name(current_locale_code()) or code
    except (ValueError, UnknownLocaleError):
        return code


def _language_or_404(lang):
    if lang not in current_app.config["SUPPORTED_LOCALES"]:
        abort(404)
    return lang


@bp.context_processor
def _labels():
    return {"state_labels": STATE_LABELS, "entity_labels": ENTITY_LABELS, "field_labels": FIELD_LABELS,
            "language_name": language_name, "number": format_number,
            "percent": lambda whole: format_percent(whole / 100)}


@bp.get("/")
@role_required("translator")
def index():
    directory = catalogue_directory()
    ui = dict(catalogues.catalogue_status(directory, db.session))
    languages = current_app.config["SUPPORTED_LOCALES"]
    content = {lang: content_translations.content_coverage(content_translations.content_items(db.session, lang)) for lang in languages}
    return render_template("translate/index.html", languages=languages, ui=ui, content=content)


@bp.get("/<lang>/")
@role_required("translator")
def language(lang):
    return _language_page(_language_or_404(lang), CatalogueUploadForm())


def _language_page(lang, form, problems=(), status=200):
    items = content_translations.content_items(db.session, lang)
    wanted = request.args.get("state", "")
    shown = [item for item in items if item.state != "original" and (not wanted or item.state == wanted)]
    ui = dict(catalogues.catalogue_status(catalogue_directory(), db.session)).get(lang)
    return render_template("translate/language.html", lang=lang, items=shown, wanted=wanted, form=form,
                           problems=problems, ui=ui, content=content_translations.content_coverage(items)), status


@bp.get("/<lang>/messages.po")
@role_required("translator")
def download(lang):
    directory = catalogue_directory()
    if lang not in catalogues.languages(directory):
        abort(404)
    return Response(catalogues.catalogue_bytes(directory, lang, db.session), mimetype="text/x-gettext-translation",
                    headers={"Content-Disposition": f"attachment; filename={lang}-messages.po"})


def _shown_problems(problems, lang):
    """The first SHOWN_PROBLEMS problems of an uploaded catalogue in words, then how many more there are."""
    shown = messages(problems[:SHOWN_PROBLEMS], language=language_name(lang))
    if len(problems) > SHOWN_PROBLEMS:
        more = len(problems) - SHOWN_PROBLEMS
        shown.append(ngettext("and %(num)d more problem.", "and %(num)d more problems.", more))
    return shown


@bp.post("/<lang>/messages.po")
@role_required("translator")
@accepts_upload
def upload(lang):
    directory = catalogue_directory()
    if lang not in catalogues.languages(directory):
        abort(404)
    form = CatalogueUploadForm()
    if not form.validate_on_submit():
        return _language_page(lang, form, status=400)
    begin_write_transaction(db.session)  # two uploads of one language queue: neither loses the other's strings
    result = catalogues.replace_catalogue(db.session, directory, lang, form.catalogue.data.read(), current_user)
    if not result.ok:
        db.session.rollback()
        form.catalogue.errors.append(_("The catalogue was not changed. Correct the file and upload it again."))
        return _language_page(lang, form, _shown_problems(result.checked.problems, lang), status=400)
    db.session.commit()
    forget_cached_catalogues()
    flash(ngettext("%(language)s catalogue saved: %(num)d string changed.",
                   "%(language)s catalogue saved: %(num)d strings changed.", result.changed,
                   language=language_name(lang)), "success")
    if result.ignored:
        flash(ngettext("%(num)d string in the file is no longer used by the service and was ignored.",
                       "%(num)d strings in the file are no longer used by the service and were ignored.",
                       result.ignored), "info")
    return redirect(url_for("translate.language", lang=lang))


def _item_or_404(entity, entity_id, lang):
    if entity not in content_translations.ENTITIES:
        abort(404)
    item = content_translations.content_item(db.session, entity, entity_id, lang)
    if item is None or item.state == "original":
        abort(404)
    return item


@bp.route("/<lang>/<entity>/<int:entity_id>", methods=["GET", "POST"])
@role_required("translator")
def edit(lang, entity, entity_id):
    lang = _language_or_404(lang)
    item = _item_or_404(entity, entity_id, lang)
    names = [f.name for f in item.fields]
    form = content_form(entity, names, data={f.name: f.translation for f in item.fields})
    for f in item.fields:
        form[f.name].label.text = _("%(field)s in %(language)s", field=FIELD_LABELS[f.name],
                                    language=language_name(lang))
    if form.validate_on_submit():
        try:
            changed = content_translations.save_content(db.session, entity, entity_id, lang,
                                                {name: form[name].data for name in names}, current_user)
        except content_translations.TranslationRefused as refused:
            db.session.rollback()
            flash(message(refused.problems[0]), "error")
        else:
            db.session.commit()
            flash(_("Translation saved. Another translator can now review it.") if changed
                  else _("Nothing changed."), "success")
        return redirect(url_for("translate.edit", lang=lang, entity=entity, entity_id=entity_id))
    return render_template("translate/edit.html", lang=lang, item=item, form=form,
                           own_translation=current_user.id in item.translator_ids), (400 if form.errors else 200)


@bp.post("/<lang>/<entity>/<int:entity_id>/review")
@role_required("translator")
def review(lang, entity, entity_id):
    lang = _language_or_404(lang)
    _item_or_404(entity, entity_id, lang)
    if not ReviewForm().validate_on_submit():
        abort(400)
    try:
        reviewed = content_translations.mark_reviewed(db.session, entity, entity_id, lang, current_user)
    except content_translations.TranslationRefused as refused:
        db.session.rollback()
        flash(message(refused.problems[0]), "error")
    else:
        if reviewed:
            db.session.commit()
            flash(_("Marked as reviewed."), "success")
        else:
            flash(_("Only a complete, up-to-date translation can be marked as reviewed."), "error")
    return redirect(url_for("translate.edit", lang=lang, entity=entity, entity_id=entity_id))
