"""Gates over every route in app.url_map, so that a route added later is covered without touching this file:

- access control: every GET route x eight kinds of people x three sets of URL ids (our own objects, a
  published round's, another area's or another resident's) answers only what the view declares and the
  object's scope allow: sign-in for visitors, 403 for the wrong role, 403/404 out of scope, never a 200
  where nothing should be shown;
- every state-changing route refuses people without the role or the scope, and changes nothing;
- CSRF: every POST/PUT/PATCH/DELETE with a missing, forged or another session's token is refused (400) and
  changes nothing, even with a form that is otherwise exactly what the page offers;
- no GET or HEAD changes the database, for anybody;
- security headers on every response, errors included; cookies HttpOnly, SameSite and Secure in production;
- fuzzing: every form any page shows, as each person shown it, with hostile values in every field;
- bad input, class by class: huge ids in every <int:> argument (404) and in every integer query value,
  huge numbers, over-long text and control characters in every field of every form, NUL in every upload,
  and a body over the limit on every state-changing route (413): never a 5xx, nothing bad stored.
"""

import html.parser
import io
import os
import re
from pprint import pformat
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from itsdangerous import URLSafeTimedSerializer
from werkzeug.exceptions import HTTPException

from tests.gates.world import (
    FORM_NOT_SHOWN,
    GRANTS,
    IDSETS,
    ROLES,
    STATE_CHANGING,
    build_path,
    build_world,
    checksum,
    declared_roles,
    empty_database,
    login_redirect,
    path_arguments,
    read_forms,
    request,
    rules,
    sign_in,
    stored_problems,
    uses_ids,
)

HTTPS = "https://localhost"

# The access policy, written down apart from the code: who may use each part of the product (by blueprint),
# so that a new view that forgets its @role_required is caught. None: open to everyone.
POLICY = {"main": None, "auth": None, "proposals": None, "results": None, "api": None, "areas": None,
          "officer": ("officer",), "admin": ("admin",), "board": ("board",), "translate": ("translator",),
          "voting": ("resident",), "delivery": None}
ENDPOINT_POLICY = {
    "voting.receipt": None,  # anyone can check a receipt code: it says only "counted" or not
    "auth.account": ("resident",), "auth.change_password": ("resident",), "auth.resend_verification": ("resident",),
    "auth.download_data": ("resident",), "auth.delete_account": ("resident",), "auth.correct_details": ("resident",),
    "proposals.mine": ("resident",), "proposals.edit": ("resident",), "proposals.withdraw": ("resident",),
    "delivery.dashboard": ("officer",), "delivery.manage": ("officer",), "delivery.add_milestone": ("officer",),
    "delivery.post_update": ("resident",),  # officers, or the proposer when the officer allows it
    # Polling helpers register residents in person and enter paper ballots for their one round (checked in the
    # view); admins and officers name them.
    **dict.fromkeys(("officer.register_in_person", "officer.claim_slip", "officer.paper_ballot", "officer.paper_entry",
                     "officer.paper_sheet", "officer.paper_sheet_confirm"), ("officer", "polling_helper")),
    "officer.helpers": ("officer", "admin"), "officer.remove_helper": ("officer", "admin"),
    # An area's priorities: its board members and officers; the council-wide list: officers.
    "board.priorities_index": ("board", "officer"), "board.area_priorities": ("board", "officer"),
    "board.council_priorities": ("officer",),
    # Officers answer residents' calls too: why was this resident refused (read only).
    "admin.take_part_search": ("admin", "officer"), "admin.take_part": ("admin", "officer"),
    # ...and change the notice choices of a resident registered in person, until they take the account over.
    "admin.resident_notices": ("admin", "officer"),
}

HIDDEN = frozenset({403, 404})
NOT_FOUND = frozenset({404})

