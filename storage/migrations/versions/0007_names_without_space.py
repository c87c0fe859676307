"""Chinese names without a space: names stored as Telegram's first and last name joined by a space
("张 明") become "张明"; a space beside anything that is not a Han character stays ("John Smith", "张 Ming")

Create Date: 2026-12-04
"""

import re

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'

# Han characters (as core.text.is_cjk, copied: a migration must not change when the code does).
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f·・"
_SPACE_BETWEEN_HAN = re.compile(f"(?<=[{_HAN}]) +(?=[{_HAN}])")


def upgrade() -> None:
    members = sa.table('members', sa.column('id', sa.Integer()), sa.column('display_name', sa.String(128)))
    connection = op.get_bind()
    for member_id, name in connection.execute(sa.select(members.c.id, members.c.display_name)).all():
        joined = _SPACE_BETWEEN_HAN.sub("", name)
        if joined != name:
            connection.execute(members.update().where(members.c.id == member_id).values(display_name=joined))


def downgrade() -> None:
    pass  # where a space stood cannot be told any more; names without it are right in any version
