"""What the public sees of a published round: outcomes, explanations, turnout, open data.

Callers check that the round is published first (app.access.published_round_or_404); nothing here
is safe to show for a hidden round.
"""

import csv
import io
import json
from fractions import Fraction

from sqlalchemy import bindparam, func, select

from app.domain.audit_chain import GENESIS_HASH
from app.domain.open_data import Hidden, csv_safe, protect_cells, shuffled
from app.domain.pabulib import write_pabulib
from app.domain.turnout import ELECTORATE_BANDS, eligible_population, turnout_share
from app.models import AuditEntry, Ballot, CountResult, Participation, Round, Ward
from app.services import count as count_service
from app.services import delivery as delivery_service
from app.services import electorate as electorate_service
from app.services import priorities as priority_service
from app.services.decisions import awarded, published_record
from app.services.voting import receipt_hash

# One Core statement (no ORM) for the most visited page: is the round published, and the audit chain's head.
_PUBLISHED_HEAD = select(Round.phase, select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)
                         .scalar_subquery()).where(Round.id == bindparam("round_id"))


def published_version(session, round_id):
    """The audit chain's head if the round is published (its pages change only when the head moves), else None."""
    row = session.connection().execute(_PUBLISHED_HEAD, {"round_id": round_id}).first()
    if row is None or row.phase != "published":
        return None
    return row[1] or GENESIS_HASH


def published_rounds(session):
    return session.scalars(select(Round).where(Round.phase == "published").order_by(Round.id.desc())).all()


def _pence(value):
    """An explanation's money (int, or a Fraction as text) as whole pence, rounded down."""
    if value is None:
        return None
    return int(Fraction(value))


def pot_outcome(session, pot, result=None, decision=None):
    """Projects of a pot with votes, cost, the count's explanation and the board's decision; funded first."""
    result = result or count_service.latest_results(session, pot.round)[pot.id]
    if result is not None and result.status != "done":
        result = None
    projects = count_service.counted_projects(session, pot)
    explanations = result.explanations if result else {}
    decided = {item.proposal_id: item for item in decision.items} if decision else {}
    rows = []
    for project in projects:
        e = explanations.get(str(project.id), {})
        rows.append({"proposal": project, "votes": e.get("votes", 0), "score": e.get("score", 0),
                     "cost": project.ballot_cost_pence, "selected": bool(e.get("selected")),
                     "step": e.get("step"), "reason": e.get("reason"), "phase": e.get("phase"),
                     "money_left": _pence(e.get("money_left_when_considered")),
                     "supporters_could_pay": _pence(e.get("supporters_could_pay")),
                     "decision": decided.get(project.id)})
    rows.sort(key=lambda r: (not r["selected"], r["step"] or 0, -r["score"], r["proposal"].title))
    used = result.total_cost_pence if result else 0
    board_awarded = awarded(decision).get(pot.id, 0) if decision else None
    return {"pot": pot, "result": result, "rows": rows, "used": used, "left": pot.amount_pence - used,
            "awarded": board_awarded,
            "awarded_left": pot.amount_pence - board_awarded if board_awarded is not None else None}


def proposal_outcome(session, proposal):
    """The count's result and the board's decision for one project once its round is published, else None.

    Returns the project's pot_outcome row (selected, reason, decision) with its pot; nothing of the count
    is shown before publication.
    """
    return proposal_outcomes(session, [proposal]).get(proposal.id)


def proposal_outcomes(session, proposals):
    """{proposal id: proposal_outcome} for the proposals whose round is published: each pot counted once."""
    by_pot, outcomes = {}, {}
    for proposal in proposals:
        if proposal.round.phase != "published" or proposal.pot is None:
            continue
        if proposal.pot_id not in by_pot:
            entry = pot_outcome(session, proposal.pot, decision=published_record(session, proposal.round))
            by_pot[proposal.pot_id] = (entry, {r["proposal"].id: r for r in entry["rows"]})
        entry, rows = by_pot[proposal.pot_id]
        if entry["result"] is not None and proposal.id in rows:
            outcomes[proposal.id] = {"row": rows[proposal.id], "pot": proposal.pot}
    return outcomes