# Routes that answer differently from the generic rules, with the reason. (endpoint, role or "*", idset or "*").
EXCEPTIONS = {
    ("auth.verify", "*", "foreign"): ({400}, "a link that is not ours says so (400), for everybody"),
    ("auth.reset_password", "*", "foreign"): ({400}, "a link that is not ours says so (400), for everybody"),
    ("auth.unsubscribe", "*", "foreign"): ({400}, "a link that is not ours says so (400), for everybody"),
    ("auth.unsubscribe_confirm", "*", "foreign"): ({400}, "a link that is not ours says so (400), for everybody"),
    ("admin.revoke", "admin", "foreign"): (NOT_FOUND, "a role grant that belongs to someone else does not exist"),
}
# GET routes that answer 200 to nobody in the world, with the reason (every other route must, or the
# world is not reaching it and the matrix would pass without testing anything).
NEVER_200 = {"main.choose_language": "a language link: remembers the choice and goes back to the page",
             "main.brand_logo": "the council's logo: 404 until an administrator uploads one",
             "voting.recorded": "a cast's confirmation: only in the browser that cast the ballot (its session); "
                                "tests/views/test_voting.py covers it",
             "officer.check_merge": "a check page for the officer's choice (?action=merge or release), asked on the "
                                    "merges page; tests/views/test_in_person.py covers it",
             "officer.check_merge_proposal": "a check page for the idea chosen to merge into (?merge-into=), asked on "
                                             "the review page; tests/views/test_officer_review.py covers it"}


def _exception(endpoint, role, idset):
    for key in ((endpoint, role, idset), (endpoint, "*", idset), (endpoint, role, "*"), (endpoint, "*", "*")):
        if key in EXCEPTIONS:
            return EXCEPTIONS[key]
    return None


def expected(app, rule, role, idset, world):
    """(statuses or "login", why): what this person may get from this route with these ids."""
    required = declared_roles(app, rule)
    if required is not None and not GRANTS[role] & set(required):
        if role == "anonymous":
            return ({401} if rule.rule.startswith("/api/") else "login"), "sign in first"
        return {403}, f"needs {'/'.join(required)}"
    special = _exception(rule.endpoint, role, idset)
    if special is not None:
        return special
    facts, arguments = world.facts[idset], path_arguments(rule)
    blueprint = rule.endpoint.split(".")[0]
    if blueprint == "board" and arguments & {"round_id", "record_id"} and role != f"board_{facts['area']}":
        return HIDDEN, "another area's board"
    if rule.endpoint == "board.area_priorities" and role not in ("officer", f"board_{facts['area']}"):
        return HIDDEN, "another area's board keeps its own priorities"
    if blueprint in ("results", "api") and arguments & {"round_id", "pot_id"} and not facts["published"]:
        return NOT_FOUND, "nothing of a round is public before it is published"
    if blueprint == "proposals" and "proposal_id" in arguments:
        author = role == facts["author"]
        if required is not None and not author:
            return HIDDEN, "only the author changes a proposal"
        if not facts["published"] and not author:
            return NOT_FOUND, "a draft is the proposer's until submitted, staff included"
    if blueprint == "translate" and idset == "foreign":
        return NOT_FOUND, "a language we do not ship, or a private draft, is not for translating"
    return None, "allowed"


def _matches(statuses, answer):
    if statuses == "login":
        return login_redirect(answer)
    return answer.status in statuses


def _cases(app, methods):
    for rule in rules(app, methods):
        for idset in (IDSETS if uses_ids(rule) else IDSETS[:1]):
            yield rule, idset


@pytest.fixture(scope="module")
def world(app):
    world = build_world(app)
    yield world
    empty_database(app)


@pytest.fixture(scope="module")
def crawl(app, world):
    """Every GET route x role x id set, once: the answers, the forms they show, and any database change."""
    answers, forms, changed = {}, {}, []
    clients = {role: app.test_client() for role in ROLES}
    before = checksum(app)
    for rule, idset in _cases(app, {"GET"}):
        path = build_path(rule, world.ids[idset])
        for role in ROLES:
            sign_in(app, clients[role], role, world)
            answer = request(clients[role], "GET", path, base_url=HTTPS)
            after = checksum(app)
            if after != before:
                changed.append((rule.endpoint, role, idset, answer.status))
                before = after
            answers[rule.rule, rule.endpoint, role, idset] = answer
            if answer.status == 200 and answer.content_type.startswith("text/html"):
                for form in read_forms(path, answer.body):
                    forms.setdefault(form.action, []).append((role, idset, form))
    return {"answers": answers, "forms": forms, "changed": changed}


