"""team_duties and team_duty_entries: duties a team adds beyond the six built in (接访下访 days, 基层联系点
visits, 第一议题 study), each with a unit, a yearly target and a weight in the race, and what members log on them
(core/team_duties.py).

Create Date: 2026-12-06
"""

import sqlalchemy as sa

from storage.migrations.tables import create_table, drop_table, moment

revision: str = '0015_team_duties'
down_revision: str | None = '0014_evaluations'

_ENTRY_INDEXES = ['duty_id', 'member_id']


def upgrade() -> None:
    create_table('team_duties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=16), nullable=False),
    sa.Column('unit', sa.String(length=8), nullable=False),
    sa.Column('yearly_target', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('weight', sa.Numeric(precision=8, scale=2), nullable=False),
    moment('created_at', nullable=False),
    moment('retired_at', nullable=True),
    references={'team_id': 'teams'},
    unique=('team_id', 'name'))
    create_table('team_duty_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('duty_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    moment('created_at', nullable=False),
    moment('deleted_at', nullable=True),
    references={'duty_id': 'team_duties', 'member_id': 'members'},
    indexes=_ENTRY_INDEXES)


def downgrade() -> None:
    drop_table('team_duty_entries', _ENTRY_INDEXES)
    drop_table('team_duties')
