"""Shared helpers for the benchmarks that drive a real gunicorn server (reuses the test harness)."""

import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.live_server import LiveServer  # noqa: E402
from tests.support.smtp import CaptureSMTPServer  # noqa: E402


def start_server(workers, threads):
    mail = CaptureSMTPServer().start()
    server = LiveServer(tempfile.mkdtemp(prefix="nb-bench-"), mail.port, workers=workers, threads=threads)
    return server, mail


def percentiles(latencies):
    ordered = sorted(latencies)
    if not ordered:
        return 0, 0, 0

    def pick(q):
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return statistics.median(ordered) * 1000, pick(0.95), pick(0.99)
