"""Who may do what (issue 11): removal sticks until the office restores the member; a draft belongs to the
team it was started in; every press re-checks the record and the presser."""

from __future__ import annotations

from sqlalchemy import select

from core.domain import MemberStatus, Role
from storage.models import AuditEntry, Member
from tests.e2e.conftest import ADMIN_ID, Saima


def _member(saima: Saima, telegram_id: int) -> Member:
    with saima.db.session() as session:
        member = session.scalar(select(Member).where(Member.team_id == saima.team_id,
                                                     Member.telegram_user_id == telegram_id))
        assert member is not None
        session.expunge(member)
        return member


def _audit(saima: Saima, action: str) -> list[AuditEntry]:
    with saima.db.session() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


async def _remove(admin, saima: Saima, name: str, remove: str, confirm: str, members_label: str):  # type: ignore[no-untyped-def]
    card = await admin.press(await admin.send("/members"), name)
    return await admin.press(await admin.press(card, remove), confirm)


async def test_a_removed_member_who_opens_the_team_invite_link_stays_removed_until_the_office_restores_them(
        saima: Saima) -> None:
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    zhang = saima.control.user(1001, "张三")
    await zhang.send(f"/start {saima.invite_code}")
    await _remove(admin, saima, "张三", "移出班子", "移除", "")
    refused = await zhang.send(f"/start {saima.invite_code}")
    assert refused.text == "您已被移出「省政府党组」，此邀请不能让您重新加入。如需恢复，请联系办公室。"
    assert _member(saima, 1001).status is MemberStatus.REMOVED
    assert (await zhang.send("/me")).text.startswith("此功能仅限班子成员使用。")
    assert (await zhang.send(f"/join {saima.invite_code}")).text == refused.text
    listing = await admin.send("/members")
    assert listing.labels[-1] == "已移出的成员（1）"
    removed = await admin.press(listing, "已移出的成员（1）")
    assert removed.text.splitlines() == ["省政府党组：已移出 1 人（第 1/1 页）", "1. 张三 · 移出日期 2026-11-21"]
    card = await admin.press(removed, "张三")
    assert card.text.startswith("张三已于 2026-11-21 移出班子。") and card.labels == ["恢复为班子成员", "‹ 返回"]
    restored = await admin.press(card, "恢复为班子成员", expect=1)
    assert restored.text.startswith("张三已恢复为班子成员。\n✅ 张三 · 成员")
    told = await zhang.bot_messages()
    assert told[-1].text == "办公室已将您恢复为「省政府党组」的成员。发送 /help 查看可用功能。"
    member = _member(saima, 1001)
    assert (member.status, member.role, member.removed_at) == (MemberStatus.ACTIVE, Role.MEMBER, None)
    assert [entry.entity_id for entry in _audit(saima, "restore")] == [member.id]
    assert not (await zhang.send("/me")).text.startswith("此功能仅限班子成员使用。")
    # pressing restore again (an old card) changes nothing
    await admin.press_data(card, f"mb:rs:{member.id}")
    assert (await admin.callback_answer()).text == "这个按钮已失效。"
    assert len(_audit(saima, "restore")) == 1


async def test_in_english_a_removed_member_is_told_to_ask_the_office_and_the_office_can_restore(
        saima: Saima) -> None:
    admin = saima.control.user(ADMIN_ID, "Director Li", language_code="en")
    await admin.send("/start")
    await admin.send("/lang en")
    tom = saima.control.user(1001, "Tom", language_code="en")
    await tom.send(f"/start {saima.invite_code}")
    await tom.send("/lang en")
    await _remove(admin, saima, "Tom", "Remove from the team", "Remove", "")
    refused = await tom.send(f"/start {saima.invite_code}")
    assert refused.text == ("You were removed from 省政府党组, so this invite does not bring you back. "
                            "Please ask your team's office to restore you.")
    assert _member(saima, 1001).status is MemberStatus.REMOVED
    card = await admin.press(await admin.press(await admin.send("/members"), "Removed members (1)"), "Tom")
    restored = await admin.press(card, "Restore to the team", expect=1)
    assert restored.text.startswith("Tom is back in the team.")
    assert (await tom.bot_messages())[-1].text == (
        "The office has restored you to 省政府党组. Send /help to see what you can do.")
    assert _member(saima, 1001).status is MemberStatus.ACTIVE
