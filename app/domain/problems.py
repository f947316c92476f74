"""What is wrong, in one shape: every rule that refuses something returns a list of Problem.

code says which rule refused ("over_budget", "frozen"), field names the form field it belongs to (None: the
whole form), values carries what the sentence needs (pence, counts, a pot's name). Words are not made here:
app.problem_messages turns a code into a sentence in the reader's language.
"""

from dataclasses import dataclass
from dataclasses import field as dc_field


@dataclass(frozen=True)
class Problem:
    code: str
    field: str | None = None
    values: dict = dc_field(default_factory=dict, hash=False)

    def __getitem__(self, name):
        return self.values[name]


def codes(problems):
    """The codes of problems, in order (for audit entries and tests)."""
    return [problem.code for problem in problems]


class Refused(Exception):
    """A service refused a change; .problems says why (bare codes become Problem(code))."""

    def __init__(self, problems):
        self.problems = [p if isinstance(p, Problem) else Problem(p) for p in problems]
        super().__init__(", ".join(p.code for p in self.problems))

    @property
    def codes(self):
        return codes(self.problems)
