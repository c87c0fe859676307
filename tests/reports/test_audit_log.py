"""The change log reads in the reader's language: every action and kind of record the code audits has a label,
and a suggestion closed by the deputy's satisfaction is not the office's 销账."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from core.domain import FollowUpStatus
from core.tasks import Move
from locales import translator
from reports.audit_log import ACTIONS, BY_ENTITY, ENTITIES, describe
from storage.models import AuditEntry

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [path for folder in ("storage", "handlers", "jobs") for path in (ROOT / folder).rglob("*.py")]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _audited() -> tuple[set[str], set[str]]:
    """The actions and record kinds the code writes to the audit log: literal ones, the motion steps the
    proposal handler names, the follow-up steps and the task moves."""
    actions: set[str] = set()
    entities: set[str] = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        actions.update(re.findall(r'\baction="([a-z_]+)"', text))
        actions.update(re.findall(r'\baction="[a-z_]+" if .*? else "([a-z_]+)"', text))
        entities.update(re.findall(r'\bentity="([a-z_]+)"', text))
        if path.name == "proposals.py":
            actions.update(re.findall(r'p\.apply\(.*, "([a-z_]+)"\)$', text, re.MULTILINE))
            actions.update(re.findall(r'"(reopen|close)" if', text) + re.findall(r'else "([a-z_]+)"\)', text))
    actions.update(f"follow_up_{status.value}" for status in FollowUpStatus)
    actions.update(move.value for move in Move)
    return actions, entities


def test_every_action_and_record_the_code_audits_has_a_label() -> None:
    actions, entities = _audited()
    assert {"start_handling", "reply", "reopen", "close", "unattend", "create"} <= actions  # the scan finds them
    assert actions - ACTIONS.keys() == set()
    assert entities - ENTITIES.keys() == set()


def _entry(action: str, entity: str) -> AuditEntry:
    return AuditEntry(team_id=1, actor_member_id=1, action=action, entity=entity, entity_id=2, before=None,
                      after=None, at=datetime(2026, 11, 21, 2, 30, tzinfo=UTC))


@pytest.mark.parametrize("action", sorted(_audited()[0]))
def test_no_code_word_reaches_a_chinese_reader(action: str) -> None:
    line = describe(translator("zh"), _entry(action, "motion"), {1: "李主任"}, ZoneInfo("Asia/Shanghai"))
    verb = line.split(" · ")[2]
    assert CJK.search(verb) and not re.search(r"[a-z]", verb), line


def test_a_suggestion_closed_by_its_deputy_is_not_a_closure_by_the_office() -> None:
    zone = ZoneInfo("Asia/Shanghai")
    closed = describe(translator("zh"), _entry("close", "motion"), {1: "张三"}, zone)
    assert closed == "11月21日 10:30 · 张三 · 登记代表委员评价，办结 · 建议提案 #2"
    assert "销账" in describe(translator("zh"), _entry("close", "task_assignment"), {1: "李主任"}, zone)
    assert describe(translator("en"), _entry("broadcast_sent", "broadcast"), {}, zone) == (
        "21 Nov 10:30 · the system · changed · broadcast #2")  # an action without a label reads as "changed"
    assert ("motion", "close") in BY_ENTITY