def receipt_was_counted(session, code):
    """Whether the count has run on the pot holding the ballot with this receipt code (False: still in the
    ballot box, or no such ballot). Says nothing of what the ballot says; the voting service finds the ballot."""
    pot_id = session.scalar(select(Ballot.pot_id).where(Ballot.receipt_hash == receipt_hash(code)).limit(1))
    if pot_id is None:
        return False
    status = session.scalar(select(CountResult.status).where(CountResult.pot_id == pot_id)
                            .order_by(CountResult.id.desc()).limit(1))
    return status == "done"


def _pot_ids(round_):
    return [p.id for p in round_.pots]


AGE_BANDS = (*ELECTORATE_BANDS, "unknown")
CHANNELS = ("online", "paper")


def _age_order(band):
    return AGE_BANDS.index(band) if band in AGE_BANDS else len(AGE_BANDS)


def _report_wards(session, round_, ward_ids):
    wards = {w.id: w for w in round_.wards}
    wards.update({w.id: w for pot in round_.pots for w in pot.wards})
    missing = set(ward_ids) - set(wards)
    if missing:
        wards.update({w.id: w for w in session.scalars(select(Ward).where(Ward.id.in_(missing)))})
    return sorted(wards.values(), key=lambda w: (w.name, w.id))


def participation_report(session, round_):
    """Turnout by channel, ward and age band, with small counts hidden: for officers and the public.

    The number of residents who took part is always shown: the ballots counted are published with the
    results (and the anonymised ballots themselves), so hiding it would only contradict them. Every other
    count is an int or an open_data.Hidden; see open_data.protect_cells for what is hidden and why.
    Turnout per ward is a share of its electorate (services.electorate) where the officer has entered it.
    """
    pot_ids = _pot_ids(round_)
    in_round = Participation.pot_id.in_(pot_ids)
    people = func.count(func.distinct(Participation.user_id))
    total = session.scalar(select(people).where(in_round)) or 0
    channels = dict(session.execute(select(Participation.channel, people).where(in_round)
                                    .group_by(Participation.channel)).all())
    by_ward_channel = session.execute(select(Participation.ward_id, Participation.channel, people).where(in_round)
                                      .group_by(Participation.ward_id, Participation.channel)).all()
    ward_totals = dict(session.execute(select(Participation.ward_id, people).where(in_round)
                                       .group_by(Participation.ward_id)).all())
    ages = {band or "unknown": n for band, n in session.execute(
        select(Participation.age_band, people).where(in_round).group_by(Participation.age_band)).all()}
    wards = _report_wards(session, round_, [w for w in ward_totals if w is not None])

    cells = {"total": total} | {("channel", c): channels.get(c, 0) for c in CHANNELS}
    for ward in wards:
        cells[("ward", ward.id)] = ward_totals.get(ward.id, 0)
        cells |= {("ward", ward.id, c): 0 for c in CHANNELS}
    for ward_id, channel, n in by_ward_channel:
        if ward_id is not None and channel in CHANNELS:
            cells[("ward", ward_id, channel)] = n
    bands = sorted(ages, key=_age_order)
    cells |= {("age", band): ages[band] for band in bands}
    ward_keys = [("ward", w.id) for w in wards]
    sums = [("total", [("channel", c) for c in CHANNELS]), ("total", [("age", b) for b in bands])]
    if None not in ward_totals:  # every resident has a ward: the wards add up to the whole
        sums.append(("total", ward_keys))
        sums += [(("channel", c), [("ward", w.id, c) for w in wards]) for c in CHANNELS]
    sums += [(("ward", w.id), [("ward", w.id, c) for c in CHANNELS]) for w in wards]
    shown = protect_cells(cells, sums, public={"total"})

    figures = electorate_service.figures_for(session, [w.id for w in wards])
    rows = []
    for ward in wards:
        took_part = shown[("ward", ward.id)]
        ward_figures = figures.get(ward.id)
        population = eligible_population(ward_figures.residents, round_.min_age) if ward_figures else None
        share = took_part if isinstance(took_part, Hidden) else turnout_share(took_part, population)
        rows.append({"ward": ward.name, "code": ward.code, "online": shown[("ward", ward.id, "online")],
                     "paper": shown[("ward", ward.id, "paper")], "total": took_part, "eligible": population,
                     "share": share if population else None, "sources": ward_figures.sources if ward_figures else []})
    populations = [row["eligible"] for row in rows]
    whole = sum(populations) if rows and None not in populations else None
    return {"total": total, "online": shown[("channel", "online")], "paper": shown[("channel", "paper")],
            "by_ward": rows, "by_age": [(band, shown[("age", band)]) for band in bands],
            "eligible": whole, "share": turnout_share(total, whole),
            "sources": sorted({source for row in rows for source in row["sources"]}, key=lambda s: (s[1], s[0])),
            "min_age": round_.min_age}


