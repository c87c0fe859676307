"""Names as people write them (issue 10): Telegram's first and last names 张 / 明 make 张明 on /members
and on the board, in Chinese and English; John / Smith stays "John Smith"."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import ADMIN_ID, Saima


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_a_chinese_name_joins_without_a_space_and_an_english_one_keeps_it(saima: Saima,
                                                                               lang: str) -> None:
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    if lang == "en":
        await admin.send("/lang en")
    zhang = saima.control.user(1001, "张", last_name="明")
    await zhang.send(f"/start {saima.invite_code}")
    john = saima.control.user(1010, "John", last_name="Smith")
    await john.send(f"/start {saima.invite_code}")
    if lang == "en":
        await zhang.send("/lang en")
    roster = (await admin.send("/members")).text
    assert "张明" in roster and "张 明" not in roster and "John Smith" in roster
    board = (await zhang.send("/rank", expect=2))[0].text
    assert "张明" in board and "张 明" not in board
