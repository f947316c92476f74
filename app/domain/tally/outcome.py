"""What a count returns: the selected projects and an explanation for every project."""

from dataclasses import dataclass, field
from fractions import Fraction

# Reason codes (the app turns them into translated sentences).
SELECTED = "selected"
DID_NOT_FIT = "did_not_fit"  # greedy: its cost was more than the money left when its turn came
STOPPED = "stopped_no_skip"  # greedy-no-skip: counting stopped at an earlier project that did not fit
BELOW_THRESHOLD = "below_threshold"  # greedy-threshold: score under the minimum
SUPPORTERS_COULD_NOT_AFFORD = "supporters_could_not_afford"  # Equal Shares: supporters' money < cost
NO_SUPPORT = "no_support"  # nobody voted for it
COMPLETION_DID_NOT_FIT = "completion_did_not_fit"  # Equal Shares + completion: did not fit what was left


@dataclass
class ProjectExplanation:
    project_id: str
    cost: Fraction
    votes: int
    score: int
    selected: bool = False
    step: int | None = None  # 1-based position in the order of selection
    phase: str = ""  # "greedy" | "equal_shares" | "completion"
    reason: str = ""
    money_left_when_considered: Fraction | None = None
    supporters_could_pay: Fraction | None = None  # Equal Shares: what its supporters had left when dropped

    def as_dict(self):
        def plain(value):
            if isinstance(value, Fraction):
                return str(value) if value.denominator != 1 else int(value)
            return value

        return {key: plain(value) for key, value in self.__dict__.items()}


@dataclass
class Outcome:
    selected: list  # project ids in order of selection
    total_cost: Fraction
    explanations: dict  # project id -> ProjectExplanation
    rule: str = ""
    parameters: dict = field(default_factory=dict)

    @property
    def tie_decided_by_id(self):
        """True when two projects equal in everything the tie-break looks at but their ids were separated by
        the ids alone (compared as text) and that decided what was funded; equalshares.net would draw lots."""
        return bool(self.parameters.get("tie_decided_by_id"))

    def as_dict(self):
        return {
            "selected": list(self.selected),
            "total_cost": str(self.total_cost) if self.total_cost.denominator != 1 else int(self.total_cost),
            "rule": self.rule,
            "parameters": dict(self.parameters),
            "explanations": {pid: exp.as_dict() for pid, exp in self.explanations.items()},
        }
