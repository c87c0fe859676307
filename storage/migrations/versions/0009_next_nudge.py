"""next_nudge_at on every item with a deadline (motions, follow_up_items, task_assignments) and next_check_at on
teams: the instant the scheduling tick next looks at the row, indexed, so a tick reads only what is due
(storage/next_nudge.py). Open items and every team are filled with a moment long past: the first tick after the
upgrade looks at each once and sets its real instant (earlier than necessary only costs work; closed items NULL).

Create Date: 2026-12-05
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = '0009_next_nudge'
down_revision: str | None = '0008'

#: Long past: "look at it on the next tick" (the same instant as storage.next_nudge.RECHECK).
_RECHECK = datetime(2000, 1, 1, tzinfo=UTC)

_ITEMS = ('motions', 'follow_up_items', 'task_assignments')


def upgrade() -> None:
    for table in _ITEMS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('next_nudge_at', sa.DateTime(timezone=True), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_next_nudge_at'), ['next_nudge_at'], unique=False)
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_check_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_teams_next_check_at'), ['next_check_at'], unique=False)
    sqlite = op.get_bind().dialect.name == 'sqlite'  # naive UTC there, as the models' UTCDateTime stores it
    at = sa.bindparam('at', _RECHECK.replace(tzinfo=None) if sqlite else _RECHECK, type_=sa.DateTime(timezone=True))
    # Open as storage.deadlines.open_items reads them (a migration imports nothing of the bot).
    op.execute(sa.text("UPDATE motions SET next_nudge_at = :at WHERE deleted_at IS NULL "
                       "AND status IN ('assigned', 'handling')").bindparams(at))
    op.execute(sa.text("UPDATE follow_up_items SET next_nudge_at = :at WHERE deleted_at IS NULL "
                       "AND feedback_due IS NOT NULL AND status IN ('raised', 'assigned', 'handled')").bindparams(at))
    op.execute(sa.text("UPDATE task_assignments SET next_nudge_at = :at WHERE status = 'assigned' AND task_id IN "
                       "(SELECT id FROM tasks WHERE cancelled_at IS NULL)").bindparams(at))
    op.execute(sa.text("UPDATE teams SET next_check_at = :at").bindparams(at))


def downgrade() -> None:
    # Not in batch mode: on SQLite that would copy each table and drop the old one, which its foreign keys
    # refuse while rows refer to it; ALTER TABLE … DROP COLUMN (SQLite 3.35+) does it in place.
    op.drop_index(op.f('ix_teams_next_check_at'), table_name='teams')
    op.drop_column('teams', 'next_check_at')
    for table in reversed(_ITEMS):
        op.drop_index(op.f(f'ix_{table}_next_nudge_at'), table_name=table)
        op.drop_column(table, 'next_nudge_at')
