"""A key research topic's stages (立项 → 调研中 → 形成报告 → 成果转化, core/topics.py): the stage, the day it reached
each, the report (title, document) and what it became; counts_on, the day it counts towards its year's quota,
indexed with the team for the board's rest of a month.

Existing topics: one with a trip linked to it is 调研中 from its first trip's first day, the others 立项. Every
existing team counts at the default stage (形成报告, `[race] topic_counts_at = "report"`, kept in its settings),
where none of them counts yet: their month totals go to zero (rows left with nothing are removed). An office
that wants another stage sets it (`python bot.py team topic-stage TEAM STAGE`), which recounts.

Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision: str = '0012_topic_stages'
down_revision: str | None = '0011_task_stages'

_DUTIES = ('research_days', 'key_research_topics', 'collective_study', 'law_study', 'key_suggestions',
           'key_proposals')


def upgrade() -> None:
    with op.batch_alter_table('research_topics', schema=None) as batch_op:
        # a string without a CHECK of its values: SQLite could not drop a column named in one in place
        batch_op.add_column(sa.Column('stage', sa.String(length=24), nullable=False, server_default='registered'))
        batch_op.add_column(sa.Column('research_started_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('report_title', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('report_file_id', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('report_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.String(length=1000), nullable=True))
        batch_op.add_column(sa.Column('outcome_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('counts_on', sa.Date(), nullable=True))
        batch_op.create_index('ix_research_topics_team_counts_on', ['team_id', 'counts_on'], unique=False)
    first_trip = ("(SELECT MIN(start_date) FROM research_trips WHERE research_trips.research_topic_id = research_topics.id "
                  "AND research_trips.deleted_at IS NULL)")
    op.execute(sa.text(f"UPDATE research_topics SET stage = 'researching', research_started_on = {first_trip} "
                       f"WHERE {first_trip} IS NOT NULL"))
    # every team counts at the default stage until its office chooses another (bot.py team topic-stage)
    bind = op.get_bind()
    teams = sa.table('teams', sa.column('id', sa.Integer()), sa.column('settings', sa.JSON()))
    for team_id, settings in bind.execute(sa.select(teams.c.id, teams.c.settings)).all():
        bind.execute(teams.update().where(teams.c.id == team_id)
                     .values(settings={**(settings or {}), 'topic_counts_at': 'report'}))
    op.execute(sa.text("UPDATE month_totals SET key_research_topics = 0"))
    op.execute(sa.text("DELETE FROM month_totals WHERE " + " AND ".join(f"{duty} = 0" for duty in _DUTIES)))


def downgrade() -> None:
    # Not in batch mode (see 0009): SQLite drops the columns in place. Topics count on their registration day
    # again: `python bot.py db rebuild-totals` recounts.
    op.drop_index('ix_research_topics_team_counts_on', table_name='research_topics')
    for column in ('counts_on', 'outcome_on', 'outcome', 'report_on', 'report_file_id', 'report_title',
                   'research_started_on', 'stage'):
        op.drop_column('research_topics', column)
