"""Command line: count a Pabulib file. `python -m app.domain.tally PATH.pb --rule mes-cost`.

Prints one JSON object ({"selected": [...], "total_cost": ..., ...}). Bad input: exit 2, one line on stderr.
"""

import argparse
import json
import sys

from app.domain.pabulib import PabulibError, read_pabulib_file
from app.domain.tally import COMPLETIONS, DEFAULT_TIE_BREAK, RULES, TIE_BREAKS, TallyError, tally


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m app.domain.tally", description="Count a Pabulib .pb file.")
    parser.add_argument("path")
    parser.add_argument("--rule", choices=RULES, default="greedy")
    parser.add_argument("--completion", choices=COMPLETIONS, default="add1u")
    parser.add_argument("--tie-break", choices=TIE_BREAKS, default=DEFAULT_TIE_BREAK)
    parser.add_argument("--endowment", choices=("exact", "integral"), default="exact")
    parser.add_argument("--no-skip", action="store_true", help="greedy-no-skip: stop at the first that does not fit")
    parser.add_argument("--min-score", type=int, default=None, help="greedy-threshold: minimum score")
    parser.add_argument("--no-exhaustive-stop", action="store_true", help="Add1: do not stop once exhaustive")
    parser.add_argument("--explain", action="store_true", help="include per-project explanations")
    args = parser.parse_args(argv)
    try:
        election = read_pabulib_file(args.path).election
        outcome = tally(election, rule=args.rule, completion=args.completion, tie_break=args.tie_break,
                        endowment=args.endowment, skip=not args.no_skip, min_score=args.min_score,
                        exhaustive_stop=not args.no_exhaustive_stop)
    except (OSError, UnicodeDecodeError) as error:
        print(f"error: cannot read {args.path}: {error}", file=sys.stderr)
        return 2
    except (PabulibError, TallyError) as error:
        print(f"error: {args.path}: {error}", file=sys.stderr)
        return 2
    result = outcome.as_dict()
    if not args.explain:
        result.pop("explanations")
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
