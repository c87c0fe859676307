"""lookbacks: 回头看 of closed items (core/lookback.py), and task_assignments.due_at, the deadline of its own an
assignment gets when 回头看 reopens it.

Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

from storage.migrations.tables import create_table, drop_table, enum, moment

revision: str = '0013_lookback'
down_revision: str | None = '0010_month_totals'

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
    with op.batch_alter_table('task_assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('task_assignments', schema=None) as batch_op:
        batch_op.drop_column('due_at')
    drop_table('lookbacks', _INDEXES)
