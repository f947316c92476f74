"""Public results of published rounds: outcomes, explanations, turnout, charts and open data.

Every route loads its round through published_round_or_404: a round in any other phase does not
exist for the public (404), so no count leaks through HTML, CSV, JSON or the .pb download.
"""

from functools import wraps

from flask import Response, abort, g, make_response, render_template, request, session
from flask_login import current_user
from markupsafe import Markup

from app.access import published_round_or_404
from app.extensions import db
from app.i18n import current_locale_code
from app.models import Pot
from app.results import bp
from app.results.page_cache import results_content, visitor_pages
from app.services import delivery as delivery_service
from app.services import results as results_service
from app.services.audit import published_heads, published_heads_csv
from app.services.content import page_texts
from app.services.decisions import published_record


def published_pot_or_404(pot_id):
    pot = db.session.get(Pot, pot_id) or abort(404)
    published_round_or_404(pot.round_id)
    return pot


def _download(body, mimetype, filename):
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={filename}"})


PUBLIC_MAX_AGE = 60  # seconds a browser, proxy or CDN may keep a published page before asking again


def _personal():
    """Signed in, or a message waiting to be shown: the page is this person's own."""
    return current_user.is_authenticated or bool(session.get("_flashes"))


def public_when_anonymous(view):
    """Serve a published page to a visitor who is not signed in the same as to every other such visitor, so a
    proxy or CDN can keep it (Cache-Control: public) and a results-day crowd need not reach Python.

    Such a page holds no CSRF token and sets no cookie: the token is set to "" before rendering, so
    csrf_token() in a template neither makes one nor writes the session (base.html must offer nothing that
    needs it to a visitor who is not signed in: the language switcher as links). The page varies only by
    what picks its language (app.i18n: the session cookie's choice, else Accept-Language) and by the
    cookie that would make it personal, hence Vary: Cookie, Accept-Language. Signed-in pages stay no-store.
    """

    @wraps(view)
    def wrapped(*args, **kwargs):
        if _personal():
            return view(*args, **kwargs)
        g.csrf_token = ""  # what flask_wtf.csrf.generate_csrf returns for the rest of this request
        response = make_response(view(*args, **kwargs))
        # A response that writes the session (Flask-Login marks an old session not fresh, once) is never public.
        if response.status_code == 200 and not session.modified:
            response.cache_control.public = True
            response.cache_control.max_age = PUBLIC_MAX_AGE
            response.vary.update(("Cookie", "Accept-Language"))
        return response

    return wrapped


@bp.get("/")
@public_when_anonymous
def index():
    rounds = results_service.published_rounds(db.session)
    return render_template("results/index.html", rounds=rounds,
                           texts=page_texts(db.session, current_locale_code(), rounds=rounds))


@bp.get("/rounds/<int:round_id>")
@public_when_anonymous
def round_results(round_id):
    # The most visited page: one small query first; the round itself is loaded only to render. A new audit
    # entry (a published head among them) means a fresh render.
    head = results_service.published_version(db.session, round_id) or abort(404)
    locale = current_locale_code()

    def page():
        round_ = published_round_or_404(round_id)

        def render():
            summary = results_service.round_summary(db.session, round_)
            html = render_template("results/_round.html", round=round_, summary=summary, texts=_summary_texts(summary),
                                   published_heads=published_heads(db.session, limit=PUBLISHED_HEADS_SHOWN))
            return Markup(html)  # noqa: S704 (autoescaped template output)

        content = results_content.get_or_render((round_.id, locale, head), render)
        awards = delivery_service.round_awards(db.session, round_)
        return render_template("results/round.html", round=round_, content=content, awards=awards,
                               texts=page_texts(db.session, locale, rounds=[round_], proposals=[a.proposal for a in awards]))

    if _personal():
        return page()  # the navigation or a message is this person's own
    # Every visitor who is not signed in sees the same page in a language (public_when_anonymous).
    return visitor_pages.get_or_render((request.full_path, locale, head), page)


def _summary_texts(summary):
    """Every text a round's results show in the reader's language: the round, its pots and their projects (one
    query)."""
    return page_texts(db.session, current_locale_code(), rounds=[summary["round"]],
                      pots=[entry["pot"] for entry in summary["pots"]],
                      proposals=[row["proposal"] for entry in summary["pots"] for row in entry["rows"]])


PUBLISHED_HEADS_SHOWN = 5  # the newest on the page; all of them in audit-heads.csv and /api/audit/heads


@bp.get("/audit-heads.csv")
def audit_heads_csv():
    """Open data: every audit chain head ever published, with its time (anyone can keep a copy)."""
    return _download(published_heads_csv(db.session), "text/csv", "audit-heads.csv")


@bp.get("/rounds/<int:round_id>/participation")
@public_when_anonymous
def participation(round_id):
    round_ = published_round_or_404(round_id)
    return render_template("results/participation.html", round=round_,
                           report=results_service.participation_report(db.session, round_))


@bp.get("/rounds/<int:round_id>/results.csv")
def results_csv(round_id):
    round_ = published_round_or_404(round_id)
    return _download(results_service.results_csv(db.session, round_), "text/csv",
                     f"round-{round_.id}-results.csv")


@bp.get("/rounds/<int:round_id>/results.json")
def results_json(round_id):
    round_ = published_round_or_404(round_id)
    return _download(results_service.to_json(results_service.results_json(db.session, round_)),
                     "application/json", f"round-{round_.id}-results.json")


@bp.get("/rounds/<int:round_id>/priorities.csv")
def priorities_csv(round_id):
    """Open data: money the board awarded per neighbourhood-plan priority."""
    round_ = published_round_or_404(round_id)
    return _download(results_service.money_per_priority_csv(db.session, round_), "text/csv",
                     f"round-{round_.id}-money-per-priority.csv")


@bp.get("/pots/<int:pot_id>/ballots.pb")
def ballots_pb(pot_id):
    pot = published_pot_or_404(pot_id)
    return _download(results_service.pabulib_export(db.session, pot), "text/plain",
                     f"round-{pot.round_id}-pot-{pot.id}-ballots.pb")


@bp.get("/rounds/<int:round_id>/decision")
@public_when_anonymous
def decision_record(round_id):
    round_ = published_round_or_404(round_id)
    record_ = published_record(db.session, round_) or abort(404)
    return render_template("results/decision.html", round=round_, record=record_)
