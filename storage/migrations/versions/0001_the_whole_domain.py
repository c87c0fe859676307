"""the whole domain

Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.migrations.tables import Index, create_table, drop_table, enum, moment

revision: str = '0001'
down_revision: str | None = None

# Each table's indexes in the order they are made, the tables in the order they are created (downgrade undoes
# both in reverse): a column alone is indexed under the conventional ix_<table>_<column>, (name, columns) names
# its own index.
_INDEXES: dict[str, list[Index]] = {
    'persisted_state': [],
    'teams': [],
    'invites': ['team_id'],
    'members': ['team_id', 'telegram_user_id'],
    'audit_log': ['at', 'team_id'],
    'broadcasts': ['team_id'],
    'leave_periods': ['member_id'],
    'motions': ['lead_member_id', 'reply_due', 'team_id'],
    'outbox': [('ix_outbox_due', ['status', 'not_before']), 'team_id'],
    'race_snapshots': ['team_id'],
    'research_topics': ['lead_member_id', 'team_id'],
    'study_sessions': ['held_on', 'team_id'],
    'targets': ['team_id'],
    'tasks': ['due_at', 'team_id'],
    'broadcast_receipts': ['broadcast_id'],
    'research_trips': [('ix_research_trips_member_dates', ['member_id', 'start_date']), 'team_id'],
    'study_attendance': ['member_id'],
    'task_assignments': ['member_id', 'task_id'],
    'follow_up_items': ['feedback_due', 'member_id', 'team_id', 'trip_id'],
}


def _create_table(table: str, *columns: sa.Column, references: dict[str, str], **keys: Sequence[str]) -> None:
    """`create_table` with the table's indexes from _INDEXES (keys: its primary_key, its unique columns)."""
    create_table(table, *columns, references=references, indexes=_INDEXES[table], **keys)


