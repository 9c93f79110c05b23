"""Repetition rules of reminders: the rules the form builds, typed RFC 5545 rules, wall-clock
time over daylight saving changes, month ends and 29 February, rules that never fire and
parts that are not supported. Every occurrence is strictly after `after` and is the first one.
"""

from __future__ import annotations

import calendar
import datetime as dt
import zoneinfo
from collections.abc import Callable

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.activities.recurrence import (
    WEEKDAYS,
    _check_parts,
    build_rule,
    check_rule,
    describe,
    next_occurrence,
)

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
ZONES = st.sampled_from([BERLIN, NEW_YORK])


def local(zone: zoneinfo.ZoneInfo, *args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=zone)  # type: ignore[misc]


def utc(moment: dt.datetime) -> dt.datetime:
    """Aware datetimes of one zone compare and subtract by wall clock; UTC ones do not."""
    return moment.astimezone(dt.UTC)


def rule_for(repeat: str, zone: zoneinfo.ZoneInfo, naive_start: dt.datetime, **choice) -> str:
    """The form builds the rule in the user's zone."""
    with timezone.override(zone):
        return build_rule(
            repeat,
            starts_at=naive_start.replace(tzinfo=zone),
            weekdays=choice.get("weekdays"),
            month_day=choice.get("month_day"),
        )


def occurrences(
    rule: str, *, starts_at: dt.datetime, tz: zoneinfo.ZoneInfo, n: int
) -> list[dt.datetime]:
    found, after = [], starts_at
    first = check_rule(rule, starts_at=starts_at, tz=tz)
    found.append(first)
    after = first
    for _ in range(n - 1):
        nxt = next_occurrence(rule, starts_at=starts_at, after=after, tz=tz)
        assert nxt is not None
        found.append(nxt)
        after = nxt
    return found


# ---------------------------------------------------------------- the rules the form builds


def test_build_rule_for_each_repetition():
    start = dt.datetime(2025, 3, 14, 9, 0, tzinfo=dt.UTC)
    assert build_rule("daily", starts_at=start, weekdays=None, month_day=None) == "FREQ=DAILY"
    assert (
        build_rule("weekly", starts_at=start, weekdays=["FR", "MO", "MO"], month_day=None)
        == "FREQ=WEEKLY;BYDAY=MO,FR"
    )
    assert (
        build_rule("monthly", starts_at=start, weekdays=None, month_day=-1)
        == "FREQ=MONTHLY;BYMONTHDAY=-1"
    )
    assert (
        build_rule("monthly", starts_at=start, weekdays=None, month_day=None)
        == "FREQ=MONTHLY;BYMONTHDAY=14"
    )
    assert (
        build_rule("yearly", starts_at=start, weekdays=None, month_day=None)
        == "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=14"
    )


def test_yearly_from_29_february_is_the_last_day_of_february():
    leap_day = dt.datetime(2024, 2, 29, 9, 0, tzinfo=dt.UTC)
    rule = build_rule("yearly", starts_at=leap_day, weekdays=None, month_day=None)
    assert rule == "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1"
    days = [
        o.astimezone(BERLIN).date()
        for o in occurrences(rule, starts_at=leap_day.astimezone(BERLIN), tz=BERLIN, n=5)
    ]
    assert days == [
        dt.date(2024, 2, 29),
        dt.date(2025, 2, 28),
        dt.date(2026, 2, 28),
        dt.date(2027, 2, 28),
        dt.date(2028, 2, 29),
    ]


@pytest.mark.parametrize(
    ("repeat", "weekdays", "month_day"),
    [("weekly", [], None), ("weekly", None, None), ("monthly", None, 0),
     ("monthly", None, 32), ("monthly", None, -2), ("hourly", None, None), ("", None, None)],
)  # fmt: skip
def test_build_rule_refuses_a_bad_choice(repeat, weekdays, month_day):
    start = dt.datetime(2025, 3, 14, 9, 0, tzinfo=dt.UTC)
    with pytest.raises(ValueError, match=r"\w"):
        build_rule(repeat, starts_at=start, weekdays=weekdays, month_day=month_day)


def test_describe_words_the_form_rules_and_shows_others_as_typed():
    assert describe("FREQ=DAILY") == "every day"
    assert describe("FREQ=WEEKLY;BYDAY=MO,FR") == "every week: Mon, Fri"
    assert describe("FREQ=MONTHLY;BYMONTHDAY=-1") == "every month on the last day"
    assert describe("FREQ=MONTHLY;BYMONTHDAY=5") == "every month on day 5"
    assert describe("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1") == "every year"
    assert describe("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO") == "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"


# ---------------------------------------------------------------- next_occurrence


