"""Quarter targets (季目标) set by the team: the expected pace interpolates between the quarters' cumulative
targets over the member's active days; the even spread is the default curve; the race's period target follows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.domain import Duty
from core.pace import (
    Availability,
    QuarterTargets,
    duty_pace,
    even_quarters,
    expected_between,
    expected_by,
    expected_on_curve,
)
from core.race import MemberInputs, Period, PeriodKind, Weights, curve_target, period_target, score

D = Decimal
RESEARCH = QuarterTargets(D(10), D(25), D(40), D(60))  # 下基层调研 10 / 25 / 40 / 60 days
WHOLE = Availability(2026)


def d(month: int, day: int) -> date:
    return date(2026, month, day)


@pytest.mark.parametrize(("availability", "on", "expected"), [
    (WHOLE, d(3, 31), D(10)),  # each quarter's end: its cumulative target
    (WHOLE, d(6, 30), D(25)),
    (WHOLE, d(9, 30), D(40)),
    (WHOLE, d(12, 31), D(60)),
    (WHOLE, d(2, 10), D(10) * 41 / 90),  # within Q1: 41 of its 90 days
    (WHOLE, d(5, 15), D(10) + D(15) * 45 / 91),  # within Q2: from Q1's 10 towards 25
    (WHOLE, d(11, 21), D(40) + D(20) * 52 / 92),
    (Availability(2026, from_day=d(7, 1)), d(12, 31), D(35)),  # counts from July: Q3 and Q4 (15 + 20)
    (Availability(2026, leave=((d(1, 1), d(3, 31)),)), d(3, 31), D(0)),  # away all Q1: nothing asked in it
    (Availability(2026, leave=((d(4, 1), d(4, 30)),)), d(6, 30), D(10) + D(15) * 61 / 91),
])
def test_the_curve_interpolates_between_quarter_targets_over_active_days(
        availability: Availability, on: date, expected: Decimal) -> None:
    assert expected_on_curve(RESEARCH, availability, on=on) == expected


@pytest.mark.parametrize("values", [(D(-1), D(2), D(3), D(4)), (D(10), D(5), D(40), D(60)),
                                    (D(10), D(25), D(70), D(60))])
def test_quarter_targets_are_cumulative_and_not_negative(values: tuple[Decimal, ...]) -> None:
    with pytest.raises(ValueError):
        QuarterTargets(*values)


@given(st.dates(min_value=d(1, 1), max_value=d(12, 31)), st.integers(min_value=0, max_value=366))
@settings(max_examples=60, deadline=None)
def test_the_even_spread_is_the_default_curve(on: date, target: int) -> None:
    curve = even_quarters(D(target), 2026)
    assert abs(expected_on_curve(curve, WHOLE, on=on) - expected_by(D(target), WHOLE, on=on)) < D("1e-20")


def test_a_members_pace_and_quarter_target_follow_the_quarter_targets() -> None:
    pace = duty_pace(Duty.RESEARCH_DAYS, done=D(3), yearly_target=D(60), availability=WHOLE, today=d(2, 10),
                     tolerance=D("0.1"), lagging=D("0.25"), quarters=RESEARCH)
    assert (pace.quarter_target, pace.expected_now, pace.target, pace.gap_to_quarter) == (
        D(10), D(10) * 41 / 90, D(60), D(7))
    even = duty_pace(Duty.RESEARCH_DAYS, done=D(3), yearly_target=D(60), availability=WHOLE, today=d(2, 10),
                     tolerance=D("0.1"), lagging=D("0.25"))
    assert even.quarter_target == D(60) * 90 / 365


@pytest.mark.parametrize(("period", "day", "expected"), [
    (Period(PeriodKind.MONTH, 2026, 2), d(2, 28), D(10) * 28 / 90),  # a light first quarter asks less
    (Period(PeriodKind.MONTH, 2026, 2), d(2, 10), D(10) * 10 / 90),  # the current month: days gone by
    (Period(PeriodKind.MONTH, 2026, 12), d(12, 31), D(20) * 31 / 92),
    (Period(PeriodKind.QUARTER, 2026, 2), d(6, 30), D(15)),
    (Period(PeriodKind.YEAR, 2026), d(12, 31), D(60)),
])
def test_the_races_period_target_uses_the_same_curve(period: Period, day: date, expected: Decimal) -> None:
    assert curve_target(RESEARCH, WHOLE, period, day) == expected
    assert period_target(D(60), WHOLE, period, day, RESEARCH) == expected
    assert expected_between(RESEARCH, WHOLE, first=period.start, last=day) == expected


def test_a_score_reads_the_quarter_targets() -> None:
    weights = Weights(duties={Duty.RESEARCH_DAYS: D(30)}, on_time=D(0), overdue_penalty=D(2))
    feb = Period(PeriodKind.MONTH, 2026, 2)
    targets = {duty: D(0) for duty in Duty} | {Duty.RESEARCH_DAYS: D(60)}
    done = {Duty.RESEARCH_DAYS: D(4)}
    even = score(MemberInputs(1, WHOLE, targets, done), feb, as_of=d(2, 28), weights=weights)
    curved = score(MemberInputs(1, WHOLE, targets, done, quarter_targets={Duty.RESEARCH_DAYS: RESEARCH}), feb,
                   as_of=d(2, 28), weights=weights)
    assert even.duties[0].target == D(60) * 28 / 365 and even.duties[0].completion < 1  # 4.6 days asked
    assert curved.duties[0].target == D(10) * 28 / 90 and curved.duties[0].completion == 1  # 3.1 days asked
    assert curved.total > even.total