def test_every_view_declares_the_role_its_part_of_the_product_needs(app):
    wrong = []
    for rule in rules(app, {"GET", *STATE_CHANGING}):
        policy = ENDPOINT_POLICY.get(rule.endpoint, POLICY.get(rule.endpoint.split(".")[0], "unknown"))
        if policy == "unknown":
            wrong.append((rule.endpoint, "blueprint missing from POLICY in tests/gates/test_routes.py"))
        elif declared_roles(app, rule) != policy:
            wrong.append((rule.endpoint, f"declares {declared_roles(app, rule)}, the policy says {policy}"))
    assert wrong == []


def test_access_control_matrix_has_no_unexpected_answer(app, world, crawl):
    unexpected = []
    for rule, idset in _cases(app, {"GET"}):
        for role in ROLES:
            answer = crawl["answers"][rule.rule, rule.endpoint, role, idset]
            statuses, why = expected(app, rule, role, idset, world)
            if answer.status >= 500:
                unexpected.append((rule.rule, role, idset, answer.status, answer.body[-300:]))
            elif statuses is not None and not _matches(statuses, answer):
                unexpected.append((rule.rule, role, idset, answer.status, f"expected {statuses}: {why}"))
    assert unexpected == [], pformat(unexpected)


def test_the_world_reaches_every_get_route(app, world, crawl):
    """Each GET route shows a page to someone, or the matrix above would pass without testing anything."""
    unreached = [rule.rule for rule in rules(app, {"GET"}) if rule.endpoint not in NEVER_200
                 and not any(crawl["answers"][rule.rule, rule.endpoint, role, idset].status == 200
                             for role in ROLES for idset in (IDSETS if uses_ids(rule) else IDSETS[:1]))]
    assert unreached == [], pformat(unreached)
    assert len(rules(app, {"GET"})) >= 40 and len(rules(app, STATE_CHANGING)) >= 20


def test_no_get_changes_the_database(crawl):
    assert crawl["changed"] == [], pformat(crawl["changed"])


def test_head_changes_nothing_either(app, world):
    client = app.test_client()
    before = checksum(app)
    for rule, idset in _cases(app, {"HEAD"}):
        for role in ("anonymous", "resident", "admin"):
            sign_in(app, client, role, world)
            request(client, "HEAD", build_path(rule, world.ids[idset]), base_url=HTTPS)
    assert checksum(app) == before


def forms_for(app, forms, rule):
    """The forms seen on any page that post to this rule, as [(role, idset, Form)]."""
    adapter = app.url_map.bind("localhost")
    found = []
    for action, seen in forms.items():
        try:
            matched, _ = adapter.match(action, method="POST", return_rule=True)
        except HTTPException:
            continue
        if matched is rule:
            found.extend(seen)
    return found


def test_every_state_changing_route_has_a_form_on_some_page(app, world, crawl):
    """So the CSRF, refusal and fuzz gates send what a browser would, not an empty body."""
    unseen = [rule.rule for rule in rules(app, STATE_CHANGING)
              if rule.endpoint not in FORM_NOT_SHOWN and not forms_for(app, crawl["forms"], rule)]
    assert unseen == [], pformat(unseen)


def _form_data(app, crawl, rule):
    """The fields of a form that posts to this route, as the page offers them (empty if no page shows one)."""
    seen = forms_for(app, crawl["forms"], rule)
    return seen[0][2].defaults() if seen else {}


def test_state_changing_routes_refuse_people_without_role_or_scope_and_change_nothing(app, world, crawl):
    client, unexpected = app.test_client(), []
    for rule, idset in _cases(app, STATE_CHANGING):
        path = build_path(rule, world.ids[idset])
        data = _form_data(app, crawl, rule)
        for role in ROLES:
            statuses, why = expected(app, rule, role, idset, world)
            if statuses is None or statuses == {400}:
                continue
            for method in sorted(rule.methods & STATE_CHANGING):
                sign_in(app, client, role, world)
                before = checksum(app)
                answer = request(client, method, path, data=dict(data), base_url=HTTPS)
                if not _matches(statuses, answer) or checksum(app) != before:
                    unexpected.append((method, rule.rule, role, idset, answer.status, f"expected {statuses}: {why}"))
    assert unexpected == [], pformat(unexpected)


