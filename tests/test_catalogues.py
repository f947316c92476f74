"""Language packs: every string in the code is in every catalogue and translated, placeholders match, no
literal text in templates escapes translation, and every page carries the right lang and dir.

English is the source language: its msgids are the text, so an empty msgstr in en is complete (gettext
shows the msgid). Every other shipped language must translate every string, with no fuzzy entries (the
service treats fuzzy as untranslated). When this fails after someone adds strings, run
`flask --app wsgi translate extract && flask --app wsgi translate update` and translate the new msgids.
"""

import gettext
import re
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import jinja2
import pytest
from babel.messages.pofile import read_po

from app.domain.catalogue import catalogue_problems, is_translated
from app.translate.commands import extract_arguments

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ["en", "cy", "pl", "ur", "pa"]
RTL = {"ur"}
PLURALS = {"en": 2, "cy": 6, "pl": 3, "ur": 2, "pa": 2}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *extract_arguments(str(pot))], cwd=ROOT,
                   check=True)
    with open(pot, "rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


def _catalogue(lang):
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=lang)


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_string_in_the_code_is_in_the_catalogue(extracted, lang):
    ids = {m.id for m in _catalogue(lang) if m.id}
    assert sorted(map(str, extracted - ids)) == []


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_string_is_translated_and_none_is_fuzzy(lang):
    catalogue = _catalogue(lang)
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    missing = [] if lang == "en" else [m.id for m in catalogue if m.id and not m.fuzzy and not is_translated(m.string)]
    assert (fuzzy, missing) == ([], [])


@pytest.mark.parametrize("lang", SHIPPED)
def test_translations_keep_placeholders_and_add_no_html(lang):
    catalogue = _catalogue(lang)
    assert catalogue.num_plurals == PLURALS[lang]
    assert catalogue_problems(catalogue, PLURALS[lang]) == []


def test_welsh_has_six_plural_forms_and_uses_them(app):
    from flask_babel import force_locale, ngettext

    choose = gettext.c2py(_catalogue("cy").plural_expr)
    assert [choose(n) for n in (0, 1, 2, 3, 6, 7)] == [0, 1, 2, 3, 4, 5]
    with app.test_request_context(), force_locale("cy"):
        forms = [ngettext("Choose %(num)d project.", "Choose up to %(num)d projects.", n) for n in (0, 1, 2, 3, 6, 7)]
    assert forms == ["Does dim prosiectau i’w dewis.", "Dewiswch un prosiect.", "Dewiswch hyd at ddau brosiect.",
                     "Dewiswch hyd at dri phrosiect.", "Dewiswch hyd at chwe phrosiect.",
                     "Dewiswch hyd at 7 prosiect."]


def test_polish_has_three_plural_forms(app):
    from flask_babel import force_locale, ngettext

    with app.test_request_context(), force_locale("pl"):
        forms = {n: ngettext("Choose %(num)d project.", "Choose up to %(num)d projects.", n) for n in (1, 3, 5, 22)}
    assert len({forms[1].replace("1", ""), forms[3].replace("3", ""), forms[5].replace("5", "")}) == 3
    assert forms[22].replace("22", "") == forms[3].replace("3", "")


def test_money_numbers_and_dates_follow_the_locale(app):
    from flask_babel import force_locale, format_date, format_number

    from app.i18n import format_pence

    with app.test_request_context():
        assert format_pence(4_000_000, "en") == "£40,000"
        assert format_pence(400_050, "pl").replace("\xa0", " ").replace("\u202f", " ") == "4 000,50 GBP"
        assert format_pence(4_000_000, "ur") == "£40,000" and format_pence(400_050, "pa") == "£4,000.50"
        with force_locale("cy"):
            assert "Tachwedd" in format_date(date(2026, 11, 30), "long")
        with force_locale("ur"):
            assert format_date(date(2026, 11, 30), "long") == "30 نومبر، 2026"
        with force_locale("pa"):
            assert format_date(date(2026, 11, 30), "long") == "30 ਨਵੰਬਰ 2026"
            assert format_number(1234567) == "12,34,567"  # Indian digit grouping