def round_summary(session, round_):
    decision = published_record(session, round_)
    results = count_service.latest_results(session, round_)
    return {"round": round_, "decision": decision,
            "pots": [pot_outcome(session, pot, results[pot.id], decision) for pot in round_.pots],
            "participation": participation_report(session, round_)}


def results_json(session, round_):
    """The round's results as plain data (the JSON download and the API): codes, never sentences."""
    summary = round_summary(session, round_)
    decision = summary["decision"]
    return {
        "round": {"id": round_.id, "title": round_.title, "area": round_.area.name if round_.area else None,
                  "phase": round_.phase},
        "participation": _participation_json(summary["participation"]),
        "pots": [_pot_json(entry) for entry in summary["pots"]],
        "decision": _decision_json(decision) if decision else None,
        "money_per_priority": money_per_priority(session, round_),
    }


def money_per_priority(session, round_):
    """Money the board awarded per neighbourhood-plan priority, in the area's list order (open data): code, the
    label in every language it has (none for awards with no priority) and pence."""
    awards = delivery_service.round_awards(session, round_)
    return [{"priority": code or None, "labels": dict(labels or {}), "awarded_pence": pence}
            for code, labels, pence in priority_service.money_per_priority(session, awards)]


PRIORITY_CSV_COLUMNS = ["priority", "label", "awarded_pence"]


def money_per_priority_csv(session, round_):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(PRIORITY_CSV_COLUMNS)
    for row in money_per_priority(session, round_):
        writer.writerow([row["priority"] or "", csv_safe(row["labels"].get("en", "")), row["awarded_pence"]])
    return out.getvalue()


def _open(values):
    """{field: count or Hidden} -> the same with null for hidden counts, and "hidden": {field: reason}."""
    out = {key: None if isinstance(value, Hidden) else value for key, value in values.items()}
    hidden = {key: value.reason for key, value in values.items() if isinstance(value, Hidden)}
    return out | ({"hidden": hidden} if hidden else {})


def _share(value):
    return None if value is None or isinstance(value, Hidden) else round(float(value) * 100, 1)


def _participation_json(report):
    """Turnout as open data: the page's numbers exactly; a hidden count is null, with "hidden" saying why
    ("small": 1 to 9; "protects": hidden only so that a small count cannot be worked out)."""
    return _open({key: report[key] for key in ("online", "paper", "total")}) | {
        "by_ward": [_open({"online": w["online"], "paper": w["paper"], "total": w["total"]})
                    | {"ward": w["ward"], "ward_code": w["code"], "eligible": w["eligible"],
                       "turnout_percent": _share(w["share"]),
                       "electorate_sources": [{"source": s, "date": d.isoformat()} for s, d in w["sources"]]}
                    for w in report["by_ward"]],
        "by_age": [_open({"residents": n}) | {"age_band": band} for band, n in report["by_age"]],
        "eligible": report["eligible"], "turnout_percent": _share(report["share"]),
        "suppressed_below": 10,
    }


