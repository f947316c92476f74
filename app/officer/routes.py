"""Officer views: the dashboard, rounds and pots, phase moves and proposal review."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from app.access import role_required
from app.database import begin_write_transaction, keep_audited_refusal
from app.domain.phases import PHASES, next_phase, voting_has_opened
from app.extensions import db
from app.external_urls import external_url
from app.i18n import current_locale_code
from app.labels import phase_label
from app.mail import send_email
from app.models import Area, Council, Proposal, Round, User, Ward
from app.officer import bp
from app.officer.forms import (
    ExtendCloseForm,
    MergeForm,
    ModerateForm,
    PhaseForm,
    PotForm,
    PublishForm,
    ReviewForm,
    RoundForm,
)
from app.problem_messages import messages, put_on_form
from app.services import proposals as proposal_service
from app.services import residents as resident_service
from app.services import rounds as round_service
from app.services.content import original_text


def get_round_or_404(round_id):
    return db.session.get(Round, round_id) or abort(404)


# The form field that edits each frozen setting, so a refusal names it as the officer saw it.
FORM_FIELD_FOR = {"area_id": "area", "ward_ids": "wards", "amount_pence": "amount",
                  "min_project_cost_pence": "min_project_cost", "max_project_cost_pence": "max_project_cost"}


@bp.get("/")
@role_required("officer")
def dashboard():
    rounds = db.session.scalars(select(Round).order_by(Round.id.desc())).all()
    summaries = [(r, round_service.proposal_counts(db.session, r),
                  round_service.turnout(db.session, r) if voting_has_opened(r.phase) else None) for r in rounds]
    return render_template("officer/dashboard.html", summaries=summaries)


def _round_form(round_=None):
    form = RoundForm(obj=round_ if request.method == "GET" else None)
    form.area.choices = [SelectChoice("", _("The whole council"))] + [
        SelectChoice(str(a.id), a.name) for a in db.session.scalars(select(Area).order_by(Area.name))]
    form.wards.choices = [SelectChoice(w.id, w.name) for w in db.session.scalars(select(Ward).order_by(Ward.name))]
    if request.method == "GET" and round_ is None:
        form.original_locale.data = current_locale_code()  # a new round is written in the officer's language
    if request.method == "GET" and round_ is not None:
        form.area.data = str(round_.area_id or "")
        form.wards.data = [w.id for w in round_.wards]
        for name in ("proposals_open_at", "proposals_close_at", "voting_open_at", "voting_close_at"):
            getattr(form, name).show_utc(getattr(round_, name))
    return form


@bp.route("/rounds/new", methods=["GET", "POST"])
@role_required("officer")
def new_round():
    return _edit_round(None)


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@role_required("officer")
def edit_round(round_id):
    return _edit_round(get_round_or_404(round_id))


def _edit_round(round_):
    form = _round_form(round_)
    if form.validate_on_submit():
        council = db.session.scalar(select(Council).order_by(Council.id).limit(1))
        if council is None:
            abort(409, _("Import wards before creating a round."))
        try:
            saved = round_service.save_round(
                db.session, current_user, round_, council_id=council.id, ward_ids=form.wards.data,
                title=form.title.data.strip(), description=form.description.data.strip(),
                area_id=int(form.area.data) if form.area.data else None, languages=form.languages.data or ["en"],
                proposals_open_at=form.proposals_open_at.utc, proposals_close_at=form.proposals_close_at.utc,
                voting_open_at=form.voting_open_at.utc, voting_close_at=form.voting_close_at.utc,
                min_age=form.min_age.data, require_verified_email=form.require_verified_email.data, **form.written_in())
        except round_service.ChangeRefused as refused:
            keep_audited_refusal(db.session)
            put_on_form(form, refused.problems, FORM_FIELD_FOR)
        else:
            db.session.commit()
            flash(_("Round saved."), "success")
            return redirect(url_for("officer.round_detail", round_id=saved.id))
    status = 400 if (form.errors or form.form_errors) else 200
    return render_template("officer/round_form.html", form=form, round=round_), status


@bp.get("/rounds/<int:round_id>")
@role_required("officer")
def round_detail(round_id):
    round_ = get_round_or_404(round_id)
    proposals = db.session.scalars(select(Proposal).where(Proposal.round_id == round_.id, Proposal.status != "draft")
                                   .order_by(Proposal.pot_id, Proposal.title)).all()
    turnout = round_service.turnout(db.session, round_) if voting_has_opened(round_.phase) else None
    return render_template("officer/round_detail.html", round=round_, proposals=proposals, turnout=turnout,
                           next_phase=next_phase(round_.phase), phases=PHASES, phase_form=PhaseForm(),
                           candidates=round_service.ballot_candidates(db.session, round_))


def _confirm_page(round_, target, form, status=200):
    summary = round_service.move_summary(db.session, round_, target)
    return render_template("officer/phase_confirm.html", round=round_, target=target, form=form, summary=summary,
                           candidates=round_service.ballot_candidates(db.session, round_)), status


@bp.get("/rounds/<int:round_id>/phase")
@role_required("officer")
def confirm_phase(round_id):
    """Check and confirm the move to the next phase: what it will do, to how many ballots, with which dates,
    who is e-mailed. The confirmation is one audited POST (move_phase, or start_count for the count)."""
    round_ = get_round_or_404(round_id)
    target = next_phase(round_.phase)
    if target is None:
        abort(404)
    if target == "published":
        return redirect(url_for("officer.confirm_publish", round_id=round_.id))
    form = PhaseForm()
    form.target.data = target
    return _confirm_page(round_, target, form)


def _moved_elsewhere(round_, target):
    """The page for a move this confirmation does not make, or None: publishing has its own page, and the
    board phase is reached only by the count (officer.start_count), which warns when the board is empty."""
    if target == "published":
        return redirect(url_for("officer.confirm_publish", round_id=round_.id))
    if target == "decision" and round_.phase == "counting":
        flash(_("Run the count to hand the round to the Neighbourhood Board."), "error")
        return redirect(url_for("officer.confirm_phase", round_id=round_.id))
    return None


def _flash_moved(round_, opens_early):
    flash(_("The round is now in the phase: %(phase)s.", phase=phase_label(round_.phase)), "success")
    if opens_early:
        flash(_("Voting opened before its published date, so the “voting opens” date is now %(when)s.",
                when=format_datetime(round_.voting_open_at)), "success")


@bp.post("/rounds/<int:round_id>/phase")
@role_required("officer")
def move_phase(round_id):
    # Take the write lock before reading: closing voting must queue behind residents' casts, not fail with
    # "database is locked" on SQLite when a deferred transaction tries to upgrade (tests/live/test_races.py).
    begin_write_transaction(db.session)
    round_ = get_round_or_404(round_id)
    form = PhaseForm()
    if not form.validate_on_submit():
        abort(400)
    target = form.target.data
    elsewhere = _moved_elsewhere(round_, target)
    if elsewhere is not None:
        return elsewhere
    opens_early = round_service.move_summary(db.session, round_, target).opens_early
    try:
        round_service.move_phase(db.session, current_user, round_, target, reason=form.reason.data)
    except round_service.ChangeRefused as refused:
        keep_audited_refusal(db.session)
        if target not in PHASES:
            abort(400)
        put_on_form(form, refused.problems)
        return _confirm_page(round_, target, form, 400)
    db.session.commit()
    _flash_moved(round_, opens_early)
    return redirect(url_for("officer.round_detail", round_id=round_.id))


@bp.get("/rounds/<int:round_id>/publish")
@role_required("officer")
def confirm_publish(round_id):
    """Check and confirm publishing the results: what becomes public, from how many ballots, with which dates, and
    who is e-mailed. Irreversible, so it has its own page; the confirmation is one audited POST (publish)."""
    round_ = get_round_or_404(round_id)
    if round_.phase != "decision":
        abort(404)
    return render_template("officer/confirm_publish.html", round=round_, form=PublishForm(),
                           summary=round_service.publish_summary(db.session, round_))


@bp.post("/rounds/<int:round_id>/publish")
@role_required("officer")
def publish(round_id):
    begin_write_transaction(db.session)
    round_ = get_round_or_404(round_id)
    if not PublishForm().validate_on_submit():
        abort(400)
    try:
        round_service.move_phase(db.session, current_user, round_, "published")
    except round_service.ChangeRefused as refused:
        keep_audited_refusal(db.session)
        for message in messages(refused.problems):
            flash(message, "error")
        return redirect(url_for("officer.round_detail", round_id=round_.id))
    db.session.commit()
    flash(_("The results of %(round)s are public.", round=round_.title), "success")
    return redirect(url_for("officer.round_detail", round_id=round_.id))


@bp.route("/rounds/<int:round_id>/extend", methods=["GET", "POST"])
@role_required("officer")
def extend_close(round_id):
    """Extend the close of voting while it is open (never shorten it); audited and shown publicly."""
    round_ = get_round_or_404(round_id)
    if round_.phase != "voting":
        abort(404)
    form = ExtendCloseForm()
    if request.method == "GET":
        form.voting_close_at.show_utc(round_.voting_close_at)
    if form.validate_on_submit():
        begin_write_transaction(db.session)
        round_ = get_round_or_404(round_id)
        try:
            round_service.extend_voting(db.session, current_user, round_, form.voting_close_at.utc)
        except round_service.ChangeRefused as refused:
            keep_audited_refusal(db.session)
            put_on_form(form, refused.problems)
        else:
            db.session.commit()
            flash(_("Voting now closes at %(when)s. Residents can see the new close on the round's page.",
                    when=format_datetime(round_.voting_close_at)), "success")
            return redirect(url_for("officer.round_detail", round_id=round_.id))
    status = 400 if form.errors else 200
    return render_template("officer/extend_close.html", round=round_, form=form), status


def _pot_form(round_, pot=None):
    form = PotForm(obj=pot if request.method == "GET" else None)
    wards = round_.wards or db.session.scalars(select(Ward).order_by(Ward.name)).all()
    form.wards.choices = [SelectChoice(w.id, w.name) for w in wards]
    if request.method == "GET":
        if pot is not None:
            form.wards.data = [w.id for w in pot.wards]
            from app.domain.money import pence_to_pounds_text

            form.amount.data = pence_to_pounds_text(pot.amount_pence)
            form.min_project_cost.data = pence_to_pounds_text(pot.min_project_cost_pence) if pot.min_project_cost_pence else ""
            form.max_project_cost.data = pence_to_pounds_text(pot.max_project_cost_pence) if pot.max_project_cost_pence else ""
        else:
            form.wards.data = [w.id for w in wards]
    return form


@bp.route("/rounds/<int:round_id>/pots/new", methods=["GET", "POST"], defaults={"pot_id": None})
@bp.route("/rounds/<int:round_id>/pots/<int:pot_id>/edit", methods=["GET", "POST"])
@role_required("officer")
def edit_pot(round_id, pot_id):
    round_ = get_round_or_404(round_id)
    pot = None
    if pot_id is not None:
        pot = next((p for p in round_.pots if p.id == pot_id), None) or abort(404)
    form = _pot_form(round_, pot)
    if form.validate_on_submit():
        try:
            round_service.save_pot(db.session, current_user, round_, pot, ward_ids=form.wards.data,
                                   name=form.name.data.strip(), instructions=(form.instructions.data or "").strip(),
                                   **form.settings())
        except round_service.ChangeRefused as refused:
            keep_audited_refusal(db.session)
            # Beside its field: a ranked ballot's limit is shown as max_ranks.
            put_on_form(form, refused.problems, {**FORM_FIELD_FOR, "max_choices": form.field_for("max_choices")})
        else:
            db.session.commit()
            flash(_("Pot saved."), "success")
            return redirect(url_for("officer.round_detail", round_id=round_.id))
    status = 400 if (form.errors or form.form_errors) else 200
    return render_template("officer/pot_form.html", form=form, round=round_, pot=pot), status


def get_proposal_or_404(proposal_id):
    """A proposal an officer may work on: a draft is the proposer's until submitted, so it does not exist here."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.status == "draft":
        abort(404)
    return proposal


