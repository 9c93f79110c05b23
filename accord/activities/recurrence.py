"""Repetition of reminders: RFC 5545 rules (dateutil) evaluated in wall-clock time.

A reminder set for 09:00 every Monday fires at 09:00 local time on both sides of a daylight
saving change, so occurrences are computed on naive local times and made aware afterwards.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

from dateutil.rrule import rrule, rrulestr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAY_NAMES = (
    gettext_lazy("Mon"), gettext_lazy("Tue"), gettext_lazy("Wed"), gettext_lazy("Thu"),
    gettext_lazy("Fri"), gettext_lazy("Sat"), gettext_lazy("Sun"),
)  # fmt: skip
# The parts a typed rule may use. A reminder repeats at most daily, and the time of day is
# its start's. A (month, day) pair that never exists is seen at once by `_check_parts`; the
# rarer rules that never fire (an INTERVAL that never lands on the chosen days, a sixth
# Monday) cost dateutil a search up to the year 9999, well under a second.
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
PARTS = ("FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "WKST")
DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_SAFE = re.compile(r"^[A-Z0-9=;,+\-]+$")
# Longer than any clock change: how far before `after` the search for the next time begins.
SLACK = dt.timedelta(hours=3)


def build_rule(
    repeat: str, *, starts_at: dt.datetime, weekdays: list[str] | None, month_day: int | None
) -> str:
    """The RRULE body for a repetition chosen in the form (`Repeat` values)."""
    if repeat == "daily":
        return "FREQ=DAILY"
    if repeat == "weekly":
        days = [d for d in WEEKDAYS if d in set(weekdays or [])]
        if not days:
            raise ValueError(_("Choose at least one day of the week."))
        return f"FREQ=WEEKLY;BYDAY={','.join(days)}"
    if repeat == "monthly":
        day = month_day if month_day is not None else timezone.localtime(starts_at).day
        if day != -1 and not 1 <= day <= 31:
            raise ValueError(_("Choose a day from 1 to 31, or the last day of the month."))
        return f"FREQ=MONTHLY;BYMONTHDAY={day}"
    if repeat == "yearly":
        local = timezone.localtime(starts_at)
        if (local.month, local.day) == (2, 29):
            # Born on 29 February: remind on the last day of February every year.
            return "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1"
        return f"FREQ=YEARLY;BYMONTH={local.month};BYMONTHDAY={local.day}"
    raise ValueError(_("Choose how the reminder repeats."))


def _zone(tz: Any) -> Any:
    if tz is None:
        return timezone.get_current_timezone()
    return zoneinfo.ZoneInfo(tz) if isinstance(tz, str) else tz


def _numbers(value: str) -> list[int]:
    try:
        return [int(v) for v in value.split(",")]
    except ValueError:
        raise ValueError(_("This is not a valid RFC 5545 repetition rule.")) from None


def _check_parts(rule: str) -> None:
    if len(rule) > 300 or not _SAFE.match(rule):
        raise ValueError(_("This is not a valid RFC 5545 repetition rule."))
    parts = dict(part.partition("=")[::2] for part in rule.split(";"))
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        raise ValueError(
            _("These parts of a rule are not supported: %(parts)s.") % {"parts": ", ".join(unknown)}
        )
    if parts.get("FREQ") not in FREQUENCIES:
        raise ValueError(_("A reminder repeats daily, weekly, monthly or yearly."))
    months = _numbers(parts["BYMONTH"]) if "BYMONTH" in parts else list(range(1, 13))
    days = _numbers(parts["BYMONTHDAY"]) if "BYMONTHDAY" in parts else [1]
    if any(not 1 <= m <= 12 for m in months) or any(not 1 <= abs(d) <= 31 for d in days):
        raise ValueError(_("This is not a valid RFC 5545 repetition rule."))
    if not any(abs(d) <= DAYS_IN_MONTH[m - 1] for m in months for d in days):
        raise ValueError(_("This repetition rule never fires. Check the days and the dates."))


def _parse(rule: str, start_local: dt.datetime) -> rrule:
    _check_parts(rule)
    try:
        parsed = rrulestr(rule, dtstart=start_local)
    except (ValueError, TypeError, KeyError, IndexError):
        raise ValueError(_("This is not a valid RFC 5545 repetition rule.")) from None
    if not isinstance(parsed, rrule):
        raise ValueError(_("This repetition rule is not supported."))
    return parsed


def next_occurrence(
    rule: str,
    *,
    starts_at: dt.datetime,
    after: dt.datetime,
    inclusive: bool = False,
    tz: Any = None,
) -> dt.datetime | None:
    """The first time `rule` fires after `after` (or at it, when `inclusive`), or None.

    A rule without repetition (`""`) fires once, at `starts_at`.
    """
    zone = _zone(tz)
    if not rule:
        hit = starts_at > after or (inclusive and starts_at == after)
        return starts_at if hit else None
    start_local = timezone.localtime(starts_at, zone).replace(tzinfo=None, fold=0)
    parsed = _parse(rule, start_local)
    # Local times repeat in the autumn night and are missing in the spring one, so naive
    # local times cannot be compared with `after`: the search starts a few hours early
    # and the real moments are compared (in UTC: one zone's aware times compare by wall clock).
    after_utc = after.astimezone(dt.UTC)
    probe = max(timezone.localtime(after, zone).replace(tzinfo=None) - SLACK, start_local)
    include = True
    while True:
        try:
            found = parsed.after(probe, inc=include)
        except (ValueError, IndexError, OverflowError):  # dateutil fails on some rules late
            raise ValueError(_("This is not a valid RFC 5545 repetition rule.")) from None
        if found is None:
            return None
        moment = timezone.make_aware(found, zone)
        real = moment.astimezone(dt.UTC)
        if real > after_utc or (inclusive and real == after_utc):
            return real.astimezone(zone)  # a time missing in the spring night, as it is shown
        # At most daily, so this loops at most twice.
        probe, include = found, False


def check_rule(rule: str, *, starts_at: dt.datetime, tz: Any = None) -> dt.datetime:
    """The first occurrence of `rule` from `starts_at`; ValueError if it never fires."""
    # dateutil drops the microseconds of the start, so the first occurrence is compared
    # with the start to the second (or it would be a whole period late).
    start = starts_at.replace(microsecond=0)
    first = next_occurrence(rule, starts_at=start, after=start, inclusive=True, tz=tz)
    if first is None:
        raise ValueError(_("This repetition rule never fires. Check the days and the dates."))
    return first


def describe(rule: str) -> str:
    """A short human wording of the rules the form builds; other rules are shown as typed."""
    parts = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
    freq = parts.get("FREQ", "")
    if freq == "DAILY" and len(parts) == 1:
        return _("every day")
    if freq == "WEEKLY" and set(parts) == {"FREQ", "BYDAY"}:
        names = dict(zip(WEEKDAYS, map(str, WEEKDAY_NAMES), strict=True))
        return _("every week: %(days)s") % {
            "days": ", ".join(names.get(d, d) for d in parts["BYDAY"].split(","))
        }
    if freq == "MONTHLY" and set(parts) == {"FREQ", "BYMONTHDAY"}:
        if parts["BYMONTHDAY"] == "-1":
            return _("every month on the last day")
        return _("every month on day %(day)s") % {"day": parts["BYMONTHDAY"]}
    if freq == "YEARLY":
        return _("every year")
    return rule
