"""The 年度清单 end to end: on the first working day of the year a member reads their list, and the office
confirms the year's targets from its own with one press (audited once, whoever presses again is told who did)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from storage.models import AuditEntry
from tests.conftest import SHANGHAI
from tests.e2e.conftest import Saima
from tests.e2e.helpers import member, owner


async def _ticks(saima: Saima) -> None:
    application = saima.running.application
    await application.scheduler.tick()  # type: ignore[attr-defined]
    await application.delivery.tick()  # type: ignore[attr-defined]


async def test_the_office_confirms_the_year_s_targets_from_its_list(saima: Saima) -> None:
    zhang = await member(saima)
    admin = await owner(saima)
    saima.clock.set(datetime(2027, 1, 4, 9, 30, tzinfo=SHANGHAI))
    await _ticks(saima)
    own = await zhang.receive()
    assert own.text.startswith("📋 2027 年度清单 · 张三\n\n本年度目标：\n• 下基层调研：60 天（一季度末应达 15）")
    (office,) = [m for m in await admin.bot_messages() if "年度清单" in (m.text or "")]  # beside the weekly summary
    assert office.text.startswith("📋 2027 年度清单 · 省政府党组")
    assert office.labels == ["✅ 确认目标", "调整目标"]
    confirmed = await admin.press(office, "✅ 确认目标")
    assert confirmed.text.endswith("\n\n✅ 李主任已确认 2027 年度目标。")
    assert confirmed.labels == ["调整目标"]
    await admin.press_data(office.message_id, "tg:c:2027")  # pressed again (a stale copy, or redelivered)
    assert (await admin.callback_answer()).text == "✅ 李主任已确认 2027 年度目标。"
    with saima.db.session() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "confirm_targets")).all()
        assert [(e.entity, e.after) for e in entries] == [("team", {"year": 2027})]
    overview = await admin.press(confirmed, "调整目标")
    assert overview.text.startswith("2027 年度目标：")
    await _ticks(saima)
    assert len([m for m in await zhang.bot_messages() if "年度清单" in (m.text or "")]) == 1


async def test_a_key_topic_target_of_0_asks_no_one_for_a_topic_in_the_years_list(saima: Saima) -> None:
    """The office sets 2027's key research topic target to 0 for the team (as it may for motions): the 年度清单
    told each member to register a topic all the same, and told the office who had none, as if one were owed."""
    zhang = await member(saima)
    admin = await owner(saima)
    overview = await admin.send("/targets 2027")
    prompt = await admin.press(await admin.press(overview, "重点调研课题"), "全体成员")
    assert "2027" in prompt.text
    saved = await admin.send("0")
    assert saved.text.splitlines()[0] == "已保存：重点调研课题目标现为 0。"
    saima.clock.set(datetime(2027, 1, 4, 9, 30, tzinfo=SHANGHAI))
    await _ticks(saima)
    own = await zhang.receive()
    assert "• 重点调研课题：0 项" in own.text
    assert "尚未登记 2027 年度重点调研课题" not in own.text
    (office,) = [m for m in await admin.bot_messages() if "年度清单" in (m.text or "")]
    assert "尚未登记重点调研课题" not in office.text