def _pot_json(entry):
    result = entry["result"]
    return {
        "id": entry["pot"].id, "name": entry["pot"].name, "amount_pence": entry["pot"].amount_pence,
        "ballot_type": entry["pot"].ballot_type,
        "rule": result.rule if result else None, "tie_break": result.tie_break if result else None,
        "parameters": result.parameters if result else None,
        "input_digest": result.input_digest if result else None,
        "ballots": result.ballot_count if result else 0,
        "used_pence": entry["used"], "left_pence": entry["left"],
        "awarded_pence": entry["awarded"], "awarded_left_pence": entry["awarded_left"],
        "projects": [{
            "id": row["proposal"].id, "title": row["proposal"].title, "cost_pence": row["cost"],
            "priority": row["proposal"].priority or None,
            "votes": row["votes"], "score": row["score"], "selected_by_count": row["selected"],
            "step": row["step"], "reason": row["reason"], "money_left_when_considered_pence": row["money_left"],
            "supporters_could_pay_pence": row["supporters_could_pay"],
            "board_decision": row["decision"].outcome if row["decision"] else None,
            "award_pence": row["decision"].amount_pence if row["decision"] else None,
            "board_reason": row["decision"].reason if row["decision"] else None,
        } for row in entry["rows"]],
    }


def _decision_json(record_):
    return {"id": record_.id, "meeting_date": record_.meeting_date.isoformat(),
            "confirmed_at": record_.confirmed_at.isoformat() if record_.confirmed_at else None,
            "supersedes": record_.supersedes_id, "quorum": record_.quorum,
            "members_present": sorted(a.user.name for a in record_.attendance),
            "declarations_of_interest": [{"member": d.user.name, "project_id": d.proposal_id, "nature": d.nature}
                                         for d in record_.declarations],
            "confirmed_by": sorted(c.user.name for c in record_.confirmations)}


CSV_COLUMNS = ["pot_id", "pot", "project_id", "title", "cost_pence", "votes", "score", "selected_by_count",
               "step", "reason", "board_decision", "award_pence", "board_reason", "priority"]


def results_csv(session, round_):
    data = results_json(session, round_)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for pot in data["pots"]:
        for p in pot["projects"]:
            writer.writerow([pot["id"], csv_safe(pot["name"]), p["id"], csv_safe(p["title"]), p["cost_pence"],
                             p["votes"], p["score"], int(p["selected_by_count"]), p["step"] or "", p["reason"] or "",
                             p["board_decision"] or "", "" if p["award_pence"] is None else p["award_pence"],
                             csv_safe(p["board_reason"] or ""), p["priority"] or ""])
    return out.getvalue()


def pabulib_export(session, pot):
    """The pot's anonymised ballots as a Pabulib file: exactly the count's input, shuffled, no personal data.

    Money is in pence (currency GBX), as counted: Equal Shares' completion raises endowments one unit at
    a time, so a file in pounds could re-count differently. Ballots hold no ward (the ballot table has no
    link to a resident or a ward), so the file has no voter columns beyond the vote itself.
    """
    projects = count_service.counted_projects(session, pot)
    ballots = count_service.pot_ballots(session, pot)
    result = count_service.latest_results(session, pot.round)[pot.id]
    election = count_service.election_for(pot, projects, shuffled(ballots, seed=result.input_digest if result else "0"))
    options = count_service.rule_options(pot)
    meta = {"description": f"{pot.round.title}: {pot.name}", "country": "United Kingdom",
            "unit": pot.round.area.name if pot.round.area else "", "instance": str(pot.round.id),
            "subunit": pot.name, "currency": "GBX", "rule": _pabulib_rule(pot), "tie_break": options["tie_break"],
            "input_sha256": result.input_digest if result else ""}
    explanations = result.explanations if result else {}
    selected = set(result.selected) if result else set()
    extra = {str(p.id): {"selected": int(p.id in selected),
                         "votes": explanations.get(str(p.id), {}).get("votes", 0),
                         "score": explanations.get(str(p.id), {}).get("score", 0)} for p in projects}
    return write_pabulib(election, meta=meta, project_extra=extra)


def _pabulib_rule(pot):
    if pot.counting_rule == "greedy":
        return "greedy"
    name = "equalshares" if pot.counting_rule == "mes-cost" else "equalshares-cardinal"
    return f"{name}/{pot.completion}" if pot.completion != "none" else name


def to_json(data):
    return json.dumps(data, ensure_ascii=False, indent=2)
