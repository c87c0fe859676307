"""Suggestions and proposals: reading one message, checking the draft, and the closed loop."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.dates import normalize
from core.domain import MotionKind, MotionStatus, ResultClass, Satisfaction
from core.motions import (
    InvalidTransition,
    MotionDraft,
    MotionProblem,
    MotionState,
    TransitionReason,
    clean_title,
    corrected_due,
    due_follows_rule,
    extend_due,
    is_on_time,
    is_overdue,
    light,
    missing_fields,
    motion_problems,
    new_motion,
    on_time_rate,
    parse_motion,
    parse_number,
    record_satisfaction,
    reply,
    reply_due,
    start_handling,
    title_kind,
    without_problems,
)
from core.task_lights import Light

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Saturday
TODAY = NOW.date()
S, P = MotionKind.SUGGESTION, MotionKind.PROPOSAL
PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --------------------------------------------------------------------------- parsing one message

PARSED = [
    ("建议 第123号 关于加快山区公路建设的建议 重点", S, "123", "关于加快山区公路建设的建议", True, None),
    ("提案 45 关于加强基层医疗的提案", P, "45", "关于加强基层医疗的提案", None, None),
    ("重点提案 第8号 关于加强基层医疗的提案 3月1日交办", P, "8", "关于加强基层医疗的提案", True, date(2026, 3, 1)),
    ("人大建议第123号关于加快山区公路建设", S, "123", "关于加快山区公路建设", None, None),
    ("suggestion No. 123 Speeding up mountain roads, key", S, "123", "Speeding up mountain roads", True,
     None),
    ("proposal #45 Better rural clinics assigned March 1", P, "45", "Better rural clinics", None,
     date(2026, 3, 1)),
    # kind words
    ("代表建议 第9号 关于乡村振兴", S, "9", "关于乡村振兴", None, None),
    ("政协提案 第9号 关于乡村振兴", P, "9", "关于乡村振兴", None, None),
    ("委员提案 第9号 关于乡村振兴", P, "9", "关于乡村振兴", None, None),
    ("NPC suggestion 9 Rural revival", S, "9", "Rural revival", None, None),
    ("CPPCC proposal 9 Rural revival", P, "9", "Rural revival", None, None),
    ("NPC 9 Rural revival", S, "9", "Rural revival", None, None),
    ("cppcc 9 Rural revival", P, "9", "Rural revival", None, None),
    ("第12号 关于加快山区公路建设的建议", S, "12", "关于加快山区公路建设的建议", None, None),
    ("关于加强基层医疗的提案", P, None, "关于加强基层医疗的提案", None, None),
    ("建议加快山区公路建设", None, None, "建议加快山区公路建设", None, None),  # glued: part of the title
    # numbers
    ("建议 第十二号 关于乡村振兴的建议", S, "12", "关于乡村振兴的建议", None, None),
    ("提案第0045号", P, "0045", None, None, None),
    ("建议 123号 关于乡村振兴的建议", S, "123", "关于乡村振兴的建议", None, None),
    ("建议 编号123 关于乡村振兴的建议", S, "123", "关于乡村振兴的建议", None, None),
    ("关于乡村振兴的建议 第123号", S, "123", "关于乡村振兴的建议", None, None),
    ("proposal 12 key industries upgrade", P, "12", "key industries upgrade", None, None),
    ("NPC suggestion No.12A Roads, priority", S, "12A", "Roads", True, None),
    ("建议 第1234567号 关于乡村振兴", S, "1234567", "关于乡村振兴", None, None),
    ("提案 45 关于加强基层医疗的提案 第46号", P, None, "关于加强基层医疗的提案", None, None),  # disagree
    ("建议 2026年乡村振兴的建议", S, None, "2026年乡村振兴的建议", None, None),
    ("suggestion 5G rollout", S, None, "5G rollout", None, None),  # no marker: digits only
    ("proposal 2026-045 关于乡村振兴的提案", P, "2026-045", "关于乡村振兴的提案", None, None),
    # key flags
    ("一般建议 第7号 关于乡村振兴的建议", S, "7", "关于乡村振兴的建议", False, None),
    ("非重点提案 第7号 关于乡村振兴的提案", P, "7", "关于乡村振兴的提案", False, None),
    ("建议 第7号 重点 关于乡村振兴的建议", S, "7", "关于乡村振兴的建议", True, None),
    ("建议 第7号 关于乡村振兴的建议（重点）", S, "7", "关于乡村振兴的建议", True, None),
    ("建议 第7号 关于乡村振兴的建议重点建议", S, "7", "关于乡村振兴的建议", True, None),
    ("建议 第5号 重点领域改革的建议", S, "5", "重点领域改革的建议", None, None),
    ("建议 第5号 关于加强的重点建议", S, "5", "关于加强的重点建议", None, None),
    ("建议 第5号 重点 关于乡村振兴的建议 一般", S, "5", "关于乡村振兴的建议", None, None),  # disagree
    ("key suggestion #3 Mountain roads", S, "3", "Mountain roads", True, None),
    ("priority proposal 3 Mountain roads", P, "3", "Mountain roads", True, None),
    ("suggestion 12 Mountain roads (not key)", S, "12", "Mountain roads", False, None),
    ("suggestion 12 Mountain roads, regular", S, "12", "Mountain roads", False, None),
    ("suggestion 12 Mountain roads, non-key", S, "12", "Mountain roads", False, None),
    ("suggestion 12 Protecting the key", S, "12", "Protecting the key", None, None),
    ("suggestion 12 Making buses regular", S, "12", "Making buses regular", None, None),
    ("proposal: No 7 - Rural clinics - key", P, "7", "Rural clinics", True, None),
    ("proposal 7 High-priority roads", P, "7", "High-priority roads", None, None),
    # assignment dates
    ("提案 第8号 关于乡村振兴的提案，于2026年3月1日交办，一般", P, "8", "关于乡村振兴的提案", False, date(2026, 3, 1)),
    ("交办日期：2026-03-01 提案 第8号 《关于乡村振兴的提案》", P, "8", "关于乡村振兴的提案", None, date(2026, 3, 1)),
    ("提案 第3号 关于乡村振兴的提案（3月1日交办）", P, "3", "关于乡村振兴的提案", None, date(2026, 3, 1)),
    ("提案 第3号 关于乡村振兴的提案3月1日交办", P, "3", "关于乡村振兴的提案", None, date(2026, 3, 1)),
    ("提案 第3号 关于乡村振兴的提案 交办于12月1日", P, "3", "关于乡村振兴的提案", None, date(2025, 12, 1)),
    ("提案 第3号 关于乡村振兴的提案 昨天交办", P, "3", "关于乡村振兴的提案", None, date(2026, 11, 20)),
    ("建议 第3号 关于落实3月1日交办事项的建议", S, "3", "关于落实3月1日交办事项的建议", None, None),
    ("建议 第3号 关于3月1日以来乡村振兴的建议", S, "3", "关于3月1日以来乡村振兴的建议", None, None),
    ("proposal 45 Rural clinics on 1 March", P, "45", "Rural clinics", None, date(2026, 3, 1)),
    ("proposal 45 Rural clinics, assigned on Mar 1, key", P, "45", "Rural clinics", True, date(2026, 3, 1)),
    ("建议 5 关于乡村振兴的建议 2027年3月1日交办", S, "5", "关于乡村振兴的建议", None, date(2027, 3, 1)),
    ("proposal 7 Report on March 1 reforms", P, "7", "Report on March 1 reforms", None, None),
    ("proposal 7 Rural roads assigned March 1 key", P, "7", "Rural roads", True, date(2026, 3, 1)),
    ("Suggestion No. 5: Rural roads; Key; assigned 2026-03-01", S, "5", "Rural roads", True,
     date(2026, 3, 1)),
    ("建议：第12号；关于乡村振兴的建议；重点；交办时间：2026年3月1日", S, "12", "关于乡村振兴的建议", True, date(2026, 3, 1)),
    # nothing
    ("", None, None, None, None, None),
    ("   ", None, None, None, None, None),
]


@pytest.mark.parametrize(("text", "kind", "number", "title", "is_key", "assigned_on"), PARSED,
                         ids=[row[0] or "empty" for row in PARSED])
def test_one_message_is_read_into_a_draft(text: str, kind: MotionKind | None, number: str | None,
                                          title: str | None, is_key: bool | None,
                                          assigned_on: date | None) -> None:
    draft = parse_motion(text, now=NOW)
    assert (draft.kind, draft.number, draft.title, draft.is_key, draft.assigned_on) == (
        kind, number, title, is_key, assigned_on)


@pytest.mark.parametrize("text", [
    "建议 第5号 关于乡村振兴的提案",
    "提案 第5号 关于乡村振兴的建议",
    "重点建议 第5号 关于乡村振兴的建议 重点提案",
    "suggestion 5 关于乡村振兴的提案",
])
def test_a_kind_word_that_contradicts_leaves_kind_unknown_and_is_reported(text: str) -> None:
    draft = parse_motion(text, now=NOW)
    assert draft.kind is None and draft.kind_conflict
    assert motion_problems(draft, today=TODAY) == [MotionProblem.KIND_CONFLICT]
    assert missing_fields(draft)[0] == "kind"


def test_full_width_text_is_read_like_ascii() -> None:
    draft = parse_motion("提案　＃４５　关于加强基层医疗的提案，重点", now=NOW)
    assert (draft.kind, draft.number, draft.title, draft.is_key) == (P, "45", "关于加强基层医疗的提案", True)


def test_lang_narrows_nothing_but_must_be_known() -> None:
    assert parse_motion("提案 第3号 关于乡村振兴的提案 3月1日交办", now=NOW, lang="en").assigned_on == date(2026, 3, 1)
    with pytest.raises(ValueError):
        parse_motion("提案", now=NOW, lang="fr")


@pytest.mark.parametrize(("text", "number"), [
    ("第12号", "12"), ("12", "12"), ("No. 12", "12"), ("#12", "12"), ("十二", "12"), ("第一百零五号", "105"),
    ("０４５", "045"), ("12A", "12A"), ("", None), ("十二个", None), ("关于", None), ("12 34", None),
])
def test_a_number_typed_alone_is_read_as_written(text: str, number: str | None) -> None:
    assert parse_number(text) == number


@pytest.mark.parametrize(("text", "title"), [
    ("  《关于乡村振兴的建议》 ", "关于乡村振兴的建议"),
    ("“关于乡村振兴的建议”。", "关于乡村振兴的建议"),
    ("关于  乡村\n振兴", "关于 乡村 振兴"),
    ("关于条例(草案)的建议", "关于条例(草案)的建议"),
    ("(草案)关于条例", "(草案)关于条例"),
    (" ，。 ", None),
])
def test_a_title_loses_only_its_wrapping(text: str, title: str | None) -> None:
    assert clean_title(text) == title


@pytest.mark.parametrize(("title", "kind"), [
    ("关于乡村振兴的建议", S), ("《关于乡村振兴的提案》", P), ("关于乡村振兴的重点建议", None), ("Rural roads", None),
])
def test_a_formal_title_names_its_kind_by_its_ending(title: str, kind: MotionKind | None) -> None:
    assert title_kind(title) == kind


# --------------------------------------------------------------------------- checking a draft

GOOD = MotionDraft(kind=S, number="123", title="关于乡村振兴的建议", is_key=True, assigned_on=TODAY)


@pytest.mark.parametrize(("changes", "problems"), [
    ({}, []),
    ({"kind": P}, [MotionProblem.KIND_CONFLICT]),
    ({"kind": None, "kind_conflict": True}, [MotionProblem.KIND_CONFLICT]),
    ({"number": "0"}, [MotionProblem.NUMBER_INVALID]),
    ({"number": "000"}, [MotionProblem.NUMBER_INVALID]),
    ({"number": "1234567"}, [MotionProblem.NUMBER_INVALID]),
    ({"number": "12A"}, [MotionProblem.NUMBER_INVALID]),
    ({"number": "2026-045"}, [MotionProblem.NUMBER_INVALID]),
    ({"number": "123456"}, []),
    ({"number": "0045"}, []),
    ({"title": "关于乡村"}, []),
    ({"title": "关于乡"}, [MotionProblem.TITLE_TOO_SHORT]),
    ({"title": "关" * 200}, []),
    ({"title": "关" * 201}, [MotionProblem.TITLE_TOO_LONG]),
    ({"assigned_on": TODAY + timedelta(days=1)}, [MotionProblem.ASSIGNED_IN_FUTURE]),
    ({"kind": P, "number": "x", "title": "关于", "assigned_on": date(2027, 1, 1)},
     [MotionProblem.NUMBER_INVALID, MotionProblem.TITLE_TOO_SHORT, MotionProblem.ASSIGNED_IN_FUTURE]),
    ({"kind": P, "number": "x", "title": "关于的建议", "assigned_on": date(2027, 1, 1)},
     [MotionProblem.KIND_CONFLICT, MotionProblem.NUMBER_INVALID, MotionProblem.ASSIGNED_IN_FUTURE]),
])
def test_problems_are_found_only_in_fields_that_are_set(changes: dict[str, object],
                                                         problems: list[MotionProblem]) -> None:
    draft = dataclasses.replace(GOOD, **changes)  # type: ignore[arg-type]
    assert motion_problems(draft, today=TODAY) == problems


def test_an_empty_draft_has_no_problems_and_misses_everything_but_the_date() -> None:
    assert motion_problems(MotionDraft(), today=TODAY) == []
    assert missing_fields(MotionDraft()) == ["kind", "number", "title", "is_key"]
    assert missing_fields(GOOD) == []
    assert missing_fields(MotionDraft(number="1", is_key=False)) == ["kind", "title"]


def test_fields_with_problems_are_cleared_to_be_asked_again() -> None:
    draft = MotionDraft(kind=None, kind_conflict=True, number="1234567", title="关于", is_key=True,
                        assigned_on=date(2027, 1, 1))
    cleared = without_problems(draft, motion_problems(draft, today=TODAY))
    assert cleared == MotionDraft(is_key=True)
    assert without_problems(GOOD, []) == GOOD


# --------------------------------------------------------------------------- deadlines

@pytest.mark.parametrize(("assigned_on", "months", "due"), [
    (date(2026, 3, 1), 3, date(2026, 6, 1)),
    (date(2026, 11, 30), 3, date(2027, 2, 28)),
    (date(2027, 11, 30), 3, date(2028, 2, 29)),
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2026, 8, 31), 3, date(2026, 11, 30)),
    (date(2026, 10, 15), 3, date(2027, 1, 15)),
    (date(2026, 12, 31), 12, date(2027, 12, 31)),
])
def test_the_reply_is_due_the_same_day_months_later_clamped_to_the_months_end(
        assigned_on: date, months: int, due: date) -> None:
    assert reply_due(assigned_on, months=months) == due


def test_reply_due_defaults_to_three_months_and_refuses_nonsense() -> None:
    assert reply_due(date(2026, 3, 1)) == date(2026, 6, 1)
    with pytest.raises(ValueError):
        reply_due(date(2026, 3, 1), months=0)
    with pytest.raises(OverflowError):
        reply_due(date(9999, 11, 1))


@given(st.dates(max_value=date(9000, 1, 1)), st.integers(1, 24))
@PROPERTY
def test_reply_due_lands_in_the_right_month_on_the_same_or_last_day(assigned_on: date, months: int) -> None:
    due = reply_due(assigned_on, months=months)
    assert (due.year * 12 + due.month) - (assigned_on.year * 12 + assigned_on.month) == months
    assert due.day == assigned_on.day or (due.day < assigned_on.day and (due + timedelta(days=1)).day == 1)


# --------------------------------------------------------------------------- the closed loop

ASSIGNED = new_motion(date(2026, 3, 1))  # due 2026-06-01
HANDLING = start_handling(ASSIGNED, today=date(2026, 3, 2))
REPLIED = reply(HANDLING, replied_on=date(2026, 5, 20), result_class=ResultClass.A, today=date(2026, 5, 20))
CLOSED = record_satisfaction(REPLIED, satisfaction=Satisfaction.SATISFIED, today=date(2026, 5, 25))


def test_a_motion_walks_assigned_handling_replied_closed() -> None:
    assert ASSIGNED == MotionState(MotionStatus.ASSIGNED, date(2026, 6, 1), assigned_on=date(2026, 3, 1))
    assert HANDLING.status is MotionStatus.HANDLING
    assert (REPLIED.status, REPLIED.replied_on, REPLIED.result_class) == (
        MotionStatus.REPLIED, date(2026, 5, 20), ResultClass.A)
    assert (CLOSED.status, CLOSED.satisfaction) == (MotionStatus.CLOSED, Satisfaction.SATISFIED)


def test_a_motion_may_be_replied_straight_from_assigned() -> None:
    state = reply(ASSIGNED, replied_on=date(2026, 3, 10), result_class=ResultClass.C, today=date(2026, 3, 10))
    assert state.status is MotionStatus.REPLIED


def test_basic_satisfaction_closes_too() -> None:
    state = record_satisfaction(REPLIED, satisfaction=Satisfaction.BASICALLY, today=date(2026, 5, 25))
    assert (state.status, state.satisfaction) == (MotionStatus.CLOSED, Satisfaction.BASICALLY)


def test_an_unsatisfied_deputy_reopens_it_with_a_new_deadline() -> None:
    state = record_satisfaction(REPLIED, satisfaction=Satisfaction.UNSATISFIED, today=date(2026, 5, 31))
    assert state == MotionState(MotionStatus.HANDLING, d(6, 30), reopened=1, assigned_on=d(3, 1))
    again = reply(state, replied_on=date(2026, 6, 20), result_class=ResultClass.B, today=date(2026, 6, 20))
    again = record_satisfaction(again, satisfaction=Satisfaction.UNSATISFIED, today=date(2026, 6, 25),
                                reopen_months=2)
    assert (again.reply_due, again.reopened) == (date(2026, 8, 25), 2)


def test_extending_moves_the_deadline_later() -> None:
    assert extend_due(HANDLING, new_due=d(7, 1), today=d(5, 1)).reply_due == d(7, 1)
    assert extend_due(ASSIGNED, new_due=date(2026, 6, 1), today=date(2026, 5, 1)) == ASSIGNED


def d(month: int, day: int) -> date:
    return date(2026, month, day)


def test_a_corrected_assignment_date_moves_the_deadline_by_the_rule_while_it_is_the_rules() -> None:
    for state in (ASSIGNED, HANDLING):  # assigned 1 March, due 1 June
        assert due_follows_rule(state)
        assert corrected_due(state, assigned_on=d(3, 10)) == d(6, 10)
        assert corrected_due(state, assigned_on=d(2, 20)) == d(5, 20)  # earlier too: it is the rule's
    assert corrected_due(new_motion(d(3, 1), months=2), assigned_on=d(3, 10), months=2) == d(5, 10)


KEPT = [
    ("extended by an admin", extend_due(HANDLING, new_due=d(7, 1), today=d(5, 1))),
    ("replied", REPLIED),
    ("closed", CLOSED),
    ("reopened", record_satisfaction(REPLIED, satisfaction=Satisfaction.UNSATISFIED, today=d(5, 31))),
    ("due by another months setting", new_motion(d(3, 1), months=2)),
    ("assignment unknown", dataclasses.replace(ASSIGNED, assigned_on=None)),
]


@pytest.mark.parametrize("state", [k[1] for k in KEPT], ids=[k[0] for k in KEPT])
def test_a_deadline_someone_decided_is_kept_whichever_way_the_assignment_moves(state: MotionState) -> None:
    assert not due_follows_rule(state)
    for assigned_on in (d(1, 5), d(3, 10), d(8, 1)):
        assert corrected_due(state, assigned_on=assigned_on) == state.reply_due


A, R = ResultClass.A, TransitionReason
REFUSED = [
    ("start handling twice", start_handling, HANDLING, {"today": d(3, 3)}, R.ALREADY_HANDLING),
    ("start handling a replied one", start_handling, REPLIED, {"today": d(5, 21)}, R.ALREADY_REPLIED),
    ("start handling a closed one", start_handling, CLOSED, {"today": d(5, 26)}, R.ALREADY_CLOSED),
    ("start handling before assignment", start_handling, ASSIGNED, {"today": d(2, 28)},
     R.NOT_ASSIGNED_YET),
    ("reply twice", reply, REPLIED, {"replied_on": d(5, 21), "result_class": A, "today": d(5, 21)},
     R.ALREADY_REPLIED),
    ("reply to a closed one", reply, CLOSED, {"replied_on": d(5, 26), "result_class": A, "today": d(5, 26)},
     R.ALREADY_CLOSED),
    ("reply tomorrow", reply, HANDLING, {"replied_on": d(4, 2), "result_class": A, "today": d(4, 1)},
     R.REPLY_IN_FUTURE),
    ("reply before assignment", reply, HANDLING,
     {"replied_on": d(2, 28), "result_class": A, "today": d(4, 1)},
     R.REPLY_BEFORE_ASSIGNMENT),
    ("feedback before a reply", record_satisfaction, HANDLING,
     {"satisfaction": Satisfaction.SATISFIED, "today": d(4, 1)}, R.NOT_REPLIED_YET),
    ("unsatisfied before a reply", record_satisfaction, ASSIGNED,
     {"satisfaction": Satisfaction.UNSATISFIED, "today": d(4, 1)}, R.NOT_REPLIED_YET),
    ("feedback twice", record_satisfaction, CLOSED,
     {"satisfaction": Satisfaction.UNSATISFIED, "today": d(6, 1)}, R.ALREADY_CLOSED),
    ("shorten", extend_due, HANDLING, {"new_due": d(5, 31), "today": d(4, 1)}, R.SHORTENS_DEADLINE),
    ("extend to a past day", extend_due, HANDLING, {"new_due": d(6, 10), "today": d(6, 11)},
     R.DEADLINE_IN_PAST),
    ("extend a replied one", extend_due, REPLIED, {"new_due": d(7, 1), "today": d(5, 21)},
     R.ALREADY_REPLIED),
    ("extend a closed one", extend_due, CLOSED, {"new_due": d(7, 1), "today": d(5, 26)},
     R.ALREADY_CLOSED),
]


@pytest.mark.parametrize(("step", "state", "kwargs", "reason"), [r[1:] for r in REFUSED],
                         ids=[r[0] for r in REFUSED])
def test_an_illegal_step_is_refused_with_a_reason(
        step: Callable[..., MotionState], state: MotionState, kwargs: dict[str, object],
        reason: TransitionReason) -> None:
    with pytest.raises(InvalidTransition) as refused:
        step(state, **kwargs)
    assert refused.value.reason is reason
    assert isinstance(refused.value, ValueError)


def test_a_reply_without_a_known_assignment_date_is_only_checked_against_today() -> None:
    state = MotionState(MotionStatus.HANDLING, date(2026, 6, 1))
    assert reply(state, replied_on=date(2020, 1, 1), result_class=ResultClass.A, today=TODAY).status \
        is MotionStatus.REPLIED


@pytest.mark.parametrize("fields", [
    {"status": MotionStatus.REPLIED},
    {"status": MotionStatus.HANDLING, "replied_on": date(2026, 5, 1), "result_class": ResultClass.A},
    {"status": MotionStatus.CLOSED, "replied_on": date(2026, 5, 1), "result_class": ResultClass.A},
    {"status": MotionStatus.CLOSED, "replied_on": date(2026, 5, 1), "result_class": ResultClass.A,
     "satisfaction": Satisfaction.UNSATISFIED},
    {"status": MotionStatus.REPLIED, "replied_on": date(2026, 5, 1), "result_class": ResultClass.A,
     "satisfaction": Satisfaction.SATISFIED},
    {"status": MotionStatus.ASSIGNED, "reopened": -1},
])
def test_an_inconsistent_state_cannot_be_built(fields: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        MotionState(reply_due=date(2026, 6, 1), **fields)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- on time and overdue

def _replied(on: date, due: date = date(2026, 6, 1)) -> MotionState:
    return MotionState(MotionStatus.REPLIED, due, replied_on=on, result_class=ResultClass.A)


def _open(due: date) -> MotionState:
    return MotionState(MotionStatus.HANDLING, due)


@pytest.mark.parametrize(("state", "on_time"), [
    (_replied(date(2026, 5, 31)), True),
    (_replied(date(2026, 6, 1)), True),
    (_replied(date(2026, 6, 2)), False),
    (CLOSED, True),
    (HANDLING, None),
    (ASSIGNED, None),
])
def test_on_time_means_replied_by_the_due_date(state: MotionState, on_time: bool | None) -> None:
    assert is_on_time(state) is on_time


@pytest.mark.parametrize(("state", "today", "overdue"), [
    (_open(date(2026, 6, 1)), date(2026, 6, 1), False),
    (_open(date(2026, 6, 1)), date(2026, 6, 2), True),
    (ASSIGNED, date(2026, 6, 2), True),
    (_replied(date(2026, 6, 5)), date(2026, 6, 10), False),
    (_replied(date(2026, 6, 5)), date(2026, 6, 3), True),  # as of 3 June it was not replied yet
    (CLOSED, date(2027, 1, 1), False),
])
def test_overdue_means_not_replied_and_past_the_due_day(state: MotionState, today: date,
                                                        overdue: bool) -> None:
    assert is_overdue(state, today=today) is overdue


@pytest.mark.parametrize(("states", "today", "rate"), [
    ([], TODAY, None),
    ([_open(date(2026, 12, 1)), _open(TODAY)], TODAY, None),  # nothing due before today
    ([_replied(date(2026, 5, 1))], TODAY, Decimal("1")),
    ([_replied(date(2026, 5, 1)), _replied(date(2026, 6, 2))], TODAY, Decimal("0.5")),
    ([_replied(d(5, 1)), _open(d(11, 20)), _open(d(12, 1))], TODAY, Decimal("0.5")),
    ([_replied(d(5, 1)), _replied(d(5, 2)), _open(d(1, 1))], TODAY, Decimal("0.6667")),
    ([_replied(date(2026, 5, 20)), _replied(date(2026, 6, 20))], date(2026, 5, 31), Decimal("1")),
    ([_replied(date(2026, 6, 20))], date(2026, 6, 10), Decimal("0")),
    ([CLOSED, HANDLING], date(2026, 5, 31), Decimal("1")),
])
def test_the_on_time_rate_judges_what_was_replied_or_is_overdue(
        states: list[MotionState], today: date, rate: Decimal | None) -> None:
    assert on_time_rate(states, today=today) == rate


def test_the_on_time_rate_takes_any_iterable() -> None:
    assert on_time_rate((s for s in [CLOSED]), today=TODAY) == Decimal("1")


# --------------------------------------------------------------------------- properties

OPS = st.lists(st.tuples(
    st.sampled_from(["start", "reply", "late_reply", "satisfied", "basically", "unsatisfied", "extend",
                     "shorten"]),
    st.integers(0, 60)), max_size=25)


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)), OPS)
@PROPERTY
def test_any_sequence_of_steps_keeps_the_loop_consistent(assigned_on: date,
                                                         ops: list[tuple[str, int]]) -> None:
    state, today, unsatisfied = new_motion(assigned_on), assigned_on, 0
    for op, days in ops:
        today += timedelta(days=days)
        before = state
        try:
            if op == "start":
                state = start_handling(state, today=today)
            elif op in ("reply", "late_reply"):
                on = today if op == "reply" else max(assigned_on, today - timedelta(days=days))
                state = reply(state, replied_on=on, result_class=ResultClass.B, today=today)
            elif op == "extend":
                later = max(state.reply_due, today) + timedelta(days=days)
                state = extend_due(state, new_due=later, today=today)
            elif op == "shorten":
                state = extend_due(state, new_due=state.reply_due - timedelta(days=days + 1), today=today)
            else:
                state = record_satisfaction(state, satisfaction=Satisfaction(op), today=today)
                unsatisfied += op == "unsatisfied"
        except InvalidTransition as refused:
            assert state == before
            assert refused.reason in TransitionReason
            continue
        assert op != "shorten"
        assert before.status is not MotionStatus.CLOSED
        replied = state.status in (MotionStatus.REPLIED, MotionStatus.CLOSED)
        assert replied == (is_on_time(state) is not None)
        assert state.reopened == unsatisfied
        if op != "unsatisfied":
            assert state.reply_due >= before.reply_due
        assert not (is_overdue(state, today=today) and state.status is MotionStatus.CLOSED)


STATES = st.builds(
    lambda due, replied, late: (
        MotionState(MotionStatus.HANDLING, due) if not replied
        else _replied(due + timedelta(days=late), due)),
    st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)), st.booleans(), st.integers(-60, 60))


@given(st.lists(STATES, max_size=20), st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 6, 30)))
@PROPERTY
def test_the_on_time_rate_is_a_share_or_none(states: list[MotionState], today: date) -> None:
    rate = on_time_rate(states, today=today)
    judged = [s for s in states
              if (s.replied_on is not None and s.replied_on <= today) or is_overdue(s, today=today)]
    assert (rate is None) == (not judged)
    if rate is not None:
        assert Decimal(0) <= rate <= Decimal(1)
        assert (rate == 1) == all(is_on_time(s) for s in judged)


TITLE_CHARS = "加快山区公路基层医疗服务乡村振兴推进农业发展保护生态环境完善制度城市更新教育养老"
KIND_WORDS = {S: ["建议", "人大建议", "代表建议", "suggestion", "NPC"], P: ["提案", "政协提案", "委员提案", "proposal", "CPPCC"]}
NUMBER_FORMS = ["第{}号", "{}号", "No. {}", "#{}", "{}"]
KEY_FORMS = {True: [" 重点", "（重点）", ", key", " (priority)"], False: [" 一般", "（非重点）", ", not key", ", regular"]}


@st.composite
def messages(draw: st.DrawFn) -> tuple[str, MotionDraft]:
    kind = draw(st.sampled_from([S, P]))
    number = str(draw(st.integers(1, 999_999)))
    body = draw(st.text(TITLE_CHARS, min_size=2, max_size=30))
    title = "关于" + body + ("的建议" if kind is S else "的提案") if draw(st.booleans()) else "关于" + body
    is_key = draw(st.sampled_from([None, True, False]))
    assigned = draw(st.none() | st.dates(min_value=date(2025, 11, 22), max_value=TODAY))
    number_form = draw(st.sampled_from(NUMBER_FORMS))
    parts = [draw(st.sampled_from(KIND_WORDS[kind])), number_form.format(number), title]
    text = " ".join(parts) + (draw(st.sampled_from(KEY_FORMS[is_key])) if is_key is not None else "")
    if assigned is not None:
        text += f" {assigned.year}年{assigned.month}月{assigned.day}日交办"
    return text, MotionDraft(kind=kind, number=number, title=title, is_key=is_key, assigned_on=assigned)


@given(messages())
@PROPERTY
def test_a_message_built_from_known_parts_reads_back_to_them(message: tuple[str, MotionDraft]) -> None:
    text, draft = message
    assert parse_motion(text, now=NOW) == draft


@given(st.text(max_size=80))
@PROPERTY
def test_any_text_gives_a_draft_whose_title_comes_from_the_text(text: str) -> None:
    draft = parse_motion(text, now=NOW)
    if draft.title is not None:
        assert draft.title == draft.title.strip() and draft.title
        assert all(normalize(word) in normalize(text) for word in draft.title.split())  # as typed (issue 14)
    if draft.number is not None:
        assert draft.number.isalnum() or "-" in draft.number


def test_a_long_pasted_text_keeps_its_dates_in_the_title_and_finds_the_cued_one() -> None:
    body = "关于3月1日乡村振兴11月5日" * 150 + "的建议"
    draft = parse_motion(f"建议 第5号 {body} 昨天交办", now=NOW)
    assert (draft.title, draft.assigned_on) == (body, date(2026, 11, 20))
    assert motion_problems(draft, today=TODAY) == [MotionProblem.TITLE_TOO_LONG]


@pytest.mark.parametrize(("today", "replied", "feedback", "expected"), [
    (date(2026, 10, 1), False, None, Light.NONE),  # a month to go: in hand
    (date(2026, 10, 29), False, None, Light.BLUE),  # due within 3 days
    (date(2026, 11, 1), False, None, Light.BLUE),  # the due day itself is not overdue
    (date(2026, 11, 2), False, None, Light.RED),  # not replied past its deadline
    (date(2026, 11, 20), True, None, Light.GREEN),  # replied (on 10-20): its deadline met
    (date(2026, 11, 20), True, Satisfaction.SATISFIED, Light.GREEN),  # closed
    (date(2026, 11, 20), True, Satisfaction.UNSATISFIED, Light.NONE),  # reopened, due again in months
])
def test_a_motions_light_on_the_offices_board(today: date, replied: bool, feedback: Satisfaction | None,
                                              expected: Light) -> None:
    state = new_motion(date(2026, 8, 1))
    if replied:
        state = reply(state, replied_on=date(2026, 10, 20), result_class=ResultClass.B, today=date(2026, 10, 20))
    if feedback is not None:
        state = record_satisfaction(state, satisfaction=feedback, today=date(2026, 10, 25))
    assert light(state, today=today) is expected