def test_a_rule_without_repetition_fires_once_at_its_start():
    start = local(BERLIN, 2025, 6, 1, 9, 0)
    assert next_occurrence("", starts_at=start, after=start - dt.timedelta(hours=1)) == start
    assert next_occurrence("", starts_at=start, after=start) is None
    assert next_occurrence("", starts_at=start, after=start, inclusive=True) == start
    assert next_occurrence("", starts_at=start, after=start + dt.timedelta(days=1)) is None


def test_an_occurrence_before_the_start_is_never_given():
    start = local(BERLIN, 2025, 6, 4, 9, 0)  # a Wednesday
    rule = "FREQ=WEEKLY;BYDAY=MO,WE"
    long_before = start - dt.timedelta(days=60)
    assert next_occurrence(rule, starts_at=start, after=long_before, tz=BERLIN) == start
    assert next_occurrence(rule, starts_at=start, after=start, tz=BERLIN) == local(
        BERLIN, 2025, 6, 9, 9, 0
    )


def test_count_and_until_end_the_repetition():
    start = local(BERLIN, 2025, 6, 1, 9, 0)
    rule = "FREQ=DAILY;COUNT=3"
    assert len(occurrences(rule, starts_at=start, tz=BERLIN, n=3)) == 3
    third = local(BERLIN, 2025, 6, 3, 9, 0)
    assert next_occurrence(rule, starts_at=start, after=third, tz=BERLIN) is None
    until = "FREQ=DAILY;UNTIL=20250602T235959"
    assert next_occurrence(until, starts_at=start, after=start, tz=BERLIN) == local(
        BERLIN, 2025, 6, 2, 9, 0
    )
    assert next_occurrence(until, starts_at=start, after=start + dt.timedelta(days=1),
                           tz=BERLIN) is None  # fmt: skip


