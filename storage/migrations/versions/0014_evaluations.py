"""evaluations: the office's grade and comment per racing member and year (年末有考评), published once.

Create Date: 2026-12-05
"""

import sqlalchemy as sa

from storage.migrations.tables import create_table, drop_table, moment

revision: str = '0014_evaluations'
down_revision: str | None = '0013_lookback'


def upgrade() -> None:
    create_table('evaluations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('grade', sa.String(length=16), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('by_member_id', sa.Integer(), nullable=True),
    moment('at', nullable=False),
    moment('published_at', nullable=True),
    references={'team_id': 'teams', 'member_id': 'members', 'by_member_id': 'members'},
    unique=('team_id', 'year', 'member_id'))


def downgrade() -> None:
    drop_table('evaluations')
