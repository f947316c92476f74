#!/usr/bin/env python
"""Time the count against its floor (a bare csv read of the same file) and against pabutools.

Usage: .venv/bin/python benchmarks/tally.py [DIR] [--only NAME_PART] [--skip-all | --skip-targets] [--pabutools]

1. The issue's targets, each as a fresh `python -m app.domain.tally` process (parsing and start-up
   included), beside a fresh process that only reads the file with csv.reader, and beside a fresh
   process that only imports the app package (what every `-m app.domain...` start pays).
2. Every rule on every instance in one process: parse and count, beside the in-process csv read, and
   pabutools' recorded time (reference_outcomes.json) and whether the selected sets agree.
Wall and CPU time are both printed, with the machine's core count: on a shared machine the CPU time is the
figure to trust, so "met" is judged on both (wall, and CPU as the wall time an idle core would give).
The count runs on the compiled core when it was built (make install); NB_TALLY_PURE=1 in the environment
measures the pure-Python engines instead (the fresh processes inherit it).
--pabutools also runs pabutools 1.2.3 (pip install pabutools into the venv; not a dependency) on the
target instances, in a fresh process each, and prints its times. Asserts nothing.
"""

import argparse
import csv
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.domain.pabulib import read_pabulib_file  # noqa: E402
from app.domain.tally import Election, compiled, tally  # noqa: E402

RULES = [
    ("greedy_cost_sat", dict(rule="greedy")),
    ("mes_cost_plain", dict(rule="mes-cost", completion="none")),
    ("mes_cost_add1", dict(rule="mes-cost", completion="add1")),
    ("mes_cost_add1u", dict(rule="mes-cost", completion="add1u")),
    ("mes_card_plain", dict(rule="mes-card", completion="none")),
    ("mes_card_add1", dict(rule="mes-card", completion="add1")),
    ("mes_card_add1u", dict(rule="mes-card", completion="add1u")),
]
TARGETS = [  # (file, seconds wall) for MES-cost + Add1u as a fresh process
    ("Poland_Lodz_2022.pb", 1.0),
    ("Poland_Warszawa_2026.pb", 3.0),
    ("France_Toulouse_2024.pb", 2.0),
    ("Poland_Wroclaw_2015_150_-_500.pb", 0.3),
]
ALL_RULES_TARGET = 30.0

CSV_ONLY = "import csv, sys\nwith open(sys.argv[1], newline='', encoding='utf-8') as f:\n" \
           "    sum(1 for _ in csv.reader(f, delimiter=';'))\n"
PABUTOOLS = """import sys
from pabutools.election import parse_pabulib, Cost_Sat
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares
instance, profile = parse_pabulib(sys.argv[1])
profile = profile.as_multiprofile()
mes = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, voter_budget_increment=1)
greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat, initial_budget_allocation=mes)
"""


