"""Tests for core.pace: pro-rated targets, the year's pace, quarter targets and pace status."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.domain import Duty
from core.pace import (
    DEFAULT_LAGGING,
    DEFAULT_TARGETS,
    DEFAULT_TOLERANCE,
    Availability,
    DutyPace,
    PaceStatus,
    active_days,
    days_covered,
    days_in_year,
    duty_pace,
    effective_target,
    expected_at_quarter_end,
    expected_by,
    in_office_during,
    pace_status,
    quarter_end,
    quarter_of,
)

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
D = Decimal
WHOLE_2026 = Availability(2026)


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


def test_default_targets_follow_the_seeds() -> None:
    assert DEFAULT_TARGETS == {
        Duty.RESEARCH_DAYS: 60, Duty.KEY_RESEARCH_TOPICS: 1, Duty.COLLECTIVE_STUDY: 6, Duty.LAW_STUDY: 4,
        Duty.KEY_SUGGESTIONS: 1, Duty.KEY_PROPOSALS: 1}
    assert set(DEFAULT_TARGETS) == set(Duty)
    assert (DEFAULT_TOLERANCE, DEFAULT_LAGGING) == (D("0.10"), D("0.25"))


# --------------------------------------------------------------------------- active days

@pytest.mark.parametrize(("availability", "until", "days"), [
    (WHOLE_2026, None, 365),
    (Availability(2028), None, 366),
    (WHOLE_2026, d(1, 1), 1),
    (WHOLE_2026, d(3, 31), 90),
    (Availability(2028), d(3, 31, 2028), 91),
    (Availability(2026, from_day=d(7, 1)), None, 184),
    (Availability(2026, from_day=d(7, 1)), d(6, 30), 0),  # not yet joined
    (Availability(2026, from_day=d(7, 1)), d(7, 1), 1),  # the day of joining counts
    (Availability(2026, from_day=d(5, 1, 2019)), None, 365),  # joined in an earlier year
    (Availability(2026, from_day=d(1, 1, 2027)), None, 0),  # joins next year
    (Availability(2026, leave=((d(3, 1), d(3, 10)),)), None, 355),
    (Availability(2026, leave=((d(3, 1), d(3, 10)), (d(3, 5), d(3, 20)))), None, 345),  # overlapping leave
    (Availability(2026, leave=((d(12, 20, 2025), d(1, 10)),)), None, 355),  # crosses into the year
    (Availability(2026, leave=((d(12, 25), d(1, 5, 2027)),)), None, 358),  # crosses out of it
    (Availability(2026, leave=((d(3, 1), d(3, 10)),)), d(3, 5), 59),
    (Availability(2026, from_day=d(7, 1), leave=((d(6, 1), d(7, 10)),)), None, 174),  # leave before joining
    (Availability(2026, until_day=d(6, 30)), None, 181),  # left office mid-year
    (Availability(2026, until_day=d(6, 30)), d(6, 30), 181),  # the day of leaving counts
    (Availability(2026, until_day=d(6, 30)), d(7, 1), 181),  # nothing more after it
    (Availability(2026, until_day=d(6, 30)), d(3, 31), 90),
    (Availability(2026, from_day=d(4, 1), until_day=d(9, 30)), None, 183),  # both dates
    (Availability(2026, from_day=d(4, 1), until_day=d(9, 30)), d(3, 31), 0),
    (Availability(2026, from_day=d(7, 1), until_day=d(7, 1)), None, 1),  # one day in office
    (Availability(2026, from_day=d(4, 1), until_day=d(9, 30), leave=((d(9, 1), d(10, 31)),)), None, 153),
    (Availability(2026, until_day=d(12, 31, 2025)), None, 0),  # left before the year
    (Availability(2026, until_day=d(3, 1, 2027)), None, 365),  # leaves after the year
    (Availability(2026, from_day=d(5, 1, 2019), until_day=d(1, 1, 2030)), None, 365),  # both outside
    (Availability(2026, from_day=d(1, 1, 2027), until_day=d(1, 1, 2030)), None, 0),  # takes office next year
])
def test_active_days_count_from_taking_office_to_leaving_it_and_skip_leave(availability: Availability, until: date | None,
                                                       days: int) -> None:
    assert active_days(availability, until=until) == days


@pytest.mark.parametrize("until", [d(12, 31, 2025), d(1, 1, 2027)])
def test_a_day_outside_the_year_is_refused(until: date) -> None:
    with pytest.raises(ValueError):
        active_days(WHOLE_2026, until=until)
    with pytest.raises(ValueError):
        expected_by(D(60), WHOLE_2026, on=until)
    with pytest.raises(ValueError):
        duty_pace(Duty.RESEARCH_DAYS, done=D(0), yearly_target=D(60), availability=WHOLE_2026, today=until,
                  tolerance=DEFAULT_TOLERANCE, lagging=DEFAULT_LAGGING)


def test_leave_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError):
        Availability(2026, leave=((d(3, 10), d(3, 1)),))


def test_leaving_office_before_taking_it_is_refused() -> None:
    with pytest.raises(ValueError):
        Availability(2026, from_day=d(7, 1), until_day=d(6, 30))


@pytest.mark.parametrize(("took", "left", "served"), [
    (None, None, True),
    (d(12, 31), None, True),  # took office on the year's last day
    (d(1, 5, 2027), None, False),  # took office after the year
    (None, d(1, 1), True),  # left on the year's first day
    (None, d(12, 15, 2025), False),  # left before the year
    (d(3, 1, 2020), d(6, 30, 2030), True),
])
def test_a_member_is_in_office_during_a_year_they_held_office_on_any_of_its_days(
        took: date | None, left: date | None, served: bool) -> None:
    assert in_office_during(2026, took, left) is served


# --------------------------------------------------------------------------- targets and expected progress

@pytest.mark.parametrize(("target", "availability", "effective"), [
    (D(60), WHOLE_2026, D(60)),
    (D(6), WHOLE_2026, D(6)),
    (D(60), Availability(2028), D(60)),
    (D(60), Availability(2026, from_day=d(7, 1)), D(60) * 184 / 365),
    (D(6), Availability(2026, leave=((d(1, 1), d(6, 30)),)), D(6) * 184 / 365),
    (D(1), Availability(2026, from_day=d(1, 1, 2027)), D(0)),
    (D(60), Availability(2026, until_day=d(6, 30)), D(60) * 181 / 365),  # left office mid-year
    (D(60), Availability(2026, from_day=d(4, 1), until_day=d(9, 30)), D(60) * 183 / 365),
    (D(0), WHOLE_2026, D(0)),
])
def test_the_effective_target_is_pro_rated_by_active_days(target: Decimal, availability: Availability,
                                                          effective: Decimal) -> None:
    assert effective_target(target, availability) == effective


def test_a_negative_target_is_refused() -> None:
    with pytest.raises(ValueError):
        effective_target(D(-1), WHOLE_2026)


@pytest.mark.parametrize(("target", "availability", "on", "expected"), [
    (D(60), WHOLE_2026, d(12, 31), D(60)),
    (D(73), WHOLE_2026, d(1, 5), D(1)),  # 73 / 365 a day
    (D(366), Availability(2028), d(2, 29, 2028), D(60)),
    (D(60), Availability(2026, from_day=d(7, 1)), d(6, 30), D(0)),  # not yet joined
    (D(73), Availability(2026, from_day=d(7, 1)), d(7, 5), D(1)),
    (D(73), Availability(2026, leave=((d(1, 3), d(1, 4)),)), d(1, 5), D("0.6")),  # leave pauses the pace
    (D(60), WHOLE_2026, d(6, 1), D(60) * 152 / 365),  # not rounded
])
def test_expected_progress_follows_active_days(target: Decimal, availability: Availability, on: date,
                                               expected: Decimal) -> None:
    assert expected_by(target, availability, on=on) == expected


@pytest.mark.parametrize(("day", "quarter"), [
    (d(1, 1), 1), (d(3, 31), 1), (d(4, 1), 2), (d(6, 30), 2), (d(7, 1), 3), (d(9, 30), 3), (d(10, 1), 4),
    (d(12, 31), 4)])
def test_quarters_are_calendar_quarters(day: date, quarter: int) -> None:
    assert quarter_of(day) == quarter
    assert quarter_end(day.year, quarter) >= day
    assert quarter_end(day.year, quarter).month == 3 * quarter
    assert (quarter_end(day.year, quarter) + timedelta(days=1)).month == (3 * quarter) % 12 + 1


@pytest.mark.parametrize("quarter", [0, 5, -1])
def test_there_are_four_quarters(quarter: int) -> None:
    with pytest.raises(ValueError):
        quarter_end(2026, quarter)
    with pytest.raises(ValueError):
        expected_at_quarter_end(D(60), WHOLE_2026, quarter=quarter)


@pytest.mark.parametrize(("availability", "quarter", "expected"), [
    (WHOLE_2026, 1, D(60) * 90 / 365),
    (WHOLE_2026, 2, D(60) * 181 / 365),
    (WHOLE_2026, 4, D(60)),
    (Availability(2028), 1, D(60) * 91 / 366),
    (Availability(2026, from_day=d(5, 1)), 1, D(0)),
    (Availability(2026, from_day=d(5, 1)), 2, D(60) * 61 / 365),
])
def test_the_quarter_target_is_what_the_pace_asks_by_the_quarters_end(
        availability: Availability, quarter: int, expected: Decimal) -> None:
    assert expected_at_quarter_end(D(60), availability, quarter=quarter) == expected


# --------------------------------------------------------------------------- status

@pytest.mark.parametrize(("done", "expected", "status"), [
    (D(30), D(30), PaceStatus.ON_PACE),
    (D(40), D(30), PaceStatus.ON_PACE),  # ahead
    (D(24), D(30), PaceStatus.ON_PACE),  # 6 short = exactly 10 % of 60: not over the line
    (D("23.9"), D(30), PaceStatus.BEHIND),
    (D(15), D(30), PaceStatus.BEHIND),  # exactly 25 %
    (D("14.9"), D(30), PaceStatus.LAGGING),
    (D(0), D(30), PaceStatus.LAGGING),
])
def test_status_depends_on_the_shortfall_as_a_share_of_the_target(done: Decimal, expected: Decimal,
                                                                  status: PaceStatus) -> None:
    assert pace_status(done, expected, D(60), tolerance=D("0.10"), lagging=D("0.25")) is status


def test_a_zero_target_is_always_on_pace() -> None:
    assert pace_status(D(0), D(0), D(0), tolerance=D(0), lagging=D(0)) is PaceStatus.ON_PACE


@pytest.mark.parametrize(("tolerance", "lagging"), [(D("-0.1"), D("0.25")), (D("0.3"), D("0.25"))])
def test_thresholds_must_be_ordered(tolerance: Decimal, lagging: Decimal) -> None:
    with pytest.raises(ValueError):
        pace_status(D(0), D(1), D(6), tolerance=tolerance, lagging=lagging)


def test_duty_pace_puts_it_all_together() -> None:
    pace = duty_pace(Duty.RESEARCH_DAYS, done=D(18), yearly_target=D(60), availability=WHOLE_2026,
                     today=d(6, 1), tolerance=DEFAULT_TOLERANCE, lagging=DEFAULT_LAGGING)
    assert pace == DutyPace(
        duty=Duty.RESEARCH_DAYS, done=D(18), target=D(60), expected_now=D(60) * 152 / 365,
        quarter_target=D(60) * 181 / 365, gap_to_quarter=D(60) * 181 / 365 - 18, status=PaceStatus.BEHIND)


def test_a_late_joiner_is_judged_on_the_pro_rated_target() -> None:
    joined = Availability(2026, from_day=d(10, 1))
    pace = duty_pace(Duty.COLLECTIVE_STUDY, done=D(0), yearly_target=D(6), availability=joined,
                     today=d(10, 20), tolerance=DEFAULT_TOLERANCE, lagging=DEFAULT_LAGGING)
    assert pace.target == D(6) * 92 / 365
    assert pace.expected_now == D(6) * 20 / 365
    assert pace.quarter_target == pace.target
    assert pace.status is PaceStatus.ON_PACE


@pytest.mark.parametrize("done", [D(0), D(2), D(5), D(10)])
def test_a_late_joiner_gets_the_same_grace_as_everyone(done: Decimal) -> None:
    """Same active days, same work done: same status, whenever each of them joined."""
    def status(availability: Availability, today: date) -> PaceStatus:
        return duty_pace(Duty.RESEARCH_DAYS, done=done, yearly_target=D(60), availability=availability,
                         today=today, tolerance=DEFAULT_TOLERANCE, lagging=DEFAULT_LAGGING).status

    joined_july = status(Availability(2026, from_day=d(7, 1)), d(9, 30))  # 92 active days
    assert joined_july == status(WHOLE_2026, d(1, 1) + timedelta(days=91))


def test_leave_pauses_the_pace() -> None:
    on_leave = Availability(2026, leave=((d(1, 1), d(5, 31)),))
    pace = duty_pace(Duty.RESEARCH_DAYS, done=D(0), yearly_target=D(60), availability=on_leave,
                     today=d(5, 31), tolerance=DEFAULT_TOLERANCE, lagging=DEFAULT_LAGGING)
    assert (pace.expected_now, pace.status) == (D(0), PaceStatus.ON_PACE)


def test_no_gap_to_the_quarter_once_it_is_reached() -> None:
    pace = duty_pace(Duty.LAW_STUDY, done=D(4), yearly_target=D(4), availability=WHOLE_2026, today=d(2, 1),
                     tolerance=DEFAULT_TOLERANCE, lagging=DEFAULT_LAGGING)
    assert pace.gap_to_quarter == 0
    assert pace.status is PaceStatus.ON_PACE


# --------------------------------------------------------------------------- properties

years = st.sampled_from([2025, 2026, 2027, 2028])


@st.composite
def availabilities(draw: st.DrawFn) -> Availability:
    year = draw(years)
    around = st.dates(min_value=date(year - 1, 12, 1), max_value=date(year + 1, 1, 31))
    joined = draw(st.none() | around)
    left = draw(st.none() | around)
    if joined is not None and left is not None and left < joined:
        joined, left = left, joined
    leave = draw(st.lists(st.tuples(around, around).map(lambda p: (min(p), max(p))), max_size=6))
    return Availability(year, from_day=joined, until_day=left, leave=tuple(leave))


targets = st.decimals(min_value=0, max_value=400, places=2)


def in_year(availability: Availability) -> st.SearchStrategy[date]:
    return st.dates(min_value=date(availability.year, 1, 1), max_value=date(availability.year, 12, 31))


@PROPERTY
@given(availability=availabilities(), data=st.data())
def test_active_days_equal_counting_the_days_one_by_one(availability: Availability,
                                                        data: st.DataObject) -> None:
    until = data.draw(in_year(availability))
    first = date(availability.year, 1, 1)
    counted = sum(
        1 for i in range((until - first).days + 1)
        if (availability.from_day or first) <= (day := first + timedelta(days=i)) <= (availability.until_day or until)
        and not any(s <= day <= e for s, e in availability.leave))
    assert active_days(availability, until=until) == counted


@PROPERTY
@given(availability=availabilities(), target=targets, data=st.data())
def test_the_pace_never_goes_back_and_ends_at_the_effective_target(
        availability: Availability, target: Decimal, data: st.DataObject) -> None:
    a, b = sorted((data.draw(in_year(availability)), data.draw(in_year(availability))))
    assert D(0) <= expected_by(target, availability, on=a) <= expected_by(target, availability, on=b)
    year_end = date(availability.year, 12, 31)
    assert expected_by(target, availability, on=year_end) == effective_target(target, availability) <= target
    assert expected_at_quarter_end(target, availability, quarter=4) == effective_target(target, availability)


@PROPERTY
@given(target=targets, year=years)
def test_a_member_there_all_year_has_the_whole_target(target: Decimal, year: int) -> None:
    assert effective_target(target, Availability(year)) == target
    assert active_days(Availability(year)) == days_in_year(year)


@PROPERTY
@given(done=targets, more=targets, expected=targets, target=targets)
def test_doing_more_never_worsens_the_status(done: Decimal, more: Decimal, expected: Decimal,
                                             target: Decimal) -> None:
    order = list(PaceStatus)
    before = pace_status(done, expected, target, tolerance=DEFAULT_TOLERANCE, lagging=DEFAULT_LAGGING)
    after = pace_status(done + more, expected, target, tolerance=DEFAULT_TOLERANCE, lagging=DEFAULT_LAGGING)
    assert order.index(after) <= order.index(before)


def test_days_covered_is_the_union_clipped_to_the_window() -> None:
    spans = [(d(3, 1), d(3, 10)), (d(3, 5), d(3, 20)), (d(12, 30), d(1, 3, 2027))]
    assert days_covered(spans, within=(d(1, 1), d(12, 31))) == 22
