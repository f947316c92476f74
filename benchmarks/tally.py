#!/usr/bin/env python
"""Time every counting rule on every Pabulib instance and compare with pabutools' recorded times.

Usage: .venv/bin/python benchmarks/tally.py [DIR] [--only NAME_PART]
DIR defaults to ../shared/pb_instances (next to this repository). Prints a table and totals; asserts nothing.
"""

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.domain.pabulib import read_pabulib_file  # noqa: E402
from app.domain.tally import Election, tally  # noqa: E402

RULES = [
    ("greedy_cost_sat", dict(rule="greedy")),
    ("mes_cost_plain", dict(rule="mes-cost", completion="none")),
    ("mes_cost_add1u", dict(rule="mes-cost", completion="add1u")),
    ("mes_card_plain", dict(rule="mes-card", completion="none")),
    ("mes_card_add1u", dict(rule="mes-card", completion="add1u")),
]


def approval_projection(election):
    ballots = [frozenset(p for p, v in b.items() if v > 0) if isinstance(b, dict) else frozenset(b)
               for b in election.ballots]
    return Election(election.projects, ballots, election.budget, "approval")


def _give_up(signum, frame):
    raise TimeoutError


def main():
    signal.signal(signal.SIGALRM, _give_up)
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", nargs="?", default=str(ROOT.parent / "shared" / "pb_instances"))
    parser.add_argument("--only", default="")
    parser.add_argument("--limit", type=float, default=60.0, help="give up on one rule after this many seconds")
    args = parser.parse_args()
    folder = Path(args.directory)
    reference_path = folder / "reference_outcomes.json"
    reference = json.loads(reference_path.read_text())["instances"] if reference_path.exists() else {}
    files = sorted((p for p in folder.glob("*.pb") if args.only in p.name), key=lambda p: p.stat().st_size)
    print(f"cores: {os.cpu_count()}   instances: {len(files)}")
    print(f"{'instance':48} {'rule':16} {'ours s':>8} {'pabutools s':>12} {'ratio':>8} {'same set':>9}")
    total = 0.0
    for path in files:
        start = time.perf_counter()
        parsed = read_pabulib_file(path)
        parse_seconds = time.perf_counter() - start
        total += parse_seconds
        election = parsed.election
        projected = approval_projection(election) if election.vote_type in ("cumulative", "ordinal") else election
        rules = RULES + ([("greedy_score", dict(rule="greedy"))] if election.vote_type in ("cumulative", "ordinal")
                         else [])
        for name, options in rules:
            if election.vote_type == "ordinal" and name != "greedy_score":
                continue
            target = election if name == "greedy_score" else projected
            start = time.perf_counter()
            signal.setitimer(signal.ITIMER_REAL, args.limit)
            try:
                outcome = tally(target, tie_break="lexico", **options)
            except TimeoutError:
                seconds = time.perf_counter() - start
                total += seconds
                print(f"{path.name[:48]:48} {name[:16]:16} {'>' + str(int(args.limit)):>8} (gave up)", flush=True)
                continue
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            seconds = time.perf_counter() - start
            total += seconds
            ref = reference.get(path.name, {}).get("rules", {}).get(name, {})
            ref_seconds = ref.get("seconds")
            same = "" if ref.get("selected") is None else ("yes" if set(ref["selected"]) == set(outcome.selected)
                                                            else "NO")
            ratio = f"{ref_seconds / seconds:8.1f}x" if ref_seconds and seconds > 0 else " " * 9
            ref_text = f"{ref_seconds:12.3f}" if ref_seconds is not None else f"{ref.get('status', '-')[:12]:>12}"
            label = f"{name} (+parse {parse_seconds:.2f}s)" if name == "mes_cost_add1u" else name
            print(f"{path.name[:48]:48} {label[:16]:16} {seconds:8.3f} {ref_text} {ratio} {same:>9}", flush=True)
    print(f"total (all rules, all instances, incl. parsing): {total:.1f} s on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
