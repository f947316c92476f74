"""axe-core over every page the app has, found from app.url_map as the gates find them (tests/gates/world.py),
so a page added later is checked without touching this file: every GET route that answers an HTML page to
someone in the gates' world (our own objects and a published round's), as the first kind of person it is
shown to; every search or filter form on those pages, submitted as it is shown (an empty search, the
first filter); and every form with something to fill in, sent back empty, in its error state.

Each page must have 0 axe-core WCAG 2.x A/AA violations and no horizontal scroll (WCAG 1.4.10).

What runs by default (2 shared cores: the whole list takes a few minutes per language and width):
  - every page, search and empty-form error state in English at 1024 px;
  - a sample (the first page of each part of the product, by blueprint) in all five languages at 320 px.
NB_A11Y_FULL=1 runs the full matrix: every page, search and error state in all five languages at 1024 and
320 px (about ten times as long).
"""

import os
from urllib.parse import urlsplit

import pytest

from app.extensions import db
from app.models import User
from tests.browser.conftest import axe_violations, horizontal_scroll, sign_in
from tests.gates.world import ROLES, build_path, build_world, request, rules, uses_ids
from tests.gates.world import sign_in as client_sign_in

pytestmark = pytest.mark.browser
LANGUAGES = ("en", "cy", "pl", "ur", "pa")
FULL = os.environ.get("NB_A11Y_FULL") == "1"
EXTRA_PER_ENDPOINT = 2
# Pages and error states that axe never saw before this file (issue 14): if a change to the world or the
# templates stops this file reaching one, it fails rather than silently checking less.
MUST_COVER = {
    ("admin.user", "page", 200), ("auth.reset_password", "page", 200), ("auth.reset_password", "page", 400),
    ("proposals.edit", "page", 200), ("proposals.index", "query", 200), ("translate.edit", "page", 200),
    ("translate.language", "query", 200), ("officer.paper_ballot", "query", 200),
    ("auth.login", "errors", 200), ("auth.reset_request", "errors", 200), ("voting.receipt", "errors", 200),
    ("officer.new_round", "errors", 200), ("officer.edit_pot", "errors", 200), ("officer.review", "errors", 200),
    ("officer.geography", "errors", 200), ("translate.edit", "errors", 200), ("translate.language", "errors", 200),
    ("admin.user", "errors", 200),
    # Error states named by the endpoint the form posts to, so two forms of one page count apart (issue 14).
    ("auth.account", "errors", 200), ("auth.change_password", "errors", 200), ("officer.paper_entry", "errors", 200),
}
EMAILS = {"resident": "resident@example.org", "other_resident": "other@example.org",
          "officer": "officer@example.org", "board_here": "board.here@example.org",
          "board_elsewhere": "board.elsewhere@example.org", "translator": "translator@example.org",
          "admin": "admin@example.org"}
# Fields a person fills in: a form with one of them is sent back empty to see its error state. Forms with
# nothing to fill in (a button: sign out, withdraw, publish) would simply act, so they are not sent.
FILLED_IN = ("input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=submit])"
             ":not([type=button]), textarea")
# Forms whose choices are the thing to fill in (a ballot): sent with every box unticked, which is an error
# ("choose at least one"), never an action.
CHOICE_FORMS = ("officer.paper_entry", "voting.ballot")

if FULL:
    MATRIX = [(lang, width, "all") for lang in LANGUAGES for width in (1024, 320)]
else:
    MATRIX = [("en", 1024, "all")] + [(lang, 320, "sample") for lang in LANGUAGES]


@pytest.fixture(scope="module")
def world_pages(live):
    """The gates' world on the live server's database, and (path, role) for every GET route that shows an
    HTML page to somebody: the first person in ROLES order who gets a 200."""
    app = live.app()
    world = build_world(app)
    client = app.test_client()
    pages = []
    for rule in rules(app, {"GET"}):
        # Own and published objects show the page; a link we never sent ("foreign" tokens) shows the
        # invalid-link page (400), which only such a route has.
        for idset, status in ((("own", 200), ("published", 200), ("foreign", 400)) if uses_ids(rule)
                              else (("own", 200),)):
            path = build_path(rule, world.ids[idset])
            if any(path == seen for seen, _, _, _ in pages):
                continue
            for role in ROLES:
                client_sign_in(app, client, role, world)
                answer = request(client, "GET", path)
                if answer.status == status and answer.content_type.startswith("text/html"):
                    pages.append((path, role, rule.endpoint, status))
                    break
    assert len(pages) > 40, f"the world shows too few pages: {pages}"
    return pages


def _set_language(live, lang):
    app = live.app()
    with app.app_context():
        for user in db.session.query(User).filter(User.email.in_(EMAILS.values())):
            user.preferred_locale = lang
        db.session.commit()
        db.session.remove()


def _check(page, label, problems, lang):
    if page.locator("html").get_attribute("lang") != lang:
        problems.append(f"{label}: page in {page.locator('html').get_attribute('lang')}, not {lang}")
    violations = axe_violations(page)
    if violations:
        problems.append(f"{label}: {violations}")
    if horizontal_scroll(page):
        problems.append(f"{label}: horizontal scroll at {page.viewport_size['width']}px")


def _sample(pages):
    """The first page of each blueprint."""
    seen, sample = set(), []
    for path, role, endpoint, status in pages:
        blueprint = endpoint.split(".")[0]
        if blueprint not in seen:
            seen.add(blueprint)
            sample.append((path, role, endpoint, status))
    return sample