def fresh(args, cpu_limit):
    """Run a fresh Python process; return (wall s, CPU s of the child) or (None, None) past cpu_limit.

    The limit is on CPU time (RLIMIT_CPU), so a loaded machine slows a figure down but never stops it.
    """

    def limit_cpu():
        resource.setrlimit(resource.RLIMIT_CPU, (int(cpu_limit), int(cpu_limit) + 1))

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    try:
        subprocess.run([sys.executable, *args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                       preexec_fn=limit_cpu)
    except subprocess.CalledProcessError:
        return None, None
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def show(wall, cpu):
    return f"{'>CPU limit':>16}" if wall is None else f"{wall:7.2f} /{cpu:6.2f}s"


def approval_projection(election):
    ballots = [frozenset(p for p, v in b.items() if v > 0) if isinstance(b, dict) else frozenset(b)
               for b in election.ballots]
    return Election(election.projects, ballots, election.budget, "approval")


def _give_up(signum, frame):
    raise TimeoutError


def targets(folder, reference, args):
    print("1. Targets: MES-cost + Add1u (lexico), fresh `python -m app.domain.tally` process; wall / CPU")
    base_wall, base_cpu = fresh(["-c", "import app.domain.tally"], 60)
    print(f"   start-up alone (fresh process importing app.domain.tally, i.e. the app package): "
          f"{show(base_wall, base_cpu)}")
    print("   met: yes = within the target in wall time; cpu = only in CPU time (the machine was busy); no = neither")
    print(f"   {'instance':34} {'ours':>16} {'csv floor':>16} {'ratio (CPU)':>11} {'target':>7} {'met':>4}"
          f" {'pabutools (recorded idle / live)':>34}")
    for name, target in TARGETS:
        path = folder / name
        if not path.exists() or args.only not in name:
            continue
        wall, cpu = fresh(["-m", "app.domain.tally", str(path), "--rule", "mes-cost", "--completion", "add1u",
                           "--tie-break", "lexico"], args.limit)
        floor_wall, floor_cpu = fresh(["-c", CSV_ONLY, str(path)], 60)
        ratio = f"{cpu / floor_cpu:10.1f}x" if cpu else " " * 11
        met = "" if wall is None else ("yes" if wall <= target else ("cpu" if cpu <= target else "no"))
        ref = reference.get(name, {}).get("rules", {}).get("mes_cost_add1u", {})
        recorded = ref.get("seconds_idle_rerun", ref.get("seconds"))
        recorded_text = f"{recorded:.1f}s" if recorded else ref.get("status", "-")[:24]
        live = ""
        if args.pabutools:
            live_wall, live_cpu = fresh(["-c", PABUTOOLS, str(path)], args.limit)
            live = " / " + show(live_wall, live_cpu).strip()
        print(f"   {name[:34]:34} {show(wall, cpu)} {show(floor_wall, floor_cpu)} {ratio} {target:6.1f}s {met:>4}"
              f" {recorded_text + live:>34}", flush=True)


def every_rule(folder, reference, args):
    print(f"\n2. Every rule on every instance, in one process; wall / CPU seconds (target: all "
          f"{ALL_RULES_TARGET:.0f} s)")
    print(f"   {'instance':40} {'rule':15} {'ours':>16} {'csv floor':>16} {'pabutools s':>12} {'same set':>8}")
    files = sorted((p for p in folder.glob("*.pb") if args.only in p.name), key=lambda p: p.stat().st_size)
    total_wall = total_cpu = floor_wall = floor_cpu = 0.0
    signal.signal(signal.SIGPROF, _give_up)
    for path in files:
        start, start_cpu = time.perf_counter(), time.process_time()
        with open(path, newline="", encoding="utf-8") as handle:
            sum(1 for _ in csv.reader(handle, delimiter=";"))
        wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        floor_wall, floor_cpu = floor_wall + wall, floor_cpu + cpu
        floor = show(wall, cpu)
        start, start_cpu = time.perf_counter(), time.process_time()
        election = read_pabulib_file(path).election
        wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        total_wall, total_cpu = total_wall + wall, total_cpu + cpu
        print(f"   {path.name[:40]:40} {'(parse)':15} {show(wall, cpu)} {floor}", flush=True)
        projected = approval_projection(election) if election.vote_type in ("cumulative", "ordinal") else election
        rules = RULES + ([("greedy_score", dict(rule="greedy"))] if election.vote_type in ("cumulative", "ordinal")
                         else [])
        for name, options in rules:
            if election.vote_type == "ordinal" and name != "greedy_score":
                continue
            target = election if name == "greedy_score" else projected
            start, start_cpu = time.perf_counter(), time.process_time()
            signal.setitimer(signal.ITIMER_PROF, args.limit)  # CPU time: load cannot make a count "give up"
            try:
                outcome = tally(target, tie_break="lexico", **options)
            except TimeoutError:
                outcome = None
            finally:
                signal.setitimer(signal.ITIMER_PROF, 0)
            wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
            total_wall, total_cpu = total_wall + wall, total_cpu + cpu
            ref = reference.get(path.name, {}).get("rules", {}).get(name, {})
            same = "" if outcome is None or ref.get("selected") is None else (
                "yes" if set(ref["selected"]) == set(outcome.selected) else "NO")
            ref_text = f"{ref['seconds']:12.3f}" if ref.get("seconds") is not None else f"{ref.get('status', '-')[:12]:>12}"
            timing = f"{'>' + str(int(args.limit)) + 's CPU, gave up':>16}" if outcome is None else show(wall, cpu)
            print(f"   {path.name[:40]:40} {name[:15]:15} {timing} {'':16} {ref_text} {same:>8}", flush=True)
    met = "yes" if total_wall <= ALL_RULES_TARGET else ("in CPU time" if total_cpu <= ALL_RULES_TARGET else "no")
    print(f"   total, all rules and parsing: {total_wall:.1f} s wall, {total_cpu:.1f} s CPU; csv floor "
          f"{floor_wall:.2f} s wall, {floor_cpu:.2f} s CPU (target {ALL_RULES_TARGET:.0f} s: {met})")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", nargs="?", default=str(ROOT.parent / "shared" / "pb_instances"))
    parser.add_argument("--only", default="")
    parser.add_argument("--limit", type=float, default=60.0, help="give up on one count after this much CPU time (s)")
    parser.add_argument("--skip-all", action="store_true", help="only the fresh-process targets")
    parser.add_argument("--skip-targets", action="store_true", help="only every rule on every instance")
    parser.add_argument("--pabutools", action="store_true", help="also run pabutools live on the targets")
    args = parser.parse_args()
    folder = Path(args.directory)
    reference_path = folder / "reference_outcomes.json"
    reference = json.loads(reference_path.read_text())["instances"] if reference_path.exists() else {}
    engine = "compiled core (_mescore)" if compiled.CORE is not None else "pure Python (NB_TALLY_PURE=1 or not built)"
    print(f"{os.cpu_count()} cores   load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}   "
          f"python: {sys.version.split()[0]}   count: {engine}")
    if not args.skip_targets:
        targets(folder, reference, args)
    if not args.skip_all:
        every_rule(folder, reference, args)


if __name__ == "__main__":
    main()
