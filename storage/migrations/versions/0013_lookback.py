"""lookbacks: 回头看 of closed items (core/lookback.py). A task assignment that 回头看 reopens gets a deadline of
its own in task_assignments.due_at, the column 0011_task_stages added for extensions.

Create Date: 2026-12-05
"""

import sqlalchemy as sa

from storage.migrations.tables import create_table, drop_table, enum, moment

revision: str = '0013_lookback'
down_revision: str | None = '0012_topic_stages'

_INDEXES = ['due_at', 'owner_member_id', ('ix_lookbacks_team_next', ['team_id', 'next_at'])]


def upgrade() -> None:
    create_table('lookbacks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('item_kind', sa.String(length=16), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('owner_member_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    moment('closed_at', nullable=False),
    moment('due_at', nullable=True),
    moment('next_at', nullable=True),
    moment('asked_at', nullable=True),
    moment('reminded_at', nullable=True),
    moment('escalated_at', nullable=True),
    moment('answered_at', nullable=True),
    sa.Column('result', enum('result', 'held', 'partly', 'not_held'), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('answered_by_member_id', sa.Integer(), nullable=True),
    sa.Column('dropped', sa.Boolean(), server_default='0', nullable=False),
    references={'team_id': 'teams', 'owner_member_id': 'members', 'answered_by_member_id': 'members'},
    unique=('item_kind', 'item_id', 'round'), indexes=_INDEXES)


def downgrade() -> None:
    drop_table('lookbacks', _INDEXES)