CSRF_REFUSAL = "a form stops working when its page"  # the CSRF error page (app/errors.py): 400 is the token's doing
# POST routes that take no CSRF token, with the reason and what protects them instead.
CSRF_EXEMPT = {
    "auth.unsubscribe_confirm": "RFC 8058 one-click unsubscribe: a mail client POSTs to the List-Unsubscribe URL "
                                "with no session or page; the signed, expiring token in the URL is the proof, and "
                                "all it can do is switch one kind of e-mail off for its owner",
}


def _foreign_tokens(app):
    other = app.test_client()
    return {"missing": None, "garbage": "forged-token-from-another-site",
            "another session's": other.csrf_token(),
            "another key's": URLSafeTimedSerializer("not-our-secret", salt="wtf-csrf-token").dumps("0" * 40)}


def test_every_state_changing_route_refuses_missing_and_foreign_csrf_tokens(app, world, crawl):
    """Sent by someone allowed to use the route, with the form exactly as the page offers it."""
    client, accepted = app.test_client(), []
    tokens = _foreign_tokens(app)
    for rule, idset in _cases(app, STATE_CHANGING):
        if rule.endpoint in CSRF_EXEMPT:
            continue  # test_csrf_exempt_routes_refuse_a_link_that_is_not_ours
        path = build_path(rule, world.ids[idset])
        data = _form_data(app, crawl, rule)
        role = next((r for r in ROLES[::-1] if expected(app, rule, r, idset, world)[0] is None), "admin")
        for method in sorted(rule.methods & STATE_CHANGING):
            for label, token in [*tokens.items(), ("a good token from another site's page", "good")]:
                sign_in(app, client, role, world)
                form = {k: v for k, v in data.items() if k != "csrf_token"}
                headers = {}
                if token == "good":  # over HTTPS the Referer must be this site too
                    token, headers = client.csrf_token(), {"Referer": "https://attacker.example/page"}
                if token is not None:
                    form["csrf_token"] = token
                before = checksum(app)
                answer = request(client, method, path, data=form, csrf=False, base_url=HTTPS, headers=headers)
                if answer.status != 400 or CSRF_REFUSAL not in answer.body or checksum(app) != before:
                    accepted.append((method, rule.rule, role, idset, label, answer.status))
    assert accepted == [], pformat(accepted)


def test_csrf_exempt_routes_refuse_a_link_that_is_not_ours(app, world, crawl):
    """What stands in for the CSRF token: a forged or foreign token in the URL is refused and changes nothing."""
    client, accepted = app.test_client(), []
    for rule in rules(app, STATE_CHANGING):
        if rule.endpoint not in CSRF_EXEMPT:
            continue
        for role in ROLES:
            sign_in(app, client, role, world)
            before = checksum(app)
            answer = request(client, "POST", build_path(rule, world.ids["foreign"]), data={}, csrf=False,
                             base_url=HTTPS, headers={"Referer": "https://attacker.example/page"})
            if answer.status != 400 or checksum(app) != before:
                accepted.append((rule.rule, role, answer.status))
    assert sorted(CSRF_EXEMPT) == sorted({r.endpoint for r in rules(app, STATE_CHANGING)} & set(CSRF_EXEMPT))
    assert accepted == [], pformat(accepted)


CSP_REQUIRED = {"default-src", "script-src", "style-src", "frame-ancestors", "object-src", "base-uri", "form-action"}


