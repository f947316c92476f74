"""Delivery pages: officers keep each award's record; the public follows a project and an area's awards.

Officers change status, target date, money spent and milestones and post updates; the proposer's group
posts updates only when the officer allows it for that award. Everything shown publicly is an award of a
published round.
"""

import csv
import io
import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import role_required
from app.delivery import bp
from app.delivery.forms import DeliveryForm, MilestoneForm, UpdateForm
from app.domain.delivery import LIGHT_ORDER, light_summary, spent_share
from app.domain.money import pence_to_pounds_text
from app.domain.open_data import csv_safe
from app.domain.photos import MAX_UPLOAD_BYTES, safe_filename
from app.extensions import db
from app.i18n import current_locale_code
from app.models import Area, Round
from app.problem_messages import put_on_form
from app.request_limits import accepts_upload
from app.services import delivery as delivery_service
from app.services.content import page_texts
from app.services.results import money_per_priority

PHOTO_CACHE_SECONDS = 86_400  # a photo never changes once posted (a new photo is a new id)


def _award_or_404(proposal_id):
    award = delivery_service.award_for(db.session, proposal_id)
    if award is None:
        abort(404)
    return award


def _texts(rounds=(), proposals=()):
    """The texts of these rounds and projects in the reader's language, loaded in one query."""
    return page_texts(db.session, current_locale_code(), rounds=rounds, proposals=proposals)


@bp.get("/")
@role_required("officer")
def dashboard():
    today = delivery_service.today_london()
    awards = delivery_service.all_awards(db.session)
    late = [a for a in awards if a.at_risk_or_late(today)]
    return render_template("delivery/dashboard.html", awards=awards, late=late, today=today)


def _manage_page(award, form, milestone_form, status=200):
    texts = _texts([award.round], [award.proposal])
    return render_template("delivery/manage.html", award=award, form=form, milestone_form=milestone_form, texts=texts,
                           title=texts.proposal(award.proposal, "title"), today=delivery_service.today_london()), status


@bp.route("/projects/<int:proposal_id>/manage", methods=["GET", "POST"])
@role_required("officer")
def manage(proposal_id):
    award = _award_or_404(proposal_id)
    form = DeliveryForm() if request.method == "POST" else _status_form(award)
    if not form.validate_on_submit():
        return _manage_page(award, form, MilestoneForm(formdata=None), 400 if request.method == "POST" else 200)
    try:
        delivery_service.change(db.session, current_user, award, status=form.status.data,
                                target_date=form.target_date.data, spent_pence=form.spent.pence,
                                proposer_may_update=form.proposer_may_update.data)
    except delivery_service.DeliveryRefused as refused:
        db.session.rollback()
        put_on_form(form, refused.problems)
        return _manage_page(_award_or_404(proposal_id), form, MilestoneForm(formdata=None), 400)
    db.session.commit()
    flash(_("Delivery record saved."), "success")
    return redirect(url_for("delivery.manage", proposal_id=proposal_id))


@bp.post("/projects/<int:proposal_id>/milestones")
@role_required("officer")
def add_milestone(proposal_id):
    award = _award_or_404(proposal_id)
    form = MilestoneForm()
    if form.validate_on_submit():
        try:
            delivery_service.add_milestone(db.session, current_user, award, title=form.title.data or "",
                                           due_date=form.due_date.data)
        except delivery_service.DeliveryRefused as refused:
            db.session.rollback()
            put_on_form(form, refused.problems)
        else:
            db.session.commit()
            flash(_("Milestone added."), "success")
            return redirect(url_for("delivery.manage", proposal_id=proposal_id))
    award = _award_or_404(proposal_id)
    return _manage_page(award, _status_form(award), form, 400)


def _status_form(award):
    """The status form filled from the saved record (the target date in its three boxes)."""
    return DeliveryForm(formdata=None, status=award.status, target_date=award.target_date,
                        spent=pence_to_pounds_text(award.spent_pence), proposer_may_update=award.proposer_may_update)


def _project_page(award, form=None, status=200):
    may_update = delivery_service.may_update(current_user, award)
    texts = _texts([award.round], [award.proposal])
    return render_template("delivery/project.html", award=award, texts=texts, title=texts.proposal(award.proposal, "title"),
                           form=form if form is not None else (UpdateForm(formdata=None) if may_update else None),
                           today=delivery_service.today_london(),
                           share=spent_share(award.spent_pence, award.amount_pence)), status


@bp.get("/projects/<int:proposal_id>")
def project(proposal_id):
    return _project_page(_award_or_404(proposal_id))


