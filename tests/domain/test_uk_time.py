from datetime import UTC, date, datetime, time

from app.domain.problems import Problem
from app.domain.uk_time import check_uk_time, uk_to_utc

CLOCK_HOUR = {"start": time(1, 0), "end": time(2, 0)}


def test_a_time_the_clocks_skip_in_spring_does_not_exist():
    assert check_uk_time(datetime(2027, 3, 28, 1, 30), "voting_open_at") == [
        Problem("time_skipped", "voting_open_at", {"day": date(2027, 3, 28), "time": time(1, 30), **CLOCK_HOUR})]


def test_a_time_the_clocks_pass_twice_in_autumn_is_refused():
    assert check_uk_time(datetime(2027, 10, 31, 1, 30)) == [
        Problem("time_repeated", None, {"day": date(2027, 10, 31), "time": time(1, 30), **CLOCK_HOUR})]


def test_the_edges_of_the_clock_change_hour():
    assert check_uk_time(datetime(2027, 3, 28, 1, 0))[0].code == "time_skipped"
    assert check_uk_time(datetime(2027, 3, 28, 0, 59)) == check_uk_time(datetime(2027, 3, 28, 2, 0)) == []
    assert check_uk_time(datetime(2027, 10, 31, 1, 59))[0].code == "time_repeated"
    assert check_uk_time(datetime(2027, 10, 31, 0, 59)) == check_uk_time(datetime(2027, 10, 31, 2, 0)) == []


def test_ordinary_times_happen_once_and_are_stored_as_utc():
    assert check_uk_time(datetime(2027, 3, 27, 1, 30)) == check_uk_time(datetime(2027, 7, 1, 1, 30)) == []
    assert uk_to_utc(datetime(2027, 7, 1, 18, 0)) == datetime(2027, 7, 1, 17, 0, tzinfo=UTC)
    assert uk_to_utc(datetime(2027, 3, 28, 2, 0)) == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)
