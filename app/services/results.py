"""What the public sees of a published round: outcomes, explanations, turnout, open data."""

import csv
import io
import json

from sqlalchemy import func, select

from app.domain.open_data import shuffled, suppress
from app.domain.pabulib import write_pabulib
from app.models import Participation, Round, Ward
from app.services import count as count_service
from app.services.decisions import current_record


def published_rounds(session):
    return session.scalars(select(Round).where(Round.phase == "published").order_by(Round.id.desc())).all()


def pot_outcome(session, pot):
    """Projects of a pot with votes, cost and the count's explanation, funded first."""
    result = count_service.latest_results(session, pot.round)[pot.id]
    projects = count_service.counted_projects(session, pot)
    explanations = result.explanations if result else {}
    rows = []
    for project in projects:
        explanation = explanations.get(str(project.id), {})
        rows.append({"proposal": project, "votes": explanation.get("votes", 0), "score": explanation.get("score", 0),
                     "cost": project.ballot_cost_pence, "selected": bool(explanation.get("selected")),
                     "step": explanation.get("step"), "explanation": explanation})
    rows.sort(key=lambda r: (not r["selected"], r["step"] or 0, -r["score"], r["proposal"].title))
    return {"pot": pot, "result": result, "rows": rows,
            "used": result.total_cost_pence if result else 0,
            "left": pot.amount_pence - (result.total_cost_pence if result else 0)}


def turnout_by_ward(session, round_):
    """[(ward name, online, paper)] with counts under 10 suppressed (None)."""
    rows = session.execute(
        select(Ward.name, Participation.channel, func.count(func.distinct(Participation.user_id)))
        .join(Participation, Participation.ward_id == Ward.id)
        .where(Participation.pot_id.in_([p.id for p in round_.pots]))
        .group_by(Ward.name, Participation.channel)).all()
    table = {}
    for ward, channel, count in rows:
        table.setdefault(ward, {"online": 0, "paper": 0})[channel] = count
    return [(ward, suppress(c["online"]), suppress(c["paper"])) for ward, c in sorted(table.items())]


def turnout_by_age(session, round_):
    rows = session.execute(
        select(Participation.age_band, func.count(func.distinct(Participation.user_id)))
        .where(Participation.pot_id.in_([p.id for p in round_.pots])).group_by(Participation.age_band)).all()
    return [(band or "unknown", suppress(count)) for band, count in sorted(rows, key=lambda r: r[0] or "~")]


def turnout_totals(session, round_):
    rows = session.execute(select(Participation.channel, func.count(func.distinct(Participation.user_id)))
                           .where(Participation.pot_id.in_([p.id for p in round_.pots]))
                           .group_by(Participation.channel)).all()
    totals = {"online": 0, "paper": 0}
    totals.update(dict(rows))
    return totals


def round_summary(session, round_):
    return {"round": round_, "pots": [pot_outcome(session, pot) for pot in round_.pots],
            "decision": current_record(session, round_), "turnout": turnout_totals(session, round_),
            "by_ward": turnout_by_ward(session, round_), "by_age": turnout_by_age(session, round_)}


def results_json(session, round_):
    summary = round_summary(session, round_)
    decision = summary["decision"]
    decided = {item.proposal_id: item for item in decision.items} if decision else {}
    return {
        "round": {"id": round_.id, "title": round_.title, "area": round_.area.name if round_.area else None,
                  "phase": round_.phase},
        "turnout": summary["turnout"],
        "pots": [{
            "id": entry["pot"].id, "name": entry["pot"].name, "amount_pence": entry["pot"].amount_pence,
            "rule": entry["result"].rule if entry["result"] else None,
            "parameters": entry["result"].parameters if entry["result"] else None,
            "input_digest": entry["result"].input_digest if entry["result"] else None,
            "ballots": entry["result"].ballot_count if entry["result"] else 0,
            "used_pence": entry["used"], "left_pence": entry["left"],
            "projects": [{
                "id": row["proposal"].id, "title": row["proposal"].title, "cost_pence": row["cost"],
                "votes": row["votes"], "score": row["score"], "selected_by_count": row["selected"],
                "reason": row["explanation"].get("reason"),
                "board_decision": decided[row["proposal"].id].outcome if row["proposal"].id in decided else None,
                "award_pence": decided[row["proposal"].id].amount_pence if row["proposal"].id in decided else None,
            } for row in entry["rows"]],
        } for entry in summary["pots"]],
    }


def results_csv(session, round_):
    data = results_json(session, round_)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["pot", "project_id", "title", "cost_pence", "votes", "score", "selected_by_count",
                     "board_decision", "award_pence"])
    for pot in data["pots"]:
        for p in pot["projects"]:
            writer.writerow([pot["name"], p["id"], _csv_safe(p["title"]), p["cost_pence"], p["votes"], p["score"],
                             int(p["selected_by_count"]), p["board_decision"] or "", p["award_pence"] or ""])
    return out.getvalue()


def _csv_safe(text):
    """Stop spreadsheet formula injection from a resident-written title."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def pabulib_export(session, pot):
    """The pot's anonymised ballots as a Pabulib file: shuffled, no personal data."""
    projects = count_service.counted_projects(session, pot)
    ballots = count_service.pot_ballots(session, pot)
    result = count_service.latest_results(session, pot.round)[pot.id]
    election = count_service.election_for(pot, projects, shuffled(ballots, seed=result.input_digest if result else "0"))
    meta = {"description": f"{pot.round.title}: {pot.name}", "country": "United Kingdom",
            "unit": pot.round.area.name if pot.round.area else "", "instance": str(pot.round.id),
            "currency": "GBP (pence)", "rule": _pabulib_rule(pot)}
    selected = set(result.selected) if result else set()
    extra = {str(p.id): {"selected": int(p.id in selected)} for p in projects}
    return write_pabulib(election, meta=meta, project_extra=extra)


def _pabulib_rule(pot):
    if pot.counting_rule == "greedy":
        return "greedy"
    return f"equalshares/{pot.completion}" if pot.completion != "none" else "equalshares"


def to_json(data):
    return json.dumps(data, ensure_ascii=False, indent=2)
