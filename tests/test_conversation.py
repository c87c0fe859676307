"""The conversation state: each waiting flow's typed state over user_data, written through on every change,
and drafts persisted by an earlier release (the same keys and shapes) read as they are."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

import handlers  # noqa: F401  (registers every flow)
from handlers.admin_steps import FLOW as DESK
from handlers.admin_steps import DeskStep
from handlers.broadcast import FLOW as BROADCAST
from handlers.broadcast import Draft, DraftStep
from handlers.conversation import Conversation
from handlers.forms import FLOW as FORM
from handlers.forms import FormState, FormStep
from handlers.onboarding import FLOW as JOIN
from handlers.onboarding import Joining
from handlers.proposals import FLOW as MOTION
from handlers.proposals import MotionStep, Step


def test_a_state_is_written_through_to_user_data_on_every_change() -> None:
    user_data: dict[str, Any] = {}
    draft = Conversation(user_data).begin(BROADCAST, Draft(step=DraftStep.TEXT, team_id=3, nonce="0f3a9c"))
    draft.text = "请于周五前报送"
    draft.step = DraftStep.PREVIEW
    assert user_data["broadcast"]["step"] == "preview"  # a plain string, as the database stores it
    assert user_data["broadcast"]["text"] == "请于周五前报送"
    assert Conversation(user_data).get(BROADCAST) == draft


@pytest.mark.parametrize(("stored", "flow", "expected"), [
    ({"admin_step": {"step": "leave_dates", "team_id": 3, "member_id": 7, "kind": "sick"}}, DESK,
     DeskStep(step="leave_dates", team_id=3, facts={"member_id": 7, "kind": "sick"})),
    ({"motion_step": {"step": "result_class", "motion_id": 5, "nonce": "abcdef", "team_id": 1,
                      "replied_on": date(2026, 11, 18)}}, MOTION,
     MotionStep(step=Step.RESULT_CLASS, team_id=1, motion_id=5, nonce="abcdef", replied_on=date(2026, 11, 18))),
    ({"broadcast": {"team_id": 3, "nonce": "0f3a9c", "step": "when", "text": "通知", "draft_id": "d" * 32,
                    "file_id": None, "file_kind": None, "audience": {"kind": "all"}, "picked": [], "when": None,
                    "send_at": None, "recurrence": None, "editing": False, "from_a_later_release": 1}}, BROADCAST,
     Draft(step=DraftStep.WHEN, team_id=3, nonce="0f3a9c", draft_id="d" * 32, text="通知",
           audience={"kind": "all"})),
    ({"form": {"kind": "study", "draft": {"topic": "条例"}, "asking": None, "editing": False, "nonce": "a1b2c3",
               "draft_id": "d" * 32, "team_id": 3, "step": "choosing_field"}}, FORM,
     FormState(step=FormStep.CHOOSING_FIELD, team_id=3, kind="study", draft={"topic": "条例"}, nonce="a1b2c3",
               draft_id="d" * 32)),
    ({"join": {"step": "awaiting_code"}}, JOIN, Joining()),
])
def test_steps_persisted_by_an_earlier_release_load_as_they_are(stored: dict[str, Any], flow: Any,
                                                                expected: Any) -> None:
    assert Conversation(stored).get(flow) == expected
    waiting = Conversation(stored).waiting()
    assert waiting is not None and waiting[0] is flow


def test_at_most_one_flow_waits_beginning_one_ends_the_others() -> None:
    user_data: dict[str, Any] = {"lang": "en"}
    conversation = Conversation(user_data)
    conversation.begin(DESK, DeskStep(step="target_value", team_id=3, facts={"duty": "study"}))
    conversation.begin(MOTION, MotionStep(step=Step.NEW_DUE, team_id=3, motion_id=9, nonce="abcdef"))
    assert conversation.get(DESK) is None
    assert user_data["motion_step"]["step"] == "new_due"
    conversation.end()
    assert user_data == {"lang": "en"} and conversation.waiting() is None


def test_a_desk_steps_facts_read_like_a_mapping_and_stay_flat_in_user_data() -> None:
    user_data: dict[str, Any] = {}
    Conversation(user_data).begin(DESK, DeskStep(step="office_day", team_id=3, facts={"member_id": 7, "which": "from"}))
    assert user_data == {"admin_step": {"step": "office_day", "team_id": 3, "member_id": 7, "which": "from"}}
    step = Conversation(user_data).get(DESK)
    assert step is not None and step["member_id"] == 7 and step.get("which") == "from" and step.get("kind") is None


def test_a_scheduled_time_keeps_its_zone_through_user_data() -> None:
    user_data: dict[str, Any] = {}
    draft = Conversation(user_data).begin(BROADCAST, Draft(step=DraftStep.WHEN, team_id=1))
    at = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
    draft.send_at, draft.when = at, "at"
    loaded = Conversation(user_data).get(BROADCAST)
    assert loaded is not None and loaded.send_at == at and loaded.when == "at"


def test_without_a_user_nothing_waits() -> None:
    assert Conversation(None).waiting() is None
    Conversation(None).end()