def header_problems(headers, secure):
    problems = []
    directives = {}
    for part in headers.get("Content-Security-Policy", "").split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    if missing := CSP_REQUIRED - set(directives):
        problems.append(f"CSP lacks {sorted(missing)}")
    for name in ("script-src", "style-src", "default-src"):
        if {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"} & set(directives.get(name, [])):
            problems.append(f"CSP {name} allows {directives[name]}")
    if directives.get("frame-ancestors") not in (["'none'"], ["'self'"]):
        problems.append("CSP frame-ancestors")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("nosniff")
    if headers.get("Referrer-Policy") not in ("no-referrer", "same-origin", "strict-origin",
                                              "strict-origin-when-cross-origin"):
        problems.append("Referrer-Policy")
    hsts = headers.get("Strict-Transport-Security", "")
    if secure:
        age = re.search(r"max-age=(\d+)", hsts)
        if not age or int(age.group(1)) < 31_536_000:
            problems.append("HSTS over HTTPS (a year at least)")
    return problems


def test_security_headers_on_every_answer_of_every_route_over_https(app, world, crawl):
    missing = [(path, role, idset, answer.status, problems)
               for (path, _, role, idset), answer in crawl["answers"].items()
               if (problems := header_problems(answer.headers, secure=True))]
    assert missing == [], pformat(missing)
    statuses = {answer.status for answer in crawl["answers"].values()}
    assert {200, 302, 403, 404} <= statuses  # errors and redirects were among them


def test_security_headers_on_errors_and_over_plain_http(app, world):
    client, answers = app.test_client(), []
    for rule in rules(app, {"GET", *STATE_CHANGING}):
        path = build_path(rule, world.ids["own"])
        answers.append(("GET", path, request(client, "GET", path)))  # 405 where GET is not allowed
        if rule.methods & STATE_CHANGING:
            answers.append(("POST no token", path, request(client, "POST", path, data={}, csrf=False)))
    answers.append(("unknown page", "/no-such-page", request(client, "GET", "/no-such-page")))
    answers.append(("static file", "/static/css/app.css", request(client, "GET", "/static/css/app.css")))
    problems = [(what, path, answer.status, p) for what, path, answer in answers
                if (p := header_problems(answer.headers, secure=False))]
    assert problems == [], pformat(problems)
    assert {200, 400, 404, 405} <= {answer.status for _, _, answer in answers}
    assert all("Strict-Transport-Security" not in answer.headers for _, _, answer in answers)


def test_a_server_error_page_has_the_headers_and_no_stack_trace(tmp_path):
    from app import create_app

    production = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/e.db",
                             "PUBLIC_URL": "https://localhost"})

    @production.get("/__gate-error")
    def broken():
        raise RuntimeError("a secret detail")

    response = production.test_client().get("/__gate-error", base_url=HTTPS)
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert header_problems(response.headers, secure=True) == []
    assert "Traceback" not in body and "a secret detail" not in body


def test_session_cookie_is_httponly_samesite_and_secure_in_production(tmp_path):
    from app import create_app

    production = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db",
                             "PUBLIC_URL": "https://localhost"})
    for name in ("SESSION", "REMEMBER"):
        assert production.config[f"{name}_COOKIE_SECURE"] is True
        assert production.config[f"{name}_COOKIE_HTTPONLY"] is True
        assert production.config[f"{name}_COOKIE_SAMESITE"] in ("Lax", "Strict")
    with production.app_context():
        from app.extensions import db

        db.create_all()
    response = production.test_client().get("/auth/login", base_url=HTTPS)
    assert response.status_code == 200
    cookie = response.headers.get("Set-Cookie", "")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie



# Hostile values for form fields: markup and script, SQL metacharacters, control and right-to-left
# characters, very long text, numbers out of range, template and format syntax.
FUZZ_PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "'; DROP TABLE audit_entry; --",
                 "\x00\x07\x1b[31m", "\u202eevil\u202c", "٠١٢", "9" * 40, "-1", "0", "1e309", "NaN",
                 "ǅ" * 5000, "{{7*7}}", "%(x)s", "../../etc/passwd", ""]