# ---- No literal text in templates escapes translation ----------------------------------------------------

# Text that may stand in a template as written: punctuation, symbols and names that are the same in
# every language. Anything with letters outside {{ }} / {% %} must go through _().
ALLOWED_TEXT = {"£", "JSON", "CSV", "API", "Pabulib", "axe-core"}
TRANSLATED_ATTRIBUTES = re.compile(r"""\b(alt|title|placeholder|aria-label|aria-description)\s*=\s*(["'])(.*?)\2""",
                                   re.S)
EXPRESSION = "\x00"


def _template_text(source):
    """The template with each {{ }}, {% %} and {# #} replaced by EXPRESSION: what is left is literal."""
    environment = jinja2.Environment(extensions=["jinja2.ext.do", "jinja2.ext.i18n"])
    parts, inside = [], False
    for _line, token, value in environment.lex(source):
        if token == "data":
            parts.append(value)
        elif token in ("variable_begin", "block_begin", "comment_begin", "raw_begin"):
            inside = True
        elif token in ("variable_end", "block_end", "comment_end", "raw_end") and inside:
            parts.append(EXPRESSION)
            inside = False
    return "".join(parts)


def _literal_text(source, html=True):
    text = _template_text(source)
    found = []
    if html:
        text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
        found += [value for _name, _quote, value in TRANSLATED_ATTRIBUTES.findall(text)]
        text = re.sub(r"<[^>]*>", EXPRESSION, text)
        text = re.sub(r"&#?\w+;", " ", text)
    found += text.split(EXPRESSION)
    leftovers = []
    for piece in found:
        piece = " ".join(piece.replace(EXPRESSION, " ").split())
        if any(ch.isalpha() for ch in piece) and piece.strip(" .,:;()–-") not in ALLOWED_TEXT:
            leftovers.append(piece)
    return leftovers


def test_the_literal_text_check_finds_untranslated_words():
    assert _literal_text("<p>{{ _('Vote') }}</p><p>Hello {{ name }}</p>") == ["Hello"]
    assert _literal_text('<img alt="A map" src="{{ x }}"><a href="{{ u }}" class="x">{{ _("Go") }}</a>') == ["A map"]
    assert _literal_text("{% if x %}<b>£</b>{% endif %}{# a note #}<!-- a comment -->") == []


def test_no_literal_text_in_templates_escapes_translation():
    leftovers = {}
    for path in sorted((ROOT / "app" / "templates").rglob("*")):
        if path.suffix not in (".html", ".txt"):
            continue
        found = _literal_text(path.read_text(encoding="utf-8"), html=path.suffix == ".html")
        if found:
            leftovers[str(path.relative_to(ROOT))] = found
    assert leftovers == {}


# ---- Every page, in every language, says its language and direction ---------------------------------------

@pytest.fixture
def world(app, db):
    """A round in each phase a page needs (collecting proposals, voting, waiting for the board, published), one
    person holding every role, and the values for each page's URL: pages answer 200 only in their phase."""
    from app.models import RoleGrant
    from app.services import accounts
    from app.services.decisions import published_record
    from tests.factories import make_area, make_pot, make_proposal, make_round, make_user, make_ward
    from tests.support.results_scenarios import Scenario

    area = make_area()
    ward = make_ward(area=area)
    voting = make_round(area=area, phase="voting", voting_open_at=datetime.now(UTC) - timedelta(days=1))
    pot = make_pot(round_=voting)
    proposal = make_proposal(pot=pot, status="feasible")
    collecting = make_round(area=area, phase="proposals", title="Shephall grants")
    collecting_pot = make_pot(round_=collecting)
    everyone = make_user(role=["officer", "translator", "admin", "board"], area=area, ward=ward)
    draft = make_proposal(pot=collecting_pot, author=everyone, status="draft")
    deciding, published = Scenario(phase="decision"), Scenario(phase="published")
    for scenario in (deciding, published):
        everyone.roles.append(RoleGrant(role="board", area_id=scenario.area.id))
    db.session.commit()
    common = {"lang": "cy", "user_id": everyone.id, "entity": "round", "entity_id": voting.id,
              "token": {"auth.verify": accounts.make_token(app.secret_key, accounts.VERIFY, everyone),
                        "auth.reset_password": accounts.make_token(app.secret_key, accounts.RESET, everyone)}}
    rounds = [
        {"round_id": voting.id, "pot_id": pot.id, "proposal_id": proposal.id},
        {"round_id": collecting.id, "pot_id": collecting_pot.id, "proposal_id": draft.id},
        {"round_id": deciding.round.id, "pot_id": deciding.pot.id, "proposal_id": deciding.garden.id},
        {"round_id": published.round.id, "pot_id": published.pot.id, "proposal_id": published.garden.id,
         "record_id": published_record(db.session, published.round).id},
    ]
    return everyone, [dict(common, **values) for values in rounds]


