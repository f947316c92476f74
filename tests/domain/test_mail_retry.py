from app.domain.mail_retry import RetryPolicy, after_failure

POLICY = RetryPolicy(base_seconds=60, max_seconds=3600, max_refusals=5)


def test_retries_back_off_exponentially_up_to_the_cap():
    waits = [after_failure(n, False, POLICY)[1] for n in range(1, 10)]
    assert waits == [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]


def test_an_outage_never_gives_up():
    assert after_failure(1000, False, POLICY) == (False, 3600)


def test_a_refused_message_is_set_aside_after_max_refusals():
    assert [after_failure(n, True, POLICY)[0] for n in (1, 4, 5, 6)] == [False, False, True, True]
