"""Shared helpers for the benchmarks that drive a real gunicorn server (reuses the test harness)."""

import http.client
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.live_server import LiveServer  # noqa: E402
from tests.support.smtp import CaptureSMTPServer  # noqa: E402


def start_server(workers, threads):
    mail = CaptureSMTPServer().start()
    server = LiveServer(tempfile.mkdtemp(prefix="nb-bench-"), mail.port, workers=workers, threads=threads)
    return server, mail


def timed_request(connection, port, method, path, expected, body=None, headers=None):
    """One request on a keep-alive connection: (connection to use next, seconds taken, problem or None).

    A status other than expected is a problem; a broken connection is one too, and is replaced."""
    started = time.perf_counter()
    try:
        connection.request(method, path, body, headers or {})
        response = connection.getresponse()
        response.read()
        problem = None if response.status == expected else f"HTTP {response.status}"
    except (OSError, http.client.HTTPException) as error:
        problem = type(error).__name__
        connection.close()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    return connection, time.perf_counter() - started, problem


def percentiles(latencies):
    ordered = sorted(latencies)
    if not ordered:
        return 0, 0, 0

    def pick(q):
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return statistics.median(ordered) * 1000, pick(0.95), pick(0.99)