def upgrade() -> None:
    _create_table('persisted_state',
    sa.Column('scope', sa.String(length=80), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    moment('updated_at', nullable=False),
    references={}, primary_key=('scope', 'key'))
    _create_table('teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('language', enum('language', 'zh', 'en'), nullable=False),
    sa.Column('group_chat_id', sa.BigInteger(), nullable=True),
    sa.Column('show_names_in_race', sa.Boolean(), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    moment('created_at', nullable=False),
    references={}, unique=('group_chat_id',))
    _create_table('invites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('role', enum('role', 'owner', 'admin', 'member'), nullable=False),
    sa.Column('created_by_member_id', sa.Integer(), nullable=True),
    moment('created_at', nullable=False),
    moment('expires_at', nullable=True),
    sa.Column('max_uses', sa.Integer(), nullable=True),
    sa.Column('uses', sa.Integer(), nullable=False),
    moment('revoked_at', nullable=True),
    references={'team_id': 'teams'}, unique=('code',))
    _create_table('members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('telegram_user_id', sa.BigInteger(), nullable=False),
    sa.Column('display_name', sa.String(length=128), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=True),
    sa.Column('language', enum('language', 'zh', 'en'), nullable=False),
    sa.Column('role', enum('role', 'owner', 'admin', 'member'), nullable=False),
    sa.Column('status', enum('memberstatus', 'pending', 'active', 'removed'), nullable=False),
    sa.Column('reachable', sa.Boolean(), nullable=False),
    moment('unreachable_since', nullable=True),
    sa.Column('joined_on', sa.Date(), nullable=True),
    sa.Column('invite_id', sa.Integer(), nullable=True),
    moment('created_at', nullable=False),
    moment('removed_at', nullable=True),
    references={'invite_id': 'invites', 'team_id': 'teams'}, unique=('team_id', 'telegram_user_id'))

    # invites and members refer to each other; the second reference is added once both exist.
    with op.batch_alter_table('invites', schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f('fk_invites_created_by_member_id_members'), 'members', ['created_by_member_id'], ['id']
        )

    _create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('actor_member_id', sa.Integer(), nullable=True),
    sa.Column('actor_telegram_id', sa.BigInteger(), nullable=True),
    sa.Column('action', sa.String(length=48), nullable=False),
    sa.Column('entity', sa.String(length=48), nullable=False),
    sa.Column('entity_id', sa.BigInteger(), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    moment('at', nullable=False),
    references={'actor_member_id': 'members', 'team_id': 'teams'})
    _create_table('broadcasts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('created_by_member_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('file_id', sa.String(length=200), nullable=True),
    sa.Column('file_kind', sa.String(length=16), nullable=True),
    sa.Column('audience', sa.JSON(), nullable=False),
    moment('send_at', nullable=True),
    sa.Column('recurrence', sa.String(length=64), nullable=True),
    sa.Column('status', enum('broadcaststatus', 'draft', 'scheduled', 'sending', 'done', 'cancelled'), nullable=False),
    sa.Column('report_chat_id', sa.BigInteger(), nullable=True),
    sa.Column('report_message_id', sa.BigInteger(), nullable=True),
    moment('created_at', nullable=False),
    references={'created_by_member_id': 'members', 'team_id': 'teams'})
    _create_table('leave_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('kind', enum('leavekind', 'leave', 'abroad', 'training'), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('recorded_by_member_id', sa.Integer(), nullable=True),
    moment('created_at', nullable=False),
    references={'member_id': 'members', 'recorded_by_member_id': 'members'})
    _create_table('motions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('kind', enum('motionkind', 'suggestion', 'proposal'), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('is_key', sa.Boolean(), nullable=False),
    sa.Column('lead_member_id', sa.Integer(), nullable=False),
    sa.Column('assigned_on', sa.Date(), nullable=False),
    sa.Column('reply_due', sa.Date(), nullable=False),
    sa.Column('status', enum('motionstatus', 'assigned', 'handling', 'replied', 'closed'), nullable=False),
    sa.Column('replied_on', sa.Date(), nullable=True),
    sa.Column('result_class', enum('resultclass', 'A', 'B', 'C'), nullable=True),
    sa.Column('satisfaction', enum('satisfaction', 'satisfied', 'basically', 'unsatisfied'), nullable=True),
    moment('snoozed_until', nullable=True),
    moment('created_at', nullable=False),
    moment('deleted_at', nullable=True),
    references={'lead_member_id': 'members', 'team_id': 'teams'})
    _create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('retry_unknown', sa.Boolean(), nullable=False),
    moment('not_before', nullable=False),
    sa.Column('status', enum('outboxstatus', 'pending', 'sending', 'sent', 'failed', 'cancelled'), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    moment('claimed_at', nullable=True),
    moment('sent_at', nullable=True),
    sa.Column('telegram_message_id', sa.BigInteger(), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    moment('created_at', nullable=False),
    references={'member_id': 'members', 'team_id': 'teams'}, unique=('key',))
    _create_table('race_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('score', sa.Numeric(precision=8, scale=2), nullable=False),
    moment('created_at', nullable=False),
    references={'member_id': 'members', 'team_id': 'teams'}, unique=('team_id', 'period', 'member_id'))
    _create_table('research_topics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('lead_member_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('concluded_on', sa.Date(), nullable=True),
    moment('created_at', nullable=False),
    moment('deleted_at', nullable=True),
    references={'lead_member_id': 'members', 'team_id': 'teams'})
    _create_table('study_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('kind', enum('studykind', 'collective', 'law', 'theory_group', 'self_study'), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    moment('starts_at', nullable=True),
    sa.Column('hours', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('recorded_by_member_id', sa.Integer(), nullable=False),
    moment('created_at', nullable=False),
    moment('deleted_at', nullable=True),
    references={'recorded_by_member_id': 'members', 'team_id': 'teams'})
    _create_table('targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('duty', enum('duty', 'research_days', 'key_research_topics', 'collective_study', 'law_study',
                            'key_suggestions', 'key_proposals'), nullable=False),
    sa.Column('value', sa.Numeric(precision=8, scale=2), nullable=False),
    references={'member_id': 'members', 'team_id': 'teams'}, unique=('team_id', 'member_id', 'year', 'duty'))
    _create_table('tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    moment('due_at', nullable=False),
    sa.Column('created_by_member_id', sa.Integer(), nullable=False),
    sa.Column('attachment_file_id', sa.String(length=200), nullable=True),
    sa.Column('attachment_kind', sa.String(length=16), nullable=True),
    moment('created_at', nullable=False),
    moment('cancelled_at', nullable=True),
    references={'created_by_member_id': 'members', 'team_id': 'teams'})
    _create_table('broadcast_receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('broadcast_id', sa.Integer(), nullable=False),
    sa.Column('occurrence', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    moment('delivered_at', nullable=True),
    moment('read_at', nullable=True),
    sa.Column('failed_reason', sa.String(length=200), nullable=True),
    references={'broadcast_id': 'broadcasts', 'member_id': 'members', 'outbox_id': 'outbox'},
    unique=('broadcast_id', 'occurrence', 'member_id'))
    _create_table('research_trips',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('places', sa.String(length=200), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('research_topic_id', sa.Integer(), nullable=True),
    moment('created_at', nullable=False),
    moment('deleted_at', nullable=True),
    references={'member_id': 'members', 'research_topic_id': 'research_topics', 'team_id': 'teams'})
    _create_table('study_attendance',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    moment('created_at', nullable=False),
    references={'member_id': 'members', 'session_id': 'study_sessions'}, primary_key=('session_id', 'member_id'))
    _create_table('task_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('status', enum('assignmentstatus', 'assigned', 'reported', 'closed'), nullable=False),
    moment('reported_at', nullable=True),
    sa.Column('report_note', sa.Text(), nullable=True),
    sa.Column('evidence_file_id', sa.String(length=200), nullable=True),
    sa.Column('evidence_kind', sa.String(length=16), nullable=True),
    moment('closed_at', nullable=True),
    sa.Column('closed_by_member_id', sa.Integer(), nullable=True),
    sa.Column('returned_reason', sa.Text(), nullable=True),
    moment('returned_at', nullable=True),
    moment('snoozed_until', nullable=True),
    references={'closed_by_member_id': 'members', 'member_id': 'members', 'task_id': 'tasks'},
    unique=('task_id', 'member_id'))
    _create_table('follow_up_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('trip_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('department', sa.String(length=100), nullable=True),
    sa.Column('status', enum('followupstatus', 'raised', 'assigned', 'handled', 'fed_back', 'closed'), nullable=False),
    sa.Column('feedback_due', sa.Date(), nullable=True),
    moment('assigned_at', nullable=True),
    moment('handled_at', nullable=True),
    moment('fed_back_at', nullable=True),
    moment('closed_at', nullable=True),
    sa.Column('result_note', sa.Text(), nullable=True),
    moment('snoozed_until', nullable=True),
    moment('created_at', nullable=False),
    moment('deleted_at', nullable=True),
    references={'member_id': 'members', 'team_id': 'teams', 'trip_id': 'research_trips'})


def downgrade() -> None:
    with op.batch_alter_table('invites', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_invites_created_by_member_id_members'), type_='foreignkey')
    for table, indexes in reversed(_INDEXES.items()):
        drop_table(table, indexes)
