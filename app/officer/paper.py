"""Officer views: paper and in-person ballots, entered into the same register as online votes."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from app.access import role_required
from app.domain.postcodes import normalise_postcode
from app.extensions import db
from app.models import Pot, Round, User
from app.officer import bp
from app.services import voting as voting_service
from app.voting.forms import BallotForm
from app.voting.routes import problem_message, read_ballot


@bp.route("/rounds/<int:round_id>/paper", methods=["GET"])
@role_required("officer")
def paper_ballot(round_id):
    """Look a resident up by name and postcode; show only whether they have voted in each pot."""
    round_ = db.session.get(Round, round_id) or abort(404)
    name = request.args.get("name", "").strip()[:200]
    postcode = normalise_postcode(request.args.get("postcode", ""))
    matches = []
    if name and postcode:
        # autoescape: a "%" or "_" typed into the name box is a character, not a wildcard.
        people = db.session.scalars(select(User).where(func.lower(User.name).contains(name.lower(), autoescape=True),
                                                       User.postcode == postcode)
                                    .order_by(User.name, User.id).limit(20)).all()
        matches = [(person, {pot.id: voting_service.participation_of(db.session, person, pot) is not None
                             for pot in round_.pots}) for person in people]
    searched = bool(request.args)
    return render_template("officer/paper_search.html", round=round_, matches=matches, name=name,
                           postcode=request.args.get("postcode", "")[:12], searched=searched,
                           postcode_valid=postcode is not None)


@bp.route("/rounds/<int:round_id>/paper/<int:pot_id>/<int:user_id>", methods=["GET", "POST"])
@role_required("officer")
def paper_entry(round_id, pot_id, user_id):
    """Mark a resident in the register and enter their paper ballot (audited: who entered it, for which pot)."""
    round_ = db.session.get(Round, round_id) or abort(404)
    pot = db.session.get(Pot, pot_id)
    person = db.session.get(User, user_id)
    if pot is None or pot.round_id != round_.id or person is None or round_.phase != "voting":
        abort(404)
    terms = voting_service.ballot_terms(db.session, pot)
    form = BallotForm()
    errors, choices = [], ({} if terms.ballot_type == "cumulative" else [])
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        choices, problems = read_ballot(terms, request.form.items(multi=True))
        if not problems:
            try:
                cast = voting_service.cast_paper(db.session, current_user, user_id, pot_id, choices, terms=terms)
                voting_service.commit_cast(db.session, cast)
            except voting_service.VoteRefused as refused:
                db.session.rollback()
                problems = refused.problems
            else:
                flash(_("Paper ballot recorded for %(name)s.", name=person.name), "success")
                return redirect(url_for("officer.paper_ballot", round_id=round_.id))
        errors = [_("This resident has already voted in this pot, online or on paper.")
                  if p == "already_voted" else problem_message(p) for p in problems]
    already = voting_service.registered_channel(db.session, person.id, pot.id) is not None
    return render_template("officer/paper_entry.html", round=round_, pot=pot, person=person, form=form,
                           projects=voting_service.ballot_projects(db.session, pot), errors=errors,
                           choices=choices, already=already), (400 if errors else 200)