# Pages that answer 200 only with a token, a record or a round in the right phase: each must be checked.
NEEDS_SETUP = {"auth.verify", "auth.reset_password", "board.record", "board.decision", "translate.edit",
               "officer.count", "proposals.edit", "results.round_results", "results.participation",
               "results.decision_record"}


def _pages(app, worlds):
    """(endpoint, path) of every GET page, once for each set of URL values that fills in its arguments."""
    seen = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or rule.endpoint.startswith("api"):
            continue
        if rule.endpoint == "main.choose_language":  # a language link: it changes the language being checked
            continue
        for ids in worlds:
            values = {arg: ids[arg].get(rule.endpoint) if isinstance(ids.get(arg), dict) else ids.get(arg)
                      for arg in rule.arguments}
            if any(value is None for value in values.values()):
                continue
            path = rule.build(values)[1]
            if path not in seen:
                seen.add(path)
                yield rule.endpoint, path


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_page_has_the_right_lang_and_dir(app, client, db, login_as, world, lang):
    everyone, worlds = world
    expected = f'<html lang="{lang}" dir="{"rtl" if lang in RTL else "ltr"}"'
    wrong, seen = [], set()
    for signed_in in (False, True):
        if signed_in:
            login_as(everyone)
        client.post("/language", data={"locale": lang, "next": "/"})
        for endpoint, path in _pages(app, worlds):
            response = client.get(path)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            seen.add(endpoint)
            if expected not in response.get_data(as_text=True):
                wrong.append(path)
    assert wrong == []
    assert NEEDS_SETUP - seen == set() and len(seen) >= 38


# ---- E-mails are written in the recipient's language, whatever the page was in ------------------------------

@pytest.mark.parametrize(("lang", "subject", "phrase"), [
    ("ur", "اپنا پاس ورڈ دوبارہ ترتیب دیں", "یہ لنک ایک گھنٹے تک اور صرف ایک بار کام کرتا ہے۔"),
    ("pa", "ਆਪਣਾ ਪਾਸਵਰਡ ਰੀਸੈੱਟ ਕਰੋ", "ਲਿੰਕ ਇੱਕ ਘੰਟੇ ਲਈ ਅਤੇ ਸਿਰਫ਼ ਇੱਕ ਵਾਰ ਕੰਮ ਕਰਦਾ ਹੈ।"),
    ("pl", "Zresetuj hasło", "Link jest ważny przez godzinę i tylko raz."),
])
def test_emails_are_sent_in_the_recipients_language(client, db, outbox, lang, subject, phrase):
    from tests.factories import make_user

    user = make_user(email=f"{lang}@example.org", locale=lang)
    db.session.commit()
    client.post("/auth/reset", data={"email": user.email}, headers={"Accept-Language": "en"})
    message = outbox.wait_for(lambda m: m["To"] == user.email)
    assert message["Subject"] == subject and message["Content-Language"] == lang
    assert phrase in message.get_content()
