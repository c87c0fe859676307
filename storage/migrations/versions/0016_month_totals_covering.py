"""month totals: the (team, month) index covers the columns a board sums (member and the six duties), so that
summing a year's months for 2,000 members reads the index alone (SQLite: 24 → 12 ms; it had looked up each of
the ~24,000 rows in the table). It replaces the index it extends: any query that used that one can use this.

Create Date: 2026-12-06
"""

from alembic import op

revision: str = '0016_month_totals_covering'
down_revision: str | None = '0015_team_duties'

_COVERED = ['team_id', 'month', 'member_id', 'research_days', 'key_research_topics', 'collective_study',
            'law_study', 'key_suggestions', 'key_proposals']


def upgrade() -> None:
    with op.batch_alter_table('month_totals', schema=None) as batch_op:
        batch_op.drop_index('ix_month_totals_team_month')
        batch_op.create_index('ix_month_totals_team_month_sums', _COVERED, unique=False)


def downgrade() -> None:
    with op.batch_alter_table('month_totals', schema=None) as batch_op:
        batch_op.drop_index('ix_month_totals_team_month_sums')
        batch_op.create_index('ix_month_totals_team_month', ['team_id', 'month'], unique=False)
