"""The ledger's rules: an item's history from its audit entries, the days each trip is credited, days overdue."""

from __future__ import annotations

from datetime import date

from core.ledger import (
    Event,
    HistoryStep,
    Step,
    credited_days,
    follow_up_steps,
    motion_rounds,
    overdue_days,
    task_steps,
)

YEAR = (date(2026, 1, 1), date(2026, 12, 31))


def test_overlapping_trips_credit_each_day_once_and_add_up_to_the_union() -> None:
    spans = [(date(2026, 11, 5), date(2026, 11, 8)), (date(2026, 11, 7), date(2026, 11, 9)),
             (date(2026, 11, 6), date(2026, 11, 6))]
    assert credited_days(spans, within=YEAR) == [4, 1, 0]


def test_days_outside_the_year_are_not_credited() -> None:
    assert credited_days([(date(2025, 12, 30), date(2026, 1, 2)), (date(2026, 12, 31), date(2027, 1, 3))],
                         within=YEAR) == [2, 1]


def test_days_overdue_count_until_done_or_until_the_day_judged() -> None:
    due = date(2026, 6, 10)
    assert overdue_days(due, done_on=date(2026, 6, 20), as_of=date(2026, 12, 31)) == 10
    assert overdue_days(due, done_on=date(2026, 6, 10), as_of=date(2026, 12, 31)) == 0
    assert overdue_days(due, done_on=None, as_of=date(2026, 6, 12)) == 2
    assert overdue_days(due, done_on=None, as_of=date(2026, 6, 1)) == 0


def test_an_extension_before_the_first_reply_is_the_deadline_it_is_judged_on() -> None:
    history = motion_rounds([
        Event(date(2026, 3, 10), "create", {}, {"assigned_on": date(2026, 3, 10), "reply_due": date(2026, 6, 10)}),
        Event(date(2026, 6, 1), "extend_due", {"reply_due": date(2026, 6, 10)}, {"reply_due": date(2026, 6, 30)}),
        Event(date(2026, 6, 20), "reply", {"status": "handling"},
              {"status": "replied", "replied_on": date(2026, 6, 20), "result_class": "A"}),
    ], assigned_on=date(2026, 3, 10), reply_due=date(2026, 6, 30), replied_on=date(2026, 6, 20),
        result_class="A", satisfaction=None, reopened=0)
    assert history.on_time is True and history.first_due == date(2026, 6, 30)
    assert history.steps[1] == HistoryStep(date(2026, 6, 1), Step.EXTENDED, due=date(2026, 6, 30),
                                           old_due=date(2026, 6, 10))


def test_a_reopened_motion_keeps_its_first_round() -> None:
    history = motion_rounds([
        Event(date(2026, 3, 10), "create", {}, {"assigned_on": date(2026, 3, 10), "reply_due": date(2026, 6, 10)}),
        Event(date(2026, 6, 20), "reply", {}, {"replied_on": date(2026, 6, 20), "result_class": "B"}),
        Event(date(2026, 6, 25), "record_satisfaction",
              {"replied_on": date(2026, 6, 20), "result_class": "B", "reopened": 0, "reply_due": date(2026, 6, 10)},
              {"replied_on": None, "result_class": None, "reopened": 1, "reply_due": date(2026, 7, 25)}),
    ], assigned_on=date(2026, 3, 10), reply_due=date(2026, 7, 25), replied_on=None, result_class=None,
        satisfaction=None, reopened=1)
    assert (history.first_reply, history.first_due, history.on_time, history.reopened) == (
        date(2026, 6, 20), date(2026, 6, 10), False, 1)
    assert [s.step for s in history.steps] == [Step.ASSIGNED, Step.REPLIED, Step.REOPENED]
    assert history.steps[2].due == date(2026, 7, 25)


def test_a_motion_without_audit_entries_is_told_from_its_state() -> None:
    history = motion_rounds([], assigned_on=date(2026, 3, 10), reply_due=date(2026, 6, 10),
                            replied_on=date(2026, 6, 1), result_class="C", satisfaction="basically", reopened=0)
    assert [s.step for s in history.steps] == [Step.ASSIGNED, Step.REPLIED, Step.FEEDBACK]
    assert history.on_time is True
    assert motion_rounds([], assigned_on=date(2026, 3, 10), reply_due=date(2026, 6, 10), replied_on=None,
                         result_class=None, satisfaction=None, reopened=0).on_time is None


def test_a_task_s_steps_keep_every_report_and_return_in_order() -> None:
    steps = task_steps(date(2026, 11, 2), date(2026, 11, 20), [
        Event(date(2026, 11, 10), "report", {"status": "assigned"}, {"status": "reported", "note": "初稿"}),
        Event(date(2026, 11, 11), "return", {"status": "reported"}, {"status": "assigned", "reason": "缺数据"}),
    ], cancelled_on=date(2026, 11, 12))
    assert [(s.step, s.note) for s in steps] == [(Step.ASSIGNED, ""), (Step.REPORTED, "初稿"),
                                                 (Step.RETURNED, "缺数据"), (Step.CANCELLED, "")]


def test_a_findings_steps_follow_its_stamps_and_leave_out_those_not_reached() -> None:
    raised, assigned, handled, fed_back = date(2026, 11, 9), date(2026, 11, 10), date(2026, 11, 12), date(2026, 11, 16)
    assert follow_up_steps(raised, feedback_due=date(2026, 12, 8), assigned_on=assigned, department="县交通运输局",
                           handled_on=handled, fed_back_on=fed_back, result="已修复", closed_on=None) == (
        HistoryStep(raised, Step.RAISED, due=date(2026, 12, 8)),
        HistoryStep(assigned, Step.TO_DEPARTMENT, note="县交通运输局"),
        HistoryStep(handled, Step.HANDLED),
        HistoryStep(fed_back, Step.FED_BACK, note="已修复"))
    assert follow_up_steps(raised, feedback_due=None, assigned_on=None, department=None, handled_on=None,
                           fed_back_on=None, result=None, closed_on=None) == (HistoryStep(raised, Step.RAISED),)
    closed = follow_up_steps(raised, feedback_due=None, assigned_on=assigned, department="县农业农村局",
                             handled_on=handled, fed_back_on=fed_back, result="已答复", closed_on=date(2026, 11, 20))
    assert [step.step for step in closed][-1] is Step.CONCLUDED and closed[-1].day == date(2026, 11, 20)