def _merge_choices(proposal, *conditions):
    """The other ideas in the proposal's pot, as choices to merge it into; a title written in another language
    than the page's is marked with its own."""
    choices = []
    for other in db.session.scalars(select(Proposal).where(Proposal.pot_id == proposal.pot_id,
                                                           Proposal.id != proposal.id, *conditions)):
        title = original_text(other, "title", current_locale_code())
        choices.append(SelectChoice(other.id, title.text, {"lang": title.locale} if title.is_fallback else {}))
    return choices


@bp.route("/proposals/<int:proposal_id>/review", methods=["GET", "POST"])
@role_required("officer")
def review(proposal_id):
    proposal = get_proposal_or_404(proposal_id)
    form = ReviewForm()
    merge_form = MergeForm(prefix="merge")
    merge_form.into.choices = _merge_choices(proposal, Proposal.status.in_(("submitted", "feasible", "needs_changes")))
    if form.validate_on_submit():
        try:
            proposal_service.review(db.session, current_user, proposal, form.outcome.data, form.reason.data or "",
                                    form.adjusted_cost.pence, cost_reason=form.cost_reason.data)
        except proposal_service.ProposalRefused as refused:
            put_on_form(form, refused.problems)
        else:
            send_email(proposal.author.email, lambda: _("News about your project idea"), "email/proposal_reviewed",
                       locale=proposal.author.preferred_locale, proposal=proposal,
                       link=external_url("proposals.detail", proposal_id=proposal.id))
            db.session.commit()  # the review and its notice together (the outbox)
            flash(_("Review saved. The proposer has been told."), "success")
            return redirect(url_for("officer.round_detail", round_id=proposal.round_id))
    status = 400 if (form.errors or form.form_errors) else 200
    return render_template("officer/review.html", proposal=proposal, form=form, merge_form=merge_form,
                           moderate_form=ModerateForm(prefix="hide")), status


