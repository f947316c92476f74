"""Public results of published rounds: outcomes, explanations, turnout, charts and open data."""

from flask import Response, abort, render_template
from flask_babel import gettext as _

from app.extensions import db
from app.i18n import format_pence
from app.models import Pot, Round
from app.results import bp
from app.services import results as results_service
from app.services.audit import chain_head


def published_round_or_404(round_id):
    """Nothing of a round is visible before it is published."""
    round_ = db.session.get(Round, round_id)
    if round_ is None or round_.phase != "published":
        abort(404)
    return round_


def explanation_text(row, pot):
    """One sentence a resident can read about why a project was or was not funded."""
    e = row["explanation"]
    reason = e.get("reason")
    money_left = e.get("money_left_when_considered")
    if reason == "selected":
        if e.get("phase") == "completion":
            return _("Funded when the money left over was shared out by votes.")
        if pot.counting_rule.startswith("mes"):
            return _("Funded: its supporters' equal shares covered its cost.")
        return _("Funded: it had enough votes and fitted the money left.")
    if reason in ("did_not_fit", "completion_did_not_fit") and money_left is not None:
        return _("Not funded: it did not fit the %(left)s left.", left=format_pence(int(float(money_left))))
    if reason == "supporters_could_not_afford":
        could = e.get("supporters_could_pay") or 0
        return _("Not funded: its supporters could pay %(could)s of its %(cost)s cost with their equal shares.",
                 could=format_pence(int(float(could))), cost=format_pence(row["cost"]))
    if reason == "stopped_no_skip":
        return _("Not funded: counting stopped at an earlier project that did not fit.")
    if reason == "below_threshold":
        return _("Not funded: it did not reach the minimum number of votes.")
    if reason == "no_support":
        return _("Not funded: nobody voted for it.")
    return _("Not funded.")


def rule_text(pot):
    if pot.counting_rule == "greedy":
        return _("Projects were funded in order of votes, most first, as long as they fitted the money left.")
    text = _("The Method of Equal Shares: every voter had an equal share of the pot, and a project was funded "
             "when its supporters' shares could pay for it, the best value for its supporters first.")
    if pot.completion == "add1u":
        text += " " + _("Money left over was then used for the most-voted projects that still fitted.")
    return text


@bp.app_context_processor
def results_helpers():
    return {"explanation_text": explanation_text, "rule_text": rule_text}


@bp.get("/")
def index():
    return render_template("results/index.html", rounds=results_service.published_rounds(db.session))


@bp.get("/rounds/<int:round_id>")
def round_results(round_id):
    round_ = published_round_or_404(round_id)
    summary = results_service.round_summary(db.session, round_)
    return render_template("results/round.html", round=round_, summary=summary, chain_head=chain_head(db.session))


@bp.get("/rounds/<int:round_id>/results.csv")
def results_csv(round_id):
    round_ = published_round_or_404(round_id)
    return Response(results_service.results_csv(db.session, round_), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=round-{round_.id}-results.csv"})


@bp.get("/rounds/<int:round_id>/results.json")
def results_json(round_id):
    round_ = published_round_or_404(round_id)
    return Response(results_service.to_json(results_service.results_json(db.session, round_)),
                    mimetype="application/json")


@bp.get("/pots/<int:pot_id>/ballots.pb")
def ballots_pb(pot_id):
    pot = db.session.get(Pot, pot_id) or abort(404)
    published_round_or_404(pot.round_id)
    return Response(results_service.pabulib_export(db.session, pot), mimetype="text/plain",
                    headers={"Content-Disposition": f"attachment; filename=pot-{pot.id}-ballots.pb"})


@bp.get("/rounds/<int:round_id>/decision")
def decision_record(round_id):
    round_ = published_round_or_404(round_id)
    record_ = results_service.round_summary(db.session, round_)["decision"] or abort(404)
    return render_template("results/decision.html", round=round_, record=record_)