def _action_endpoint(adapter, action):
    """The endpoint a form posts to (its action, or the page's own path)."""
    try:
        return adapter.match(urlsplit(action).path, method="POST")[0]
    except Exception:  # a form posting elsewhere has no endpoint of ours
        return None


@pytest.mark.parametrize(("lang", "width", "which"), MATRIX, ids=[f"{lang}-{width}-{which}"
                                                                   for lang, width, which in MATRIX])
def test_every_page_search_and_empty_form_passes_axe(live, new_page, world_pages, lang, width, which):
    _set_language(live, lang)
    browsers = {}

    def as_(role):
        if role not in browsers:
            browsers[role] = new_page(locale=lang, width=width, height=800)
            if role != "anonymous":
                sign_in(browsers[role], live, EMAILS[role])
        return browsers[role]

    pages = list(world_pages if which == "all" else _sample(world_pages))
    problems, checked, searched, forms_sent, error_states = [], 0, 0, 0, 0
    adapter = live.app().url_map.bind("localhost")
    seen = {path for path, _, _, _ in pages}
    extra = {}  # (endpoint, with a query) -> variants already added
    html_endpoints = {endpoint for _, _, endpoint, _ in world_pages}
    covered = set()  # (endpoint, "page" / "query" / "errors")
    for path, role, endpoint, status in pages:
        page = as_(role)
        answer = page.goto(live.url + path)
        if status is None:  # a variant found by a link: checked only if it is a page for this person
            if answer.status != 200 or not answer.headers.get("content-type", "").startswith("text/html"):
                continue
            status = 200
        if answer.status != status:  # the world moved on (a form below changed something): say so, go on
            problems.append(f"{lang} {role} {path}: {answer.status}")
            continue
        _check(page, f"{lang} {width}px {role} {path}", problems, lang)
        checked += 1
        covered.add((endpoint, "query" if "?" in path else "page", status))
        if which != "all" or status != 200:
            continue
        # The same page filtered (links to this path with a query: ?state=missing, ?round=3), and other
        # objects of a page already listed (a translator's round and proposal pages beside a pot's): up to
        # EXTRA_PER_ENDPOINT more of each, so what a filter or another kind of object shows is checked too.
        for href in page.eval_on_selector_all("main a[href^='/']", "links => links.map(a => a.getAttribute('href'))"):
            target = urlsplit(href)
            if href in seen or target.path.startswith("/static/"):
                continue
            try:
                endpoint, _ = adapter.match(target.path, method="GET")
            except Exception:  # a redirect rule, a 404 link is the crawl's business, not ours
                continue
            # Only endpoints already listed: they answer HTML (not a CSV, a photo or a .po file).
            key = (endpoint, bool(target.query))  # filters of a page apart from other objects
            if endpoint in html_endpoints and extra.get(key, 0) < EXTRA_PER_ENDPOINT:
                extra[key] = extra.get(key, 0) + 1
                seen.add(href)
                pages.append((href, role, endpoint, None))
        # Searches and filters, as shown (an empty search, the first choice of each filter).
        searches = page.locator("main form:not([method=post]):not([method=POST])").count()
        for n in range(searches):
            page.goto(live.url + path)
            form = page.locator("main form:not([method=post]):not([method=POST])").nth(n)
            if form.locator("button, input[type=submit]").count() == 0:
                continue
            with page.expect_navigation():
                form.locator("button, input[type=submit]").first.click()
            searched += 1
            _check(page, f"{lang} {width}px {role} search {n} on {path} -> {urlsplit(page.url).query}",
                   problems, lang)
        # Every form with something to fill in, sent back empty: its error summary and inline messages.
        posts = page.locator("main form[method=post], main form[method=POST]").count()
        for n in range(posts):
            page.goto(live.url + path)
            form = page.locator("main form[method=post], main form[method=POST]").nth(n)
            fields = form.locator(FILLED_IN)
            action = _action_endpoint(adapter, form.get_attribute("action") or path)
            choices = action in CHOICE_FORMS
            if (fields.count() == 0 and not choices) or form.locator(
                    "button[type=submit], button:not([type]), input[type=submit]").count() == 0:
                continue
            if choices:
                for k in range(form.locator("input[type=checkbox]").count()):
                    form.locator("input[type=checkbox]").nth(k).uncheck()
            for k in range(fields.count()):
                field = fields.nth(k)
                # A field inside a closed conditional reveal (another ballot type's settings) is not shown.
                if field.get_attribute("type") == "file" or not field.is_visible() or not field.is_editable():
                    continue
                field.fill("")
            with page.expect_navigation():
                form.locator("button[type=submit], button:not([type]), input[type=submit]").first.click()
            forms_sent += 1
            if page.locator("[data-error-summary]").count():
                error_states += 1
                covered.update({(endpoint, "errors", 200), (action, "errors", 200)})
                _check(page, f"{lang} {width}px {role} empty form {n} on {path}", problems, lang)
    assert problems == [], "\n".join(problems)
    if which == "all":
        missing = sorted(MUST_COVER - covered)
        assert missing == [], f"pages the accessibility checks once missed are not reached any more: {missing}"
    print(f"{lang} {width}px: {checked} pages, {searched} searches, {forms_sent} empty forms sent, "
          f"{error_states} error states")
