"""What the public sees of a published round: outcomes, explanations, turnout, open data.

Callers check that the round is published first (results.routes.published_round_or_404); nothing here
is safe to show for a hidden round.
"""

import csv
import io
import json
from fractions import Fraction

from sqlalchemy import func, select

from app.domain.open_data import csv_safe, shuffled, suppress, suppress_parts
from app.domain.pabulib import write_pabulib
from app.models import Participation, Round, Ward
from app.services import count as count_service
from app.services.decisions import awarded, published_record


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


def _pot_ids(round_):
    return [p.id for p in round_.pots]


def turnout_totals(session, round_):
    """{"online": n, "paper": n, "total": n} residents (each counted once per channel), unsuppressed."""
    rows = session.execute(select(Participation.channel, func.count(func.distinct(Participation.user_id)))
                           .where(Participation.pot_id.in_(_pot_ids(round_)))
                           .group_by(Participation.channel)).all()
    totals = {"online": 0, "paper": 0}
    totals.update(dict(rows))
    totals["total"] = session.scalar(select(func.count(func.distinct(Participation.user_id)))
                                     .where(Participation.pot_id.in_(_pot_ids(round_)))) or 0
    return totals


AGE_BANDS = ("under-11", "11-15", "16-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+", "unknown")


def turnout_by_ward(session, round_):
    """[(ward name, online, paper, total)] with counts under 10 suppressed (None), and their complements."""
    pot_ids = _pot_ids(round_)
    rows = session.execute(
        select(Ward.name, Participation.channel, func.count(func.distinct(Participation.user_id)))
        .join(Participation, Participation.ward_id == Ward.id)
        .where(Participation.pot_id.in_(pot_ids)).group_by(Ward.name, Participation.channel)).all()
    totals = dict(session.execute(
        select(Ward.name, func.count(func.distinct(Participation.user_id)))
        .join(Participation, Participation.ward_id == Ward.id)
        .where(Participation.pot_id.in_(pot_ids)).group_by(Ward.name)).all())
    table = {}
    for ward, channel, count in rows:
        table.setdefault(ward, {"online": 0, "paper": 0})[channel] = count
    shown_totals = suppress_parts(totals)
    report = []
    for ward, channels in sorted(table.items()):
        shown = suppress_parts(channels) if shown_totals[ward] is not None else {"online": None, "paper": None}
        report.append((ward, shown["online"], shown["paper"], shown_totals[ward]))
    return report


def turnout_by_age(session, round_):
    """[(age band or "unknown", count or None)] in age order, counts under 10 suppressed with complements."""
    rows = session.execute(
        select(Participation.age_band, func.count(func.distinct(Participation.user_id)))
        .where(Participation.pot_id.in_(_pot_ids(round_))).group_by(Participation.age_band)).all()
    counts = {band or "unknown": count for band, count in rows}
    shown = suppress_parts(counts)
    return sorted(shown.items(), key=lambda kv: AGE_BANDS.index(kv[0]) if kv[0] in AGE_BANDS else len(AGE_BANDS))


def participation_report(session, round_):
    """Turnout by channel, ward and age band with counts under 10 suppressed: for officers and the public."""
    totals = turnout_totals(session, round_)
    channels = suppress_parts({"online": totals["online"], "paper": totals["paper"]})
    return {"online": channels["online"], "paper": channels["paper"], "total": suppress(totals["total"]),
            "by_ward": turnout_by_ward(session, round_), "by_age": turnout_by_age(session, round_)}


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
        "participation": {key: value for key, value in summary["participation"].items()
                          if key in ("online", "paper", "total")}
        | {"by_ward": [{"ward": w, "online": o, "paper": p, "total": t}
                       for w, o, p, t in summary["participation"]["by_ward"]],
           "by_age": [{"age_band": band, "residents": n} for band, n in summary["participation"]["by_age"]],
           "suppressed_below": 10},
        "pots": [_pot_json(entry) for entry in summary["pots"]],
        "decision": _decision_json(decision) if decision else None,
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
               "step", "reason", "board_decision", "award_pence", "board_reason"]


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
                             csv_safe(p["board_reason"] or "")])
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