@bp.post("/projects/<int:proposal_id>/updates")
@role_required("resident")
@accepts_upload  # a photo of up to 10 MB, beyond the 1 MB limit for forms
def post_update(proposal_id):
    award = _award_or_404(proposal_id)
    if not delivery_service.may_update(current_user, award):
        abort(403)
    form = UpdateForm()
    if form.validate_on_submit():
        upload = form.photo.data
        photo_bytes = upload.stream.read(MAX_UPLOAD_BYTES + 1) if upload and upload.filename else None
        if upload:
            upload.close()  # a big upload is spooled to a temporary file: let it go now
        try:
            delivery_service.post_update(db.session, current_user, award, body=form.body.data or "",
                                         photo_bytes=photo_bytes, photo_alt=form.photo_alt.data or "")
        except delivery_service.DeliveryRefused as refused:
            db.session.rollback()
            put_on_form(form, refused.problems)
        else:
            db.session.commit()
            flash(_("Update published."), "success")
            return redirect(url_for("delivery.project", proposal_id=proposal_id))
    return _project_page(_award_or_404(proposal_id), form, 400)


@bp.get("/photos/<int:photo_id>")
def photo(photo_id):
    found = delivery_service.photo(db.session, photo_id) or abort(404)
    response = Response(found.data, mimetype=found.content_type)
    response.headers["Content-Disposition"] = f'inline; filename="{safe_filename(found.alt_text, found.id)}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = f"public, max-age={PHOTO_CACHE_SECONDS}"
    return response


def _area_or_404(area_id):
    return db.session.get(Area, area_id) or abort(404)


def _area_view(area_id, template):
    area = _area_or_404(area_id)
    today = delivery_service.today_london()
    awards = delivery_service.area_awards(db.session, area.id)
    rounds = []
    for award in awards:
        if not rounds or rounds[-1][0].id != award.round.id:
            rounds.append((award.round, []))
        rounds[-1][1].append(award)
    summary = light_summary(a.light(today) for a in awards)
    texts = _texts([round_ for round_, _awards in rounds], [a.proposal for a in awards])
    return render_template(template, area=area, rounds=rounds, awards=awards, today=today, summary=summary, texts=texts,
                           light_order=LIGHT_ORDER,
                           total_award=sum(a.amount_pence for a in awards),
                           total_spent=sum(a.spent_pence for a in awards))


@bp.get("/areas/<int:area_id>")
def area(area_id):
    return _area_view(area_id, "delivery/area.html")


@bp.get("/areas/<int:area_id>/report")
def report(area_id):
    return _area_view(area_id, "delivery/report.html")


OPEN_DATA_FIELDS = ("round_id", "round", "proposal_id", "project", "award_pence", "status", "light",
                    "target_date", "spent_pence", "milestones", "updates", "last_update", "priority")


def _open_data(round_id):
    round_ = db.session.get(Round, round_id)
    if round_ is None or round_.phase != "published":
        abort(404)
    today = delivery_service.today_london()
    rows = []
    for award in delivery_service.round_awards(db.session, round_):
        rows.append({"round_id": round_.id, "round": round_.title, "proposal_id": award.proposal.id,
                     "project": award.proposal.title, "award_pence": award.amount_pence, "status": award.status,
                     "light": award.light(today),
                     "target_date": award.target_date.isoformat() if award.target_date else None,
                     "spent_pence": award.spent_pence,
                     "milestones": [{"title": m.title, "date": m.due_date.isoformat()} for m in award.milestones],
                     "updates": len(award.updates),
                     "last_update": award.updates[0].created_at.isoformat() if award.updates else None,
                     "priority": award.proposal.priority or None})
    return round_, rows


def _download(body, mimetype, filename):
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/rounds/<int:round_id>/delivery.json")
def round_json(round_id):
    round_, rows = _open_data(round_id)
    by_priority = money_per_priority(db.session, round_)
    return _download(json.dumps({"round_id": round_.id, "awards": rows, "money_per_priority": by_priority},
                                ensure_ascii=False, indent=1),
                     "application/json", f"round-{round_.id}-delivery.json")


@bp.get("/rounds/<int:round_id>/delivery.csv")
def round_csv(round_id):
    round_, rows = _open_data(round_id)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=OPEN_DATA_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        row = dict(row, milestones="; ".join(f"{m['date']} {m['title']}" for m in row["milestones"]))
        writer.writerow({k: csv_safe(v) if isinstance(v, str) else ('' if v is None else v) for k, v in row.items()})
    return _download(out.getvalue(), "text/csv", f"round-{round_.id}-delivery.csv")