def test_the_zone_is_the_current_one_by_default(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    start = local(BERLIN, 2025, 3, 28, 9, 0)
    after = local(BERLIN, 2025, 3, 31, 0, 0)  # summer time began on 30 March
    found = next_occurrence("FREQ=DAILY", starts_at=start, after=after)
    assert found is not None
    assert found.astimezone(BERLIN).replace(tzinfo=None) == dt.datetime(2025, 3, 31, 9, 0)


# ---------------------------------------------------------------- daylight saving changes


@pytest.mark.parametrize(
    ("zone", "before", "after"),
    [(BERLIN, (2025, 3, 27), (2025, 4, 3)), (BERLIN, (2025, 10, 23), (2025, 10, 30)),
     (NEW_YORK, (2025, 3, 6), (2025, 3, 13)), (NEW_YORK, (2025, 10, 30), (2025, 11, 6))],
)  # fmt: skip
def test_weekly_keeps_9_oclock_over_a_clock_change(zone, before, after):
    start = local(zone, *before, 9, 0)
    first, second = occurrences(
        f"FREQ=WEEKLY;BYDAY={WEEKDAYS[start.weekday()]}", starts_at=start, tz=zone, n=2
    )
    assert utc(first) == utc(start)
    assert second.astimezone(zone).replace(tzinfo=None) == dt.datetime(*after, 9, 0)
    # The same wall-clock time is a week minus or plus an hour in real time.
    assert utc(second) - utc(first) != dt.timedelta(weeks=1)


def test_a_time_missing_on_the_spring_day_fires_that_day_an_hour_later():
    start = local(BERLIN, 2025, 3, 28, 2, 30)
    after = local(BERLIN, 2025, 3, 30, 0, 0)  # 02:00-03:00 does not exist on 30 March
    found = next_occurrence("FREQ=DAILY", starts_at=start, after=after, tz=BERLIN)
    assert found is not None
    assert found.astimezone(BERLIN).replace(tzinfo=None) == dt.datetime(2025, 3, 30, 3, 30)
    # Asked again from that moment, the next one is the next day at 02:30.
    again = next_occurrence("FREQ=DAILY", starts_at=start, after=found, tz=BERLIN)
    assert again is not None
    assert again.astimezone(BERLIN).replace(tzinfo=None) == dt.datetime(2025, 3, 31, 2, 30)


def test_a_time_repeated_on_the_autumn_day_fires_once_and_never_before_after():
    """On 2 November 2025 New York lives 01:00-02:00 twice. Asked during the second pass
    (after the 01:30 occurrence of the first pass has gone), the answer is the next day,
    not the 01:30 that is already in the past."""
    start = local(NEW_YORK, 2025, 10, 30, 1, 30)
    first_pass = dt.datetime(2025, 11, 2, 5, 30, tzinfo=dt.UTC)  # 01:30 EDT
    found = next_occurrence(
        "FREQ=DAILY", starts_at=start, after=first_pass - dt.timedelta(minutes=1), tz=NEW_YORK
    )
    assert found is not None
    assert utc(found) == first_pass
    second_pass = dt.datetime(2025, 11, 2, 6, 10, tzinfo=dt.UTC)  # 01:10 EST
    found = next_occurrence("FREQ=DAILY", starts_at=start, after=second_pass, tz=NEW_YORK)
    assert found is not None
    assert utc(found) > second_pass
    assert found.astimezone(NEW_YORK).replace(tzinfo=None) == dt.datetime(2025, 11, 3, 1, 30)


# ---------------------------------------------------------------- properties (hypothesis)

# Clock changes happen at night (01:00-03:00 in both zones), so reminders set from 05:00 to
# 23:59 always have their wall-clock time.
starts = st.builds(
    dt.datetime,
    year=st.integers(2023, 2027),
    month=st.integers(1, 12),
    day=st.integers(1, 28),
    hour=st.integers(5, 23),
    minute=st.sampled_from([0, 15, 30, 59]),
)
delays = st.timedeltas(min_value=dt.timedelta(days=-40), max_value=dt.timedelta(days=3 * 366))


def _check_first_after(
    rule: str,
    fires_on: Callable[[dt.date], bool],
    *,
    naive_start: dt.datetime,
    zone: zoneinfo.ZoneInfo,
    delay: dt.timedelta,
) -> dt.datetime:
    start = naive_start.replace(tzinfo=zone)
    after = start + delay
    found = next_occurrence(rule, starts_at=start, after=after, tz=zone)
    assert found is not None
    assert utc(found) > utc(after)
    assert utc(found) >= utc(start)
    local_found = found.astimezone(zone)
    # The wall-clock time of the start, on a day the rule fires on.
    assert local_found.time() == naive_start.time()
    assert fires_on(local_found.date())
    # And no day in between that the rule fires on was skipped.
    day = max(after.astimezone(zone).date(), naive_start.date())
    while day < local_found.date():
        moment = dt.datetime.combine(day, naive_start.time(), tzinfo=zone)
        assert not (fires_on(day) and utc(moment) > utc(after) and utc(moment) >= utc(start)), day
        day += dt.timedelta(days=1)
    return found


@settings(max_examples=150, deadline=None)
@given(
    naive_start=starts,
    zone=ZONES,
    delay=delays,
    days=st.sets(st.sampled_from(WEEKDAYS), min_size=1),
)
def test_weekly_keeps_the_wall_clock_time_and_the_chosen_days(naive_start, zone, delay, days):
    rule = rule_for("weekly", zone, naive_start, weekdays=sorted(days))
    _check_first_after(
        rule,
        lambda d: WEEKDAYS[d.weekday()] in days,
        naive_start=naive_start,
        zone=zone,
        delay=delay,
    )


@settings(max_examples=150, deadline=None)
@given(
    naive_start=starts,
    zone=ZONES,
    delay=delays,
    month_day=st.one_of(st.integers(1, 31), st.just(-1), st.sampled_from([28, 29, 30, 31])),
)
def test_monthly_on_a_day_keeps_the_wall_clock_time_over_month_ends(
    naive_start, zone, delay, month_day
):
    """Day N fires only in months that have it (RFC 5545); -1 is every month's last day."""
    rule = rule_for("monthly", zone, naive_start, month_day=month_day)

    def fires_on(day: dt.date) -> bool:
        last = calendar.monthrange(day.year, day.month)[1]
        return day.day == (last if month_day == -1 else month_day)

    _check_first_after(rule, fires_on, naive_start=naive_start, zone=zone, delay=delay)


@settings(max_examples=100, deadline=None)
@given(naive_start=starts, zone=ZONES, delay=delays)
def test_yearly_keeps_the_date_and_the_wall_clock_time(naive_start, zone, delay):
    rule = rule_for("yearly", zone, naive_start)
    _check_first_after(
        rule,
        lambda d: (d.month, d.day) == (naive_start.month, naive_start.day),
        naive_start=naive_start,
        zone=zone,
        delay=delay,
    )


@settings(max_examples=100, deadline=None)
@given(
    naive_start=st.builds(
        dt.datetime,
        year=st.integers(2023, 2027),
        month=st.sampled_from([3, 10, 11]),  # the months of the clock changes
        day=st.integers(1, 31).filter(lambda d: d <= 30),
        hour=st.integers(0, 23),
        minute=st.sampled_from([0, 10, 30, 45]),
    ),
    zone=ZONES,
    minutes=st.integers(-3 * 24 * 60, 40 * 24 * 60),
)
def test_each_occurrence_is_strictly_after_after_even_in_the_night_of_a_change(
    naive_start, zone, minutes
):
    """Any time of day, any `after`: the answer is later than `after`, and asking again
    from it moves forward (a reminder never fires twice for one occurrence)."""
    start = naive_start.replace(tzinfo=zone)
    after = start + dt.timedelta(minutes=minutes)
    found = next_occurrence("FREQ=DAILY", starts_at=start, after=after, tz=zone)
    assert found is not None
    assert utc(found) > utc(after)
    if utc(after) >= utc(start):
        # At most a day and the clock change later (a day never has two occurrences).
        assert utc(found) - utc(after) <= dt.timedelta(hours=26)
    else:
        assert utc(found) == utc(start)
    again = next_occurrence("FREQ=DAILY", starts_at=start, after=found, tz=zone)
    assert again is not None
    assert utc(again) > utc(found)


# ---------------------------------------------------------------- refused rules


@pytest.mark.parametrize(
    "rule",
    ["FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=31",
     "FREQ=MONTHLY;BYMONTH=2,4,6;BYMONTHDAY=31,-31", "FREQ=DAILY;BYMONTH=11;BYMONTHDAY=31",
     "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-30"],
)  # fmt: skip
def test_a_date_that_never_exists_is_refused_before_any_search(rule):
    """30 February or 31 April: the parts alone say so, without dateutil looking for one
    up to the year 9999."""
    with pytest.raises(ValueError, match="never fires"):
        _check_parts(rule)
    with pytest.raises(ValueError, match="never fires"):
        check_rule(rule, starts_at=local(BERLIN, 2025, 3, 4, 9, 0), tz=BERLIN)


@pytest.mark.parametrize(
    "rule",
    ["FREQ=DAILY;COUNT=0", "FREQ=MONTHLY;BYDAY=+6MO", "FREQ=DAILY;INTERVAL=7;BYDAY=MO",
     "FREQ=MONTHLY;INTERVAL=12;BYMONTH=3", "FREQ=DAILY;UNTIL=20250301T000000"],
)  # fmt: skip
def test_other_rules_that_never_fire_are_refused(rule):
    """A count of none, a sixth Monday, an interval that never lands on the chosen day or
    month, an end before the start."""
    start = local(BERLIN, 2025, 4, 1, 9, 0)  # a Tuesday in April
    assert _check_parts(rule) is None
    with pytest.raises(ValueError, match="never fires"):
        check_rule(rule, starts_at=start, tz=BERLIN)


@pytest.mark.parametrize(
    ("rule", "message"),
    [("FREQ=MINUTELY", "daily, weekly, monthly or yearly"),
     ("FREQ=HOURLY;INTERVAL=2", "daily, weekly, monthly or yearly"),
     ("FREQ=SECONDLY", "daily, weekly, monthly or yearly"),
     ("FREQ=DAILY;BYHOUR=9", "not supported: BYHOUR"),
     ("FREQ=DAILY;BYMINUTE=5;BYSECOND=1", "not supported: BYMINUTE, BYSECOND"),
     ("FREQ=WEEKLY;BYSETPOS=1;BYDAY=MO", "not supported: BYSETPOS"),
     ("DTSTART=20250101T090000;FREQ=DAILY", "not supported: DTSTART"),
     ("DTSTART:20250101T090000\nRRULE:FREQ=DAILY", "not a valid"),
     ("FREQ=DAILY;UNTIL=tomorrow", "not a valid"),
     ("freq=daily", "not a valid"),
     ("BYDAY=MO", "daily, weekly, monthly or yearly"),
     ("FREQ=MONTHLY;BYMONTHDAY=32", "not a valid"),
     ("FREQ=YEARLY;BYMONTH=13", "not a valid"),
     ("FREQ=YEARLY;BYMONTH=x", "not a valid"),
     ("FREQ=YEARLY;BYDAY=+60MO", "not a valid"),
     ("FREQ=DAILY;" + "BYDAY=MO;" * 40, "not a valid")],
)  # fmt: skip
def test_unsupported_or_malformed_rules_are_refused(rule, message):
    start = local(BERLIN, 2025, 3, 4, 9, 0)
    with pytest.raises(ValueError, match=message):
        check_rule(rule, starts_at=start, tz=BERLIN)


def test_check_rule_answers_the_first_occurrence():
    start = local(BERLIN, 2025, 3, 4, 9, 0)  # a Tuesday
    assert check_rule("FREQ=WEEKLY;BYDAY=TU,FR", starts_at=start, tz=BERLIN) == start
    assert check_rule("FREQ=WEEKLY;BYDAY=FR", starts_at=start, tz=BERLIN) == local(
        BERLIN, 2025, 3, 7, 9, 0
    )
    # dateutil drops microseconds: the first occurrence is still the start (to the second).
    assert (
        check_rule("FREQ=WEEKLY;BYDAY=TU", starts_at=start.replace(microsecond=500), tz=BERLIN)
        == start
    )
    # 29 February every four years from a common year is still found.
    assert check_rule(
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", starts_at=start, tz="Europe/Berlin"
    ) == local(BERLIN, 2028, 2, 29, 9, 0)
