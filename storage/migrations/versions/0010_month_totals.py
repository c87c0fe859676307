"""month totals: per team, member and month, what the member did of each counted duty (storage/totals.py),
so that the race boards and the weekly summary add up months instead of reading every record.

With two indexes for what a board day inside a month reads of the rest of it (trips by end day, motions by
assignment day). The table starts empty; `Database.upgrade` fills it from the records when this revision creates it (and
`python bot.py db rebuild-totals` does so at any time).

Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

from storage.migrations.tables import create_table, drop_table

revision: str = '0010_month_totals'
down_revision: str | None = '0009_next_nudge'

_INDEXES = [('ix_month_totals_team_month', ['team_id', 'month'])]


def upgrade() -> None:
    create_table('month_totals',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('research_days', sa.Integer(), nullable=False),
    sa.Column('key_research_topics', sa.Integer(), nullable=False),
    sa.Column('collective_study', sa.Integer(), nullable=False),
    sa.Column('law_study', sa.Integer(), nullable=False),
    sa.Column('key_suggestions', sa.Integer(), nullable=False),
    sa.Column('key_proposals', sa.Integer(), nullable=False),
    references={'team_id': 'teams', 'member_id': 'members'}, primary_key=('team_id', 'member_id', 'month'),
    indexes=_INDEXES)
    # what a board day inside a month reads of the rest of it (storage.race.counted_after)
    with op.batch_alter_table('research_trips', schema=None) as batch_op:
        batch_op.create_index('ix_research_trips_team_end', ['team_id', 'end_date'], unique=False)
    with op.batch_alter_table('motions', schema=None) as batch_op:
        batch_op.create_index('ix_motions_team_assigned', ['team_id', 'assigned_on'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('motions', schema=None) as batch_op:
        batch_op.drop_index('ix_motions_team_assigned')
    with op.batch_alter_table('research_trips', schema=None) as batch_op:
        batch_op.drop_index('ix_research_trips_team_end')
    drop_table('month_totals', _INDEXES)
