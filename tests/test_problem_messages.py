"""Every problem a rule or service can raise has words in app.problem_messages, in every shipped language.

The codes are read from the code itself (every Problem("code", ...), every *Refused(["code"]) and every named
problem constructor called with a literal code), so a new rule without a sentence fails here, not in front
of a resident who would read a bare code.
"""

import ast
from datetime import date, time
from pathlib import Path

import pytest
from flask_babel import force_locale
from wtforms import Form, StringField

from app.domain.problems import Problem, Refused
from app.problem_messages import MESSAGES, error_list, has_message, message, put_on_form

APP = Path(__file__).resolve().parents[1] / "app"
SHIPPED = ["en", "cy", "pl", "ur", "pa"]
CONSTRUCTORS = {"Problem", "DecisionProblem", "SheetProblem"}


def _literal(node):
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _raised_problems():
    """(code, field or None, where) for every problem with a literal code in app/."""
    found = set()
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            where = f"{path.relative_to(APP.parent)}:{node.lineno}"
            if name in CONSTRUCTORS and _literal(node.args[0]):
                field = _literal(node.args[1]) if len(node.args) > 1 and name == "Problem" else None
                field = "sheet" if name == "SheetProblem" else field
                found.add((_literal(node.args[0]), field, where))
            elif name in ("PhotoRefused", "refused") and _literal(node.args[0]):
                # refused(...): app.domain.photos.redraw_upload, which raises PhotoRefused for photos
                found.add(("photo_" + _literal(node.args[0]), "photo", where))
            elif name and name.endswith("Refused") and isinstance(node.args[0], ast.List):
                found.update((_literal(item), None, where) for item in node.args[0].elts if _literal(item))
            elif name == "TranslationRefused" and _literal(node.args[0]):
                found.add((_literal(node.args[0]), None, where))
    return sorted(found, key=str)


def test_the_scan_finds_the_rules_problems():
    codes = {code for code, _field, _where in _raised_problems()}
    assert {"wrong_ward", "voting_closed", "frozen", "over_pot", "label_duplicate", "photo_too_large",
            "ballot_text_frozen", "syntax"} <= codes


@pytest.mark.parametrize("code, field, where", _raised_problems())
def test_every_problem_raised_has_a_message(code, field, where):
    keyed = {key[1] for key in MESSAGES if isinstance(key, tuple)}
    assert has_message(Problem(code, field)) or (field is None and code in keyed), where


@pytest.mark.parametrize("key", sorted(MESSAGES, key=str), ids=lambda key: ":".join(key) if isinstance(key, tuple) else key)
@pytest.mark.parametrize("lang", SHIPPED)
def test_every_message_renders_in_every_language(app, key, lang):
    field, code = key if isinstance(key, tuple) else (None, key)
    values = {"allowed": 3, "chosen": 4, "total": 11, "total_pence": 110_00, "cap_pence": 100_00, "pot": "Youth fund",
              "award_pence": 40_00, "max": 120, "line": 12, "msgid": "Vote", "found": "pl", "language": "Welsh",
              "day": date(2027, 3, 28), "time": time(1, 30), "start": time(1), "end": time(2)}
    with app.test_request_context(), force_locale(lang):
        text = message(Problem(code, field), **values)
        english = None
        if lang != "en":
            with force_locale("en"):
                english = message(Problem(code, field), **values)
    assert text and "%(" not in text.replace("%(name)s", "")  # the placeholders message shows one
    assert text != english, f"{key} is not translated into {lang}"


def test_problems_go_on_their_fields_and_the_rest_above_the_form(app):
    class Form_(Form):
        title = StringField("Title")
        wards = StringField("Wards whose residents may take part")

    with app.test_request_context():
        form = Form_()
        put_on_form(form, [Problem("required", "title"), Problem("voting_closed"),
                           Problem("frozen", "ward_ids")], fields={"ward_ids": "wards"})
        assert form.title.errors == ["Enter a project title."]
        assert form.form_errors == [
            "Voting in this round has closed. Your ballot was not stored.",
            "Voting has opened, so this can no longer be changed: Wards whose residents may take part."]


def test_a_problem_about_one_project_names_it(app):
    with app.test_request_context():
        assert error_list([Problem("bad_amount", "amount-7", {"proposal_id": 7})], titles={7: "Benches"}) == [
            ("amount-7", "Benches: Enter an award in pounds, more than nothing and no more than the project's cost, "
                         "like 4000.")]


def test_a_refusal_turns_bare_codes_into_problems():
    refused = Refused(["voting_closed", Problem("frozen", "pots")])
    assert refused.problems == [Problem("voting_closed"), Problem("frozen", "pots")]
    assert refused.codes == ["voting_closed", "frozen"]
