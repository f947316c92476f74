#!/usr/bin/env python
"""How long registration and password-reset requests take for a known and for an unknown e-mail address.

A visitor must not be able to tell from the timing whether an address has an account (issue 12, section 4).
Starts its own gunicorn (one worker, one thread, so requests do not queue behind each other) on a fresh
database, then sends the requests alternately, known then unknown, so drift hits both alike. Prints the
median and p90 of each and the known/unknown ratio of the medians (1.00 is ideal); asserts nothing.
--smtp-down runs with no mail server at all: the answers must not change (requests only queue mail).

Usage: .venv/bin/python benchmarks/enumeration.py [--registrations 30] [--resets 100] [--smtp-down]
       (TEST_DATABASE_URL=... for PostgreSQL, as for the tests)
"""

import argparse
import statistics
import time
import uuid

import requests
from _live import start_server

from tests.support.live_server import csrf_token

REGISTRATION = {"name": "Amira Khan", "password": "plum orbit kettle seven", "postcode": "FL1 2AB",
                "date_of_birth": "1990-04-01", "age_confirmed": "", "locale": "en", "accept": "y"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registrations", type=int, default=30, help="of each kind")
    parser.add_argument("--resets", type=int, default=100, help="of each kind")
    parser.add_argument("--smtp-down", action="store_true", help="stop the mail server before measuring")
    args = parser.parse_args()
    server, mail = start_server(workers=1, threads=1)
    try:
        if args.smtp_down:
            mail.stop()
        set_up(server)
        session = requests.Session()
        token = csrf_token(session.get(server.url + "/auth/register", timeout=30).text)
        report("register", measure(session, server.url + "/auth/register", args.registrations,
                                   lambda: dict(REGISTRATION, csrf_token=token, email="known@example.org"),
                                   lambda: dict(REGISTRATION, csrf_token=token,
                                                email=f"new-{uuid.uuid4().hex[:10]}@example.org")))
        report("reset", measure(session, server.url + "/auth/reset", args.resets,
                                lambda: {"csrf_token": token, "email": "known@example.org"},
                                lambda: {"csrf_token": token, "email": f"nobody-{uuid.uuid4().hex[:10]}@example.org"}))
    finally:
        server.close()
        if not args.smtp_down:
            mail.stop()


def set_up(server):
    from tests.factories import make_user, make_ward

    with server.app_context():
        ward = make_ward(name="Chells", postcodes=["FL1 2AB"])
        make_user(email="known@example.org", ward=ward)


def measure(session, url, count, known_form, unknown_form):
    """(known seconds, unknown seconds, statuses seen): requests alternate, after two warm-up pairs."""
    times = {"known": [], "unknown": []}
    statuses = set()
    for n in range(count + 2):
        for kind, form in (("known", known_form), ("unknown", unknown_form)):
            data = form()
            started = time.perf_counter()
            response = session.post(url, data=data, allow_redirects=False, timeout=60)
            elapsed = time.perf_counter() - started
            statuses.add((kind, response.status_code, response.headers.get("Location")))
            if n >= 2:
                times[kind].append(elapsed)
    return times["known"], times["unknown"], statuses


def report(name, measured):
    known, unknown, statuses = measured

    def figures(values):
        ordered = sorted(values)
        return statistics.median(ordered) * 1000, ordered[int(0.9 * (len(ordered) - 1))] * 1000

    (known_median, known_p90), (unknown_median, unknown_p90) = figures(known), figures(unknown)
    answers = sorted({(status, location) for _kind, status, location in statuses})
    print(f"{name:8} known   median {known_median:7.1f} ms  p90 {known_p90:7.1f} ms  (n={len(known)})")
    print(f"{name:8} unknown median {unknown_median:7.1f} ms  p90 {unknown_p90:7.1f} ms  (n={len(unknown)})")
    print(f"{name:8} known/unknown ratio {known_median / unknown_median:.2f}; answers seen: {answers}")


if __name__ == "__main__":
    main()
