"""Names from Telegram's first and last names (core.text.join_name)."""

from __future__ import annotations

import pytest

from core.text import join_name


@pytest.mark.parametrize(("first", "last", "name"), [
    ("张", "明", "张明"),
    ("张", "小明", "张小明"),
    ("欧阳", "娜娜", "欧阳娜娜"),
    (" 张 ", " 明 ", "张明"),
    ("John", "Smith", "John Smith"),
    ("张", "Ming", "张 Ming"),
    ("Zhang", "明", "Zhang 明"),
    ("张明", None, "张明"),
    ("张明", "", "张明"),
    ("", "Smith", "Smith"),
    (None, None, ""),
    ("Mary Ann", "O'Neil", "Mary Ann O'Neil"),
    ("阿依古丽·", "买买提", "阿依古丽·买买提"),
    ("李", "𠀀", "李𠀀"),  # an extension-B character is Han too
])
def test_chinese_parts_join_without_a_space_and_others_with_one(first: str | None, last: str | None,
                                                                name: str) -> None:
    assert join_name(first, last) == name
