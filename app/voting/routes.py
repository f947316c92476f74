"""Residents' ballots: see the pots you may vote in, cast or change a ballot, check a receipt."""

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from app.access import login_required
from app.domain import ballots as ballot_rules
from app.domain.phases import voting_has_opened
from app.eligibility_text import eligibility_message
from app.extensions import db, limiter
from app.i18n import format_pence
from app.models import Pot, Round
from app.services import results as results_service
from app.services import voting as voting_service
from app.voting import bp
from app.voting.forms import BallotForm, ReceiptForm


def problem_message(problem):
    """A translated sentence for a ballot problem or refusal code."""
    if isinstance(problem, ballot_rules.TooManyChoices):
        return ngettext("You can choose %(num)d project. You chose %(chosen)d.",
                        "You can choose up to %(num)d projects. You chose %(chosen)d.", problem.allowed,
                        chosen=problem.chosen)
    if isinstance(problem, ballot_rules.OverBudget):
        return _("Your choices cost %(total)s, which is more than the %(cap)s in the pot.",
                 total=format_pence(problem.total_pence), cap=format_pence(problem.cap_pence))
    if isinstance(problem, ballot_rules.TooManyPoints):
        return _("You gave %(total)d points. You have %(allowed)d to spread.", total=problem.total,
                 allowed=problem.allowed)
    if isinstance(problem, ballot_rules.TooManyPointsForOne):
        return _("You can give at most %(allowed)d points to one project.", allowed=problem.allowed)
    if isinstance(problem, ballot_rules.BadPoints):
        return _("Points must be whole numbers of 0 or more.")
    if isinstance(problem, ballot_rules.DuplicateRank):
        return _("Each project can only have one rank.")
    if isinstance(problem, ballot_rules.UnknownProject):
        return _("One of your choices is not on this ballot. Please choose again.")
    if isinstance(problem, ballot_rules.EmptyBallot):
        return _("Choose at least one project before you vote.")
    if isinstance(problem, str) and eligibility_message(problem):
        return eligibility_message(problem)
    return {
        "voting_closed": _("Voting in this round has closed. Your ballot was not stored."),
        "held_for_merge": _("This account matches another registration of the same person. The council will "
                            "check them and merge them before this account can vote."),
        "voted_on_paper": _("You have already voted on paper in this pot, so you cannot vote online."),
        "try_again": _("Something went wrong while storing your ballot. Nothing was stored. Please try again."),
        "duplicate_position": _("Each rank can only be used once."),
        "not_found": _("This ballot does not exist."),
    }.get(problem, _("Your ballot could not be stored. Please check it and try again."))


@bp.app_context_processor
def voting_helpers():
    """Ballot problems in words (pot and round labels: app.main.routes.content_helpers)."""
    return {"ballot_problem_message": problem_message}


@bp.get("/")
@login_required
def index():
    open_rounds = db.session.scalars(select(Round).where(Round.phase == "voting")).all()
    entries = []
    for round_ in open_rounds:
        if not voting_service.voting_is_open(round_):
            continue
        for pot in round_.pots:
            reasons = voting_service.eligibility_problems(current_user, round_, pot)
            participation = voting_service.participation_of(db.session, current_user, pot)
            entries.append((round_, pot, reasons, participation))
    return render_template("voting/index.html", entries=entries)


def _pot_or_404(pot_id):
    """A pot whose round has reached voting; after the close its page stays, saying voting has closed."""
    pot = db.session.get(Pot, pot_id)
    if pot is None or not voting_has_opened(pot.round.phase):
        abort(404)
    return pot


def read_ballot(terms, form_items):
    """The choices in a submitted ballot form and what is wrong with them (empty: a valid ballot)."""
    choices, unreadable = ballot_rules.normalise_form(terms.ballot_type, form_items, list(terms.costs))
    problems = [ballot_rules.BadPoints(u) for u in unreadable if u != "duplicate_position"]
    if "duplicate_position" in unreadable:
        problems.append("duplicate_position")
    return choices, problems or terms.check(choices)


@bp.route("/pots/<int:pot_id>", methods=["GET", "POST"])
@login_required
def ballot(pot_id):
    pot = _pot_or_404(pot_id)
    terms = voting_service.ballot_terms(db.session, pot)
    form = BallotForm()
    choices, problems = ({} if terms.ballot_type == "cumulative" else []), []
    casting = request.method == "POST" and request.form.get("action") == "cast"
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        choices, problems = read_ballot(terms, request.form.items(multi=True))
        if casting and not problems:
            try:
                cast = voting_service.cast_online(db.session, current_user.id, pot_id, choices, terms=terms)
                voting_service.commit_cast(db.session, cast)
            except voting_service.VoteRefused as refused:
                db.session.rollback()
                problems = refused.problems
            else:
                # The receipt is shown in this response only: it is never stored, not even in the session
                # cookie (signed, not encrypted), and the page is never cached (Cache-Control: no-store).
                return render_template("voting/confirmation.html", pot=pot, round=pot.round, receipt=cast.code,
                                       changed=cast.replaced, close_at=voting_service.close_time_text(pot.round))
    round_ = pot.round
    participation = voting_service.participation_of(db.session, current_user, pot)
    reasons = voting_service.eligibility_problems(current_user, round_, pot)
    if participation is not None and participation.channel == "paper":
        reasons = ["voted_on_paper"]
    if not voting_service.voting_is_open(round_):
        reasons = ["voting_closed", *reasons]
    # Casting: say why nothing was stored (not being able to vote comes first). Updating the total: only
    # the ballot's own problems, as a preview.
    errors = [problem_message(p) for p in ((reasons or problems) if casting else problems)]
    return render_template("voting/ballot.html", pot=pot, round=round_, form=form, errors=errors, choices=choices,
                           projects=voting_service.ballot_projects(db.session, pot), reasons=reasons,
                           total=ballot_rules.ballot_total(choices, terms.costs, terms.ballot_type),
                           participation=participation,
                           close_at=voting_service.close_time_text(round_)), (400 if casting and errors else 200)


@bp.route("/receipt", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config.get("RECEIPT_RATE_LIMIT", "30 per minute;300 per hour"), methods=["POST"])
def receipt():
    """Anyone may check a receipt code: it says only whether that ballot is in the count, never what it says."""
    form = ReceiptForm()
    result = counted = None
    if form.validate_on_submit():
        result = voting_service.receipt_is_counted(db.session, form.code.data)
        counted = result and results_service.receipt_was_counted(db.session, form.code.data)
    return render_template("voting/receipt.html", form=form, result=result, counted=counted), \
        (400 if form.errors else 200)