@bp.post("/proposals/<int:proposal_id>/merge")
@role_required("officer")
def merge(proposal_id):
    proposal = get_proposal_or_404(proposal_id)
    form = MergeForm(prefix="merge")
    form.into.choices = _merge_choices(proposal)
    if not form.validate_on_submit():
        flash(_("Choose the proposal to merge into."), "error")
        return redirect(url_for("officer.review", proposal_id=proposal.id))
    into = get_proposal_or_404(form.into.data)
    try:
        proposal_service.merge(db.session, current_user, proposal, into)
    except proposal_service.ProposalRefused:
        flash(_("These proposals cannot be merged."), "error")
        return redirect(url_for("officer.review", proposal_id=proposal.id))
    for person in {proposal.author, into.author}:
        send_email(person.email, lambda: _("Project ideas have been merged"), "email/proposal_merged",
                   locale=person.preferred_locale, duplicate=proposal, into=into,
                   link=external_url("proposals.detail", proposal_id=into.id))
    db.session.commit()  # the merge and both notices together (the outbox)
    flash(_("Merged. Both proposers have been told."), "success")
    return redirect(url_for("officer.round_detail", round_id=proposal.round_id))


@bp.post("/proposals/<int:proposal_id>/hide")
@role_required("officer")
def moderate(proposal_id):
    proposal = get_proposal_or_404(proposal_id)
    form = ModerateForm(prefix="hide")
    hide = request.form.get("action") != "show"
    if not form.validate_on_submit():
        abort(400)
    try:
        proposal_service.moderate(db.session, current_user, proposal, hide, form.reason.data or "")
    except proposal_service.ProposalRefused as refused:
        if "frozen" in refused.codes:
            keep_audited_refusal(db.session)
        for message in messages(refused.problems):
            flash(message, "error")
        return redirect(url_for("officer.review", proposal_id=proposal.id))
    db.session.commit()
    flash(_("Proposal hidden.") if hide else _("Proposal shown again."), "success")
    return redirect(url_for("officer.review", proposal_id=proposal.id))


@bp.get("/ward-changes")
@role_required("officer")
def ward_changes():
    """Changes of ward residents asked for while voting is open: the officer checks each before it applies."""
    return render_template("officer/ward_changes.html", people=resident_service.pending_ward_changes(db.session),
                           form=PhaseForm())


@bp.post("/ward-changes/<int:user_id>")
@role_required("officer")
def decide_ward_change(user_id):
    form = PhaseForm()  # CSRF; target carries "accept" or "refuse"
    if not form.validate_on_submit() or form.target.data not in ("accept", "refuse"):
        abort(400)
    person = db.session.get(User, user_id) or abort(404)
    if resident_service.decide_ward_change(db.session, current_user, person, form.target.data == "accept"):
        db.session.commit()
        flash(_("Change of ward accepted.") if form.target.data == "accept" else _("Change of ward refused."),
              "success")
    return redirect(url_for("officer.ward_changes"))
