"""A small per-process cache of rendered results content, so a popular results page is cheap to serve.

Keys include the audit chain head: every count, confirmation and correction appends an audit entry, so a
new head means a fresh render. So does every change to the words shown: a translator saving or removing a
translation (services.content_translations.save_content records "translation.save"), an officer renaming a round
or pot ("round.update", "pot.update"); residents edit proposals only while proposals are open. The text
depends on nothing else (a stale translation is recognised from the rows at render time), so the key needs
no separate content version. The head is read from the database on every request, so when several app hosts
serve one council a publication on any of them renews every host's cached pages (tests/live/test_hosts.py).
The time limit bounds what bypasses the services (a direct database edit).
results_content holds the content the same for every visitor; visitor_pages the whole page as a visitor
who is not signed in sees it (it holds no CSRF token: app.results.routes.public_when_anonymous).
"""

import threading
import time

MAX_ENTRIES = 256
TTL_SECONDS = 60


class PageCache:
    def __init__(self, max_entries=MAX_ENTRIES, ttl=TTL_SECONDS, clock=time.monotonic):
        self._entries = {}
        self._lock = threading.Lock()
        self.max_entries, self.ttl, self.clock = max_entries, ttl, clock

    def get_or_render(self, key, render):
        """The cached value for key, or render() stored under key."""
        now = self.clock()
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None and now - hit[0] < self.ttl:
                return hit[1]
        value = render()
        with self._lock:
            if len(self._entries) >= self.max_entries:
                oldest = min(self._entries, key=lambda k: self._entries[k][0])
                del self._entries[oldest]
            self._entries[key] = (now, value)
        return value

    def clear(self):
        with self._lock:
            self._entries.clear()


results_content = PageCache()
visitor_pages = PageCache()  # whole results pages for visitors who are not signed in, per path and language
