"""When to try a failed e-mail again, and when to stop trying."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    base_seconds: int = 60  # the first retry waits this long; each next one twice as long…
    max_seconds: int = 3600  # …up to this
    max_refusals: int = 5  # a refusal (5xx) on this try or a later one sets the message aside as failed


def after_failure(attempts, permanent, policy):
    """Return (give_up, seconds until the next try) after the attempts-th failed delivery (attempts >= 1).

    Only a refusal (the server answered 5xx: bad address, message rejected) can end the retries; an outage
    (no connection, a 4xx "try later") never does, so a mail server that is down for a weekend loses nothing.
    """
    give_up = permanent and attempts >= policy.max_refusals
    return give_up, min(policy.base_seconds * 2 ** (attempts - 1), policy.max_seconds)
