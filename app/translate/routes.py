"""Translators: coverage of each language pack, and the catalogue to download."""

from flask import Response, abort, render_template

from app.access import role_required
from app.services import translations
from app.translate import bp


@bp.get("/")
@role_required("translator")
def index():
    return render_template("translate/index.html", status=translations.catalogue_status())


@bp.get("/<lang>/messages.po")
@role_required("translator")
def download(lang):
    if lang not in translations.languages():
        abort(404)
    with open(translations.catalogue_path(lang), "rb") as handle:
        data = handle.read()
    return Response(data, mimetype="text/x-gettext-translation",
                    headers={"Content-Disposition": f"attachment; filename={lang}-messages.po"})
