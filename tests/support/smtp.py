"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for tests and browser journeys, and
the tests' mailbox: what a resident would find after the outbox sender (`flask mail send`) has run."""

import asyncio
import email
import email.policy
import threading

from aiosmtpd.controller import Controller


class _Collector:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        self.refused = set()  # recipients answered "550" (a mailbox that does not exist)
        self.delay = 0.0  # seconds each message takes to accept (a slow server)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refused:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"


class CaptureSMTPServer:
    """Start with .start(); messages land in .messages (email.message.EmailMessage)."""

    def __init__(self, host="127.0.0.1", port=0):
        self._collector = _Collector()
        self._controller = Controller(self._collector, hostname=host, port=port or free_port())

    @property
    def port(self):
        return self._controller.port

    @property
    def messages(self):
        with self._collector.lock:
            return list(self._collector.messages)

    def clear(self):
        """Forget received messages, and go back to accepting everyone at full speed."""
        with self._collector.lock:
            self._collector.messages.clear()
        self._collector.refused = set()
        self._collector.delay = 0.0

    def refuse(self, *addresses):
        """Answer 550 (no such mailbox) for these recipients until clear()."""
        self._collector.refused = set(addresses)

    def slow_down(self, seconds):
        """Take this long to accept each message until clear()."""
        self._collector.delay = seconds

    def start(self):
        self._controller.start()
        return self

    def stop(self):
        self._controller.stop()

    def wait_for(self, predicate, timeout=10):
        """Return the first message matching predicate, waiting up to timeout seconds."""
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.messages:
                if predicate(message):
                    return message
            time.sleep(0.05)
        raise AssertionError("no matching e-mail arrived")


class Mailbox:
    """The SMTP capture as a test reads it: every read first runs deliver (the real outbox sender, the function
    `flask --app wsgi mail send` calls), as cron would have by the time a resident opens their mail.

    .messages, .wait_for(predicate) and .clear() as on CaptureSMTPServer; .deliver() runs the sender alone.
    """

    def __init__(self, server, deliver):
        self.server = server
        self.deliver = deliver

    @property
    def messages(self):
        self.deliver()
        return self.server.messages

    def clear(self):
        self.server.clear()

    def wait_for(self, predicate, timeout=10):
        self.deliver()
        return self.server.wait_for(predicate, timeout)


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