UNESCAPED = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")
FUZZ_EXAMPLES = max(2, int(os.environ.get("NB_FUZZ_EXAMPLES", "40")) // 8)


def _fuzzable(form):
    return [(name, kind, value) for name, kind, value, _ in form.fields if name and name != "csrf_token"]


def test_every_form_survives_hostile_input_as_each_role_that_is_shown_it(app, world, crawl):
    """Every POST form any page shows, filled field by field with hostile values (or left out) by each
    person the page was shown to: never a server error, a stack trace or an unescaped payload.

    Runs last in this module: accepted submissions change the world the other gates read."""
    client = app.test_client()
    shown = {}
    for action, seen in crawl["forms"].items():
        for role, _, form in seen:
            shown.setdefault((action, role), form)
    assert len(shown) > 30  # the world shows many forms; an empty crawl must not pass

    for (action, role), form in sorted(shown.items()):
        _fuzz_one_form(app, client, world, action, role, form)


def _fuzz_one_form(app, client, world, action, role, form):
    value_for = {name: st.one_of(st.none(), st.just(value), st.sampled_from(FUZZ_PAYLOADS), st.text(max_size=200))
                 for name, _, value in _fuzzable(form)}

    @settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(values=st.fixed_dictionaries(value_for))
    def post_survives(values):
        sign_in(app, client, role, world)
        data = {name: value for name, value in values.items() if value is not None}
        answer = request(client, "POST", action, data=data, base_url=HTTPS)
        assert answer.status < 500, (action, role, data, answer.body[-800:])
        assert "Traceback" not in answer.body, (action, role, data)
        if answer.content_type.startswith("text/html"):
            leaked = [marker for marker in UNESCAPED if marker in answer.body]
            assert leaked == [], (action, role, data)

    post_survives()


# Bad input of every class, for every route in app.url_map (after the fuzzing above: accepted submissions
# change the world). Each class is sent deterministically, so none is left to chance: huge integers in every
# <int:> URL argument and every integer query value, over-long text, control characters and huge numbers in
# every field of every form, NUL in every file upload, and bodies over the limit on every state-changing route.
HUGE_IDS = (2**31, 10**40)
FIELD_CLASSES = {"huge number": "9" * 40, "over-long text": "x" * 20_000,
                 "control characters": "Name\u202e\u2066\x1b[31m\x07"}
NUL_UPLOAD = b"postcode,ward_code,ward_name,area\nFL1 1AA,E05000001,Ward\x00name,Area\x00\n"
INT_ARG_CALL = re.compile(r'int_arg\(\s*"(\w+)"')
INT_FROM_ARGS = re.compile(r"args\.get\([^)]*type=int")
ROLES_PROBING = ("anonymous", "resident", "officer", "admin")


def _int_arguments(rule):
    from werkzeug.routing import IntegerConverter

    return sorted(name for name, converter in rule._converters.items() if isinstance(converter, IntegerConverter))


def _app_sources():
    from pathlib import Path

    import app as app_package

    return {path: path.read_text() for path in Path(app_package.__file__).parent.rglob("*.py")}


def test_a_huge_id_in_any_int_url_argument_is_no_page(app, world):
    client, unexpected, tried = app.test_client(), [], 0
    for rule in rules(app, {"GET", *STATE_CHANGING}):
        for argument in _int_arguments(rule):
            for huge in HUGE_IDS:
                ids = dict(world.ids["own"], **{argument: huge})
                path = build_path(rule, ids)
                for role in ("anonymous", "admin"):
                    for method in sorted(rule.methods & {"GET", *STATE_CHANGING}):
                        sign_in(app, client, role, world)
                        answer = request(client, method, path, base_url=HTTPS)
                        tried += 1
                        # 404; for a POST Werkzeug may say 405 when a GET rule shares the path's shape
                        if answer.status not in ({404} if method == "GET" else {404, 405}):
                            unexpected.append((method, path, role, answer.status, answer.body[-300:]))
    assert unexpected == [], pformat(unexpected)
    assert tried > 100


class _QueryNames(html.parser.HTMLParser):
    """Query names a page offers: in its links (?name=) and its GET forms' fields, by the path they go to."""

    def __init__(self, page_path):
        super().__init__(convert_charrefs=True)
        self.page_path, self.found, self.get_form = page_path, set(), None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "?" in (attrs.get("href") or ""):
            parts = urlsplit(attrs["href"])
            self.found |= {(parts.path or self.page_path, name) for name in parse_qs(parts.query, True)}
        elif tag == "form":
            method = (attrs.get("method") or "get").lower()
            self.get_form = (urlsplit(attrs.get("action") or "").path or self.page_path) if method == "get" else None
        elif tag in ("input", "select") and self.get_form and attrs.get("name"):
            self.found.add((self.get_form, attrs["name"]))

    def handle_endtag(self, tag):
        if tag == "form":
            self.get_form = None


def test_no_view_reads_an_integer_from_the_query_except_through_int_arg():
    offenders = [str(path) for path, text in _app_sources().items() if INT_FROM_ARGS.search(text)]
    assert offenders == [], "use app.request_limits.int_arg, so the gates know the name and the bound holds"


def test_huge_numbers_in_query_values_are_never_a_server_error(app, world, crawl):
    """Every integer name a view reads (int_arg) on every GET route, and every name a page's links or GET
    forms offer on the route they go to, each set to a 40-digit number, for four kinds of people."""
    read_by_views = {name for text in _app_sources().values() for name in INT_ARG_CALL.findall(text)}
    assert {"page", "round"} <= read_by_views
    offered = set()
    for (page_path, _, _, _), answer in crawl["answers"].items():
        if answer.status == 200 and answer.content_type.startswith("text/html"):
            reader = _QueryNames(page_path)
            reader.feed(answer.body)
            offered |= reader.found
    adapter = app.url_map.bind("localhost")
    by_endpoint = {}
    for path, name in offered:
        try:
            endpoint, _ = adapter.match(path, method="GET")
        except HTTPException:
            continue
        by_endpoint.setdefault(endpoint, set()).add(name)
    assert by_endpoint  # the world's pages offer filters and links with queries
    client, failures = app.test_client(), []
    for rule in rules(app, {"GET"}):
        path = build_path(rule, world.ids["own"])
        for name in sorted(read_by_views | by_endpoint.get(rule.endpoint, set())):
            for role in ROLES_PROBING:
                sign_in(app, client, role, world)
                answer = request(client, "GET", f"{path}?{name}={'9' * 40}", base_url=HTTPS)
                if answer.status >= 500 or "Traceback" in answer.body:
                    failures.append((path, name, role, answer.status, answer.body[-300:]))
    assert failures == [], pformat(failures)


def _body_limit(app, rule):
    view = app.view_functions[rule.endpoint]
    return app.config[getattr(view, "max_content_length_setting", "MAX_CONTENT_LENGTH")]


def test_a_body_over_the_limit_is_refused_on_every_state_changing_route_before_it_is_read(app, world):
    client, accepted, bodies = app.test_client(), [], {}
    for rule, idset in _cases(app, STATE_CHANGING):
        path = build_path(rule, world.ids[idset])
        limit = _body_limit(app, rule)
        body = bodies.setdefault(limit, b"a=" + b"x" * (limit - 1))
        allowed = next((r for r in ROLES[::-1] if expected(app, rule, r, idset, world)[0] is None), "admin")
        for role in ("anonymous", allowed):
            for method in sorted(rule.methods & STATE_CHANGING):
                sign_in(app, client, role, world)
                before = checksum(app)
                answer = request(client, method, path, csrf=False, data=body, base_url=HTTPS,
                                 content_type="application/x-www-form-urlencoded")
                if answer.status != 413 or checksum(app) != before:
                    accepted.append((method, path, role, answer.status))
    assert accepted == [], pformat(accepted)
    assert len(bodies) == 2  # forms and uploads: both limits were tried


def _filled(form, payload):
    """The form as a browser would send it, with payload in every field but the buttons and files."""
    data = form.defaults()
    for name, kind, _ in _fuzzable(form):
        if kind not in ("submit", "file"):
            data[name] = payload
    return data


def test_every_form_refuses_each_class_of_bad_input_without_a_server_error_or_storing_it(app, world, crawl):
    """Each form any page shows, as each person shown it, with every field holding a huge number, over-long
    text or control characters (and every file upload holding a NUL): never a 5xx or a traceback, and
    nothing stored that is longer than its column, holds a control character or overflows an integer."""
    client, failures, uploads = app.test_client(), [], 0
    shown = {}
    for action, seen in crawl["forms"].items():
        for role, _, form in seen:
            shown.setdefault((action, role), form)
    assert stored_problems(app) == []
    for (action, role), form in sorted(shown.items()):
        files = [name for name, kind, _, _ in form.fields if kind == "file"]
        for label, payload in FIELD_CLASSES.items():
            data = _filled(form, payload)
            for name in files:
                data[name] = (io.BytesIO(NUL_UPLOAD), "upload.csv")
            uploads += bool(files)
            sign_in(app, client, role, world)
            answer = request(client, "POST", action, data=data, base_url=HTTPS)
            if answer.status >= 500 or "Traceback" in answer.body:
                failures.append((action, role, label, answer.status, answer.body[-300:]))
            problems = stored_problems(app)  # stays in the world once stored: stop at the first form that did it
            assert problems == [], pformat((action, role, label, answer.status, problems, failures))
    assert failures == [], pformat(failures)
    assert uploads >= 2  # the officer's postcode file and the translator's catalogue
