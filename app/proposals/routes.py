"""Residents' project ideas: the public list and pages, and a resident's own drafts and submissions."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from app.access import login_required
from app.domain.proposals import PUBLIC_STATUSES, may_read, resident_may_edit
from app.extensions import db
from app.i18n import current_locale_code, pick_label
from app.models import Pot, Proposal, Round
from app.models._common import utcnow
from app.problem_messages import messages, put_on_form
from app.proposals import bp
from app.proposals.forms import EmptyForm, ProposalForm, list_filters
from app.request_limits import int_arg
from app.services import priorities as priority_service
from app.services import proposals as proposal_service
from app.services import results as results_service
from app.services.content import page_texts

PAGE_SIZE = 20


@bp.get("/")
def index():
    """Public list, filterable by round, pot, ward, status and priority, and searchable by words."""
    priorities = {code: pick_label(labels) for code, labels in priority_service.all_labels(db.session).items()}
    filters, words = list_filters(priorities)
    page = int_arg("page", 1, minimum=1)
    items, total = proposal_service.public_page(db.session, filters, words, page=page, size=PAGE_SIZE)
    choices = proposal_service.list_choices(db.session)
    texts = page_texts(db.session, current_locale_code(), rounds=choices["rounds"], pots=choices["pots"],
                       proposals=items)
    return render_template("proposals/index.html", items=items, total=total, page=page, words=words,
                           outcomes=results_service.proposal_outcomes(db.session, items),
                           pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1), filters=filters,
                           statuses=sorted(PUBLIC_STATUSES), priorities=priorities, texts=texts, **choices)


def _visible_or_404(proposal_id):
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None:
        abort(404)
    signed_in = current_user.is_authenticated
    if not may_read(proposal.status, proposal.hidden, is_author=signed_in and proposal.author_id == current_user.id,
                    is_officer=signed_in and current_user.has_role("officer"),
                    board_area_ids=current_user.board_area_ids() if signed_in else (),
                    round_area_id=proposal.round.area_id):
        abort(404)
    return proposal


@bp.get("/<int:proposal_id>")
def detail(proposal_id):
    proposal = _visible_or_404(proposal_id)
    is_author = current_user.is_authenticated and proposal.author_id == current_user.id
    may_edit = is_author and resident_may_edit(proposal.status, proposal.round.phase,
                                                proposal.round.proposals_close_at, utcnow())
    # Straight after sending it for review, the author sees a confirmation panel (?sent=1, from edit()).
    just_sent = is_author and proposal.status == "submitted" and request.args.get("sent") == "1"
    return render_template("proposals/detail.html", proposal=proposal, is_author=is_author, may_edit=may_edit,
                           just_sent=just_sent, outcome=results_service.proposal_outcome(db.session, proposal),
                           texts=page_texts(db.session, current_locale_code(), rounds=[proposal.round],
                                            pots=[proposal.pot], proposals=[proposal], priorities=[proposal]))


@bp.get("/mine")
@login_required
def mine():
    items = db.session.scalars(select(Proposal).where(Proposal.author_id == current_user.id)
                               .order_by(Proposal.id.desc())).all()
    open_rounds = db.session.scalars(select(Round).where(Round.phase == "proposals")).all()
    return render_template("proposals/mine.html", items=items, open_rounds=open_rounds,
                           outcomes=results_service.proposal_outcomes(db.session, items),
                           texts=page_texts(db.session, current_locale_code(), rounds=open_rounds, proposals=items))


def _form_for(round_, pots, proposal=None):
    form = ProposalForm(obj=proposal if request.method == "GET" else None)
    texts = page_texts(db.session, current_locale_code(), pots=pots)
    names = [(p, texts.pot(p, "name")) for p in pots]
    form.pot.choices = [SelectChoice(p.id, name.text, {"lang": name.locale} if name.is_fallback else {})
                        for p, name in names]
    wards = sorted({w for p in pots for w in p.wards}, key=lambda w: w.name)
    form.ward.choices = [SelectChoice(w.id, w.name) for w in wards]
    listed = {item.code: item.labels for item in priority_service.items_for_round(db.session, round_)}
    offered = priority_service.offered_for_round(db.session, round_, keep=proposal.priority if proposal else None)
    form.priority.choices = [SelectChoice("", _("Choose one"))] + [
        SelectChoice(code, label.text, {"lang": label.locale} if label.is_fallback else {})
        for code, label in ((code, pick_label(listed[code])) for code in offered)]
    if request.method == "GET":
        if proposal is not None:
            from app.domain.money import pence_to_pounds_text

            form.pot.data = proposal.pot_id
            form.ward.data = proposal.ward_id
            form.cost.data = pence_to_pounds_text(proposal.cost_pence) if proposal.cost_pence else ""
        else:
            form.ward.data = current_user.ward_id
            form.original_locale.data = current_locale_code()
    return form


def _round_and_proposal(round_id, proposal_id):
    """The round and (when editing) the resident's own proposal; 404 for another resident's proposal or a
    round that is not taking proposals."""
    if proposal_id is None:
        round_ = db.session.get(Round, round_id) or abort(404)
        return (round_, None) if round_.phase == "proposals" else abort(404)
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.author_id != current_user.id:
        abort(404)  # another resident's proposal does not exist, as far as this resident can tell
    return proposal.round, proposal


def _not_eligible(round_):
    return render_template("proposals/not_eligible.html", round=round_,
                           reasons=messages(proposal_service.eligibility_reasons(round_, current_user))), 403


@bp.route("/new/<int:round_id>", methods=["GET", "POST"], defaults={"proposal_id": None})
@bp.route("/<int:proposal_id>/edit", methods=["GET", "POST"], defaults={"round_id": None})
@login_required
def edit(round_id, proposal_id):
    round_, proposal = _round_and_proposal(round_id, proposal_id)
    if proposal is not None and not resident_may_edit(proposal.status, round_.phase, round_.proposals_close_at,
                                                      utcnow()):
        flash(_("This proposal can no longer be changed."), "error")
        return redirect(url_for("proposals.detail", proposal_id=proposal.id))
    pots = proposal_service.eligible_pots(round_, current_user)
    if not pots:
        return _not_eligible(round_)
    form = _form_for(round_, pots, proposal)
    if form.validate_on_submit():
        submit = request.form.get("action") == "submit"
        try:
            saved = proposal_service.save_proposal(db.session, current_user, db.session.get(Pot, form.pot.data),
                                                   proposal, submit=submit, **form.proposal_input())
        except proposal_service.ProposalRefused as refused:
            db.session.rollback()
            put_on_form(form, refused.problems)
        else:
            db.session.commit()
            if not submit:
                flash(_("Your draft has been saved."), "success")
            return redirect(url_for("proposals.detail", proposal_id=saved.id, sent=1 if submit else None))
    has_errors = form.errors or form.form_errors or any(f.errors for f in form)
    return render_template("proposals/form.html", form=form, round=round_, proposal=proposal), 400 if has_errors else 200


@bp.route("/<int:proposal_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(proposal_id):
    """GET: what withdrawing means, and one button (it cannot be undone); POST: withdraw."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.author_id != current_user.id:
        abort(404)
    form = EmptyForm()
    if request.method == "GET":
        may_withdraw = resident_may_edit(proposal.status, proposal.round.phase, proposal.round.proposals_close_at,
                                         utcnow())
        return render_template("proposals/withdraw.html", proposal=proposal, form=form, may_withdraw=may_withdraw)
    if not form.validate_on_submit():
        abort(400)
    try:
        proposal_service.withdraw(db.session, current_user, proposal)
    except proposal_service.ProposalRefused:
        flash(_("This proposal can no longer be withdrawn."), "error")
    else:
        db.session.commit()
        flash(_("Your proposal has been withdrawn."), "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id))
