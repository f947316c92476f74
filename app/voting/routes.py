"""Residents' ballots: see the pots you may vote in, cast or change a ballot, check a receipt."""

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select

from app.access import login_required
from app.domain import ballots as ballot_rules
from app.domain.phases import voting_has_opened
from app.domain.problems import Problem
from app.extensions import db, limiter
from app.form_fields import BallotForm
from app.i18n import current_locale_code
from app.models import Pot, Round
from app.problem_messages import message
from app.services import results as results_service
from app.services import voting as voting_service
from app.services.content import page_texts
from app.voting import bp
from app.voting.forms import ReceiptForm


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
    texts = page_texts(db.session, current_locale_code(), rounds=open_rounds, pots=[entry[1] for entry in entries])
    return render_template("voting/index.html", entries=entries, texts=texts)


def _pot_or_404(pot_id):
    """A pot whose round has reached voting; after the close its page stays, saying voting has closed."""
    pot = db.session.get(Pot, pot_id)
    if pot is None or not voting_has_opened(pot.round.phase):
        abort(404)
    return pot


@bp.before_request
def _cast_in_one_transaction():
    """PostgreSQL: a cast is one write transaction from its first read, so the sign-in's read of the resident
    is the read under the lock (app.services.voting.begin_cast; SQLite takes its lock later)."""
    if request.endpoint == "voting.ballot" and request.method == "POST" and request.form.get("action") == "cast":
        voting_service.begin_cast(db.session)


# The session's record of the last cast: its pot, the receipt code sealed under the round's key for this
# resident and pot (voting_service.seal_receipt: the cookie's holder cannot read it, the app opens it only for
# that resident, and nobody can once the close has destroyed the key) and whether it replaced an earlier vote.
CAST_SHOWN = "nb_cast"


def _cast(resident, pot_id, terms, choices, locked_rows):
    """Store the resident's ballot and commit it: ([]) or, when it was refused, its problems.

    resident: (id, session token) as the sign-in read them; under the lock the resident must still hold it."""
    user_id, session_token = resident
    try:
        cast = voting_service.cast_online(db.session, user_id, pot_id, choices, terms=terms,
                                          locked_round=locked_rows[0], locked_resident=locked_rows[1],
                                          session_token=session_token)
        voting_service.refuse_after_close(db.session, cast)
        db.session.commit()
    except voting_service.VoteRefused as refused:
        db.session.rollback()
        return refused.problems
    session[CAST_SHOWN] = {"pot": pot_id, "receipt": cast.sealed_code, "changed": cast.replaced}
    return []


def _reasons_not_to_vote(pot, participation):
    """Why this resident cannot vote in pot now: voting closed first, then a paper vote or eligibility."""
    reasons = voting_service.eligibility_problems(current_user, pot.round, pot)
    if participation is not None and participation.channel == "paper":
        reasons = [Problem("voted_on_paper")]
    if not voting_service.voting_is_open(pot.round):
        reasons = [Problem(voting_service.shut_reason(pot.round)), *reasons]
    return reasons


CONTROL = {"cumulative": "points", "ranked": "rank"}  # approval and knapsack: one list of checkboxes
BALLOT_CODES = {"unknown_project", "too_many_choices", "over_budget", "too_many_points", "too_many_points_for_one",
                "bad_points", "duplicate_rank", "empty_ballot", "duplicate_position"}


def problem_target(problem, ballot_type):
    """The id of the ballot control a problem is about, for its error message and the error summary's link:
    one project's points or rank, the list of projects as a whole ("projects"), or None for a reason that is
    about the resident or the round (not being able to vote), which no control can put right."""
    if problem.code not in BALLOT_CODES:
        return None
    project_id = problem.values.get("project_id")
    if project_id is not None and problem.code != "unknown_project" and ballot_type in CONTROL:
        return f"{CONTROL[ballot_type]}-{project_id}"
    return "projects"


def _ballot_errors(casting, reasons, problems, ballot_type):
    """[(control id, sentence)]. Casting: say why nothing was stored (not being able to vote comes first).
    Updating the total: only the ballot's own problems, as a preview."""
    return [(problem_target(p, ballot_type), message(p)) for p in ((reasons or problems) if casting else problems)]


def _projects_and_texts(pot):
    """The projects on the ballot and every text the ballot shows in the reader's language (one query)."""
    projects = voting_service.ballot_projects(db.session, pot)
    return {"projects": projects, "texts": page_texts(db.session, current_locale_code(), rounds=[pot.round], pots=[pot],
                                                      proposals=projects)}


@bp.route("/pots/<int:pot_id>", methods=["GET", "POST"])
@login_required
def ballot(pot_id):
    casting = request.method == "POST" and request.form.get("action") == "cast"
    resident = (current_user.id, current_user.session_token)  # taking the lock may expire the loaded user
    # A cast once the pot's terms are kept in this process reads the pot, its round and key in one query.
    found = voting_service.frozen_cast_terms(db.session, pot_id, *resident) if casting else None
    pot, (terms, *locked_rows) = None, found or (None, None, None)
    if terms is None:
        pot = _pot_or_404(pot_id)
        terms = voting_service.current_ballot_terms(db.session, pot)
    choices, problems = ({} if terms.ballot_type == "cumulative" else []), []
    if request.method == "POST":  # its CSRF token was checked before the view (CSRFProtect, app-wide)
        choices, problems = voting_service.read_ballot(terms, request.form.items(multi=True))
        if casting and not problems:
            problems = _cast(resident, pot_id, terms, choices, locked_rows)
            if not problems:
                return redirect(url_for("voting.recorded", pot_id=pot_id), 303)
        elif casting:
            db.session.rollback()  # nothing to store: let go of the cast's write lock before the page renders
    return _ballot_page(pot or _pot_or_404(pot_id), terms, casting, choices, problems)


def _ballot_page(pot, terms, casting, choices, problems):
    """The ballot with the resident's choices so far; 400 when a cast was refused (it says why)."""
    participation = voting_service.participation_of(db.session, current_user, pot)
    reasons = _reasons_not_to_vote(pot, participation)
    errors = _ballot_errors(casting, reasons, problems, terms.ballot_type)
    # Looking at the pot once voting is over is no mistake: the page just says so (a cast still says why not).
    closed = not casting and voting_service.voting_has_closed(pot.round)
    return render_template("voting/ballot.html", pot=pot, round=pot.round, form=BallotForm(), errors=errors,
                           closed=closed,
                           choices=choices, **_projects_and_texts(pot), reasons=reasons,
                           total=ballot_rules.ballot_total(choices, terms.costs, terms.ballot_type),
                           participation=participation, close_at=voting_service.close_time_london(pot.round)), \
        (400 if casting and errors else 200)


@bp.get("/pots/<int:pot_id>/recorded")
@login_required
def recorded(pot_id):
    """The confirmation after a cast, with its receipt code: only in the browser that cast it, as long as that
    ballot is the resident's vote in the ballot box (a reload shows it again; a later change shows the new one)."""
    pot = _pot_or_404(pot_id)
    shown = session.get(CAST_SHOWN) or {}
    receipt = None
    if shown.get("pot") == pot.id:
        receipt = voting_service.shown_receipt(db.session, current_user.id, pot, shown.get("receipt"))
    if receipt is None:
        return redirect(url_for("voting.ballot", pot_id=pot.id))
    return render_template("voting/confirmation.html", pot=pot, round=pot.round, receipt=receipt,
                           changed=shown.get("changed"), close_at=voting_service.close_time_london(pot.round))


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
