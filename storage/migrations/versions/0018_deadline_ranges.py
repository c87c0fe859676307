"""The boards count each member's deadlines in the database (storage.race.deadline_tallies): the team's items due
in the period, and those due before it still unanswered. Each is a range of the team's due days, read from an
index that holds every column the count needs (no table row is read on SQLite); the single-column indexes it
replaces served nothing else.

- motions: ix_motions_reply_due (reply_due) goes; ix_motions_team_deadline (team_id, reply_due, replied_on,
  lead_member_id, deleted_at) comes.
- follow_up_items: ix_follow_up_items_feedback_due and ix_follow_up_items_team_id go;
  ix_follow_up_items_team_deadline (team_id, feedback_due, fed_back_at, member_id, deleted_at) comes and serves
  every query by team. One index fewer: the scheduling tick's UPDATE of a finding's next-nudge instant writes an
  entry in every index of the table.

Create Date: 2026-12-06
"""

from alembic import op

revision: str = '0018_deadline_ranges'
down_revision: str | None = '0017_tick_writes'


def upgrade() -> None:
    with op.batch_alter_table('motions', schema=None) as batch_op:
        batch_op.drop_index('ix_motions_reply_due')
        batch_op.create_index('ix_motions_team_deadline',
                              ['team_id', 'reply_due', 'replied_on', 'lead_member_id', 'deleted_at'], unique=False)
    with op.batch_alter_table('follow_up_items', schema=None) as batch_op:
        batch_op.drop_index('ix_follow_up_items_feedback_due')
        batch_op.drop_index('ix_follow_up_items_team_id')
        batch_op.create_index('ix_follow_up_items_team_deadline',
                              ['team_id', 'feedback_due', 'fed_back_at', 'member_id', 'deleted_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('follow_up_items', schema=None) as batch_op:
        batch_op.drop_index('ix_follow_up_items_team_deadline')
        batch_op.create_index('ix_follow_up_items_team_id', ['team_id'], unique=False)
        batch_op.create_index('ix_follow_up_items_feedback_due', ['feedback_due'], unique=False)
    with op.batch_alter_table('motions', schema=None) as batch_op:
        batch_op.drop_index('ix_motions_team_deadline')
        batch_op.create_index('ix_motions_reply_due', ['reply_due'], unique=False)
