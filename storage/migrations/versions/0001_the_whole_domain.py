"""the whole domain

Revision ID: 0001
Revises: 
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op



revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('persisted_state',
    sa.Column('scope', sa.String(length=80), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'key', name=op.f('pk_persisted_state'))
    )
    op.create_table('teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('language', sa.Enum('zh', 'en', name='language', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('group_chat_id', sa.BigInteger(), nullable=True),
    sa.Column('show_names_in_race', sa.Boolean(), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teams')),
    sa.UniqueConstraint('group_chat_id', name=op.f('uq_teams_group_chat_id'))
    )
    op.create_table('invites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('role', sa.Enum('owner', 'admin', 'member', name='role', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('created_by_member_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('max_uses', sa.Integer(), nullable=True),
    sa.Column('uses', sa.Integer(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_invites_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invites')),
    sa.UniqueConstraint('code', name=op.f('uq_invites_code'))
    )
    with op.batch_alter_table('invites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invites_team_id'), ['team_id'], unique=False)

    op.create_table('members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('telegram_user_id', sa.BigInteger(), nullable=False),
    sa.Column('display_name', sa.String(length=128), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=True),
    sa.Column('language', sa.Enum('zh', 'en', name='language', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('role', sa.Enum('owner', 'admin', 'member', name='role', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('status', sa.Enum('pending', 'active', 'removed', name='memberstatus', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('reachable', sa.Boolean(), nullable=False),
    sa.Column('unreachable_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('joined_on', sa.Date(), nullable=True),
    sa.Column('invite_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['invite_id'], ['invites.id'], name=op.f('fk_members_invite_id_invites')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_members_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_members')),
    sa.UniqueConstraint('team_id', 'telegram_user_id', name=op.f('uq_members_team_id_telegram_user_id'))
    )
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_members_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_members_telegram_user_id'), ['telegram_user_id'], unique=False)

    # invites and members refer to each other; the second reference is added once both exist.
    with op.batch_alter_table('invites', schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f('fk_invites_created_by_member_id_members'), 'members', ['created_by_member_id'], ['id']
        )

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('actor_member_id', sa.Integer(), nullable=True),
    sa.Column('actor_telegram_id', sa.BigInteger(), nullable=True),
    sa.Column('action', sa.String(length=48), nullable=False),
    sa.Column('entity', sa.String(length=48), nullable=False),
    sa.Column('entity_id', sa.BigInteger(), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_member_id'], ['members.id'], name=op.f('fk_audit_log_actor_member_id_members')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_audit_log_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_team_id'), ['team_id'], unique=False)

    op.create_table('broadcasts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('created_by_member_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('file_id', sa.String(length=200), nullable=True),
    sa.Column('file_kind', sa.String(length=16), nullable=True),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('send_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('recurrence', sa.String(length=64), nullable=True),
    sa.Column('status', sa.Enum('draft', 'scheduled', 'sending', 'done', 'cancelled', name='broadcaststatus', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('report_chat_id', sa.BigInteger(), nullable=True),
    sa.Column('report_message_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_member_id'], ['members.id'], name=op.f('fk_broadcasts_created_by_member_id_members')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_broadcasts_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_broadcasts'))
    )
    with op.batch_alter_table('broadcasts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_broadcasts_team_id'), ['team_id'], unique=False)

    op.create_table('leave_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('leave', 'abroad', 'training', name='leavekind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('recorded_by_member_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_leave_periods_member_id_members')),
    sa.ForeignKeyConstraint(['recorded_by_member_id'], ['members.id'], name=op.f('fk_leave_periods_recorded_by_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leave_periods'))
    )
    with op.batch_alter_table('leave_periods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_leave_periods_member_id'), ['member_id'], unique=False)

    op.create_table('motions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('suggestion', 'proposal', name='motionkind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('is_key', sa.Boolean(), nullable=False),
    sa.Column('lead_member_id', sa.Integer(), nullable=False),
    sa.Column('assigned_on', sa.Date(), nullable=False),
    sa.Column('reply_due', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('assigned', 'handling', 'replied', 'closed', name='motionstatus', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('replied_on', sa.Date(), nullable=True),
    sa.Column('result_class', sa.Enum('A', 'B', 'C', name='resultclass', native_enum=False, create_constraint=True, length=24), nullable=True),
    sa.Column('satisfaction', sa.Enum('satisfied', 'basically', 'unsatisfied', name='satisfaction', native_enum=False, create_constraint=True, length=24), nullable=True),
    sa.Column('snoozed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['lead_member_id'], ['members.id'], name=op.f('fk_motions_lead_member_id_members')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_motions_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_motions'))
    )
    with op.batch_alter_table('motions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_motions_lead_member_id'), ['lead_member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_motions_reply_due'), ['reply_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_motions_team_id'), ['team_id'], unique=False)

    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('retry_unknown', sa.Boolean(), nullable=False),
    sa.Column('not_before', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sending', 'sent', 'failed', 'cancelled', name='outboxstatus', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('telegram_message_id', sa.BigInteger(), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_outbox_member_id_members')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_outbox_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('key', name=op.f('uq_outbox_key'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_due', ['status', 'not_before'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_team_id'), ['team_id'], unique=False)

    op.create_table('race_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('score', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_race_snapshots_member_id_members')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_race_snapshots_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_race_snapshots')),
    sa.UniqueConstraint('team_id', 'period', 'member_id', name=op.f('uq_race_snapshots_team_id_period_member_id'))
    )
    with op.batch_alter_table('race_snapshots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_race_snapshots_team_id'), ['team_id'], unique=False)

    op.create_table('research_topics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('lead_member_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('concluded_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['lead_member_id'], ['members.id'], name=op.f('fk_research_topics_lead_member_id_members')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_research_topics_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_research_topics'))
    )
    with op.batch_alter_table('research_topics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_research_topics_lead_member_id'), ['lead_member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_research_topics_team_id'), ['team_id'], unique=False)

    op.create_table('study_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('collective', 'law', 'theory_group', 'self_study', name='studykind', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hours', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('recorded_by_member_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['recorded_by_member_id'], ['members.id'], name=op.f('fk_study_sessions_recorded_by_member_id_members')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_study_sessions_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_study_sessions'))
    )
    with op.batch_alter_table('study_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_study_sessions_held_on'), ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_study_sessions_team_id'), ['team_id'], unique=False)

    op.create_table('targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('duty', sa.Enum('research_days', 'key_research_topics', 'collective_study', 'law_study', 'key_suggestions', 'key_proposals', name='duty', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('value', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_targets_member_id_members')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_targets_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_targets')),
    sa.UniqueConstraint('team_id', 'member_id', 'year', 'duty', name=op.f('uq_targets_team_id_member_id_year_duty'))
    )
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_targets_team_id'), ['team_id'], unique=False)

    op.create_table('tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_member_id', sa.Integer(), nullable=False),
    sa.Column('attachment_file_id', sa.String(length=200), nullable=True),
    sa.Column('attachment_kind', sa.String(length=16), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_member_id'], ['members.id'], name=op.f('fk_tasks_created_by_member_id_members')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_tasks_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tasks'))
    )
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tasks_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_team_id'), ['team_id'], unique=False)

    op.create_table('broadcast_receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('broadcast_id', sa.Integer(), nullable=False),
    sa.Column('occurrence', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failed_reason', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['broadcast_id'], ['broadcasts.id'], name=op.f('fk_broadcast_receipts_broadcast_id_broadcasts')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_broadcast_receipts_member_id_members')),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], name=op.f('fk_broadcast_receipts_outbox_id_outbox')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_broadcast_receipts')),
    sa.UniqueConstraint('broadcast_id', 'occurrence', 'member_id', name=op.f('uq_broadcast_receipts_broadcast_id_occurrence_member_id'))
    )
    with op.batch_alter_table('broadcast_receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_broadcast_receipts_broadcast_id'), ['broadcast_id'], unique=False)

    op.create_table('research_trips',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('places', sa.String(length=200), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('research_topic_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_research_trips_member_id_members')),
    sa.ForeignKeyConstraint(['research_topic_id'], ['research_topics.id'], name=op.f('fk_research_trips_research_topic_id_research_topics')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_research_trips_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_research_trips'))
    )
    with op.batch_alter_table('research_trips', schema=None) as batch_op:
        batch_op.create_index('ix_research_trips_member_dates', ['member_id', 'start_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_research_trips_team_id'), ['team_id'], unique=False)

    op.create_table('study_attendance',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_study_attendance_member_id_members')),
    sa.ForeignKeyConstraint(['session_id'], ['study_sessions.id'], name=op.f('fk_study_attendance_session_id_study_sessions')),
    sa.PrimaryKeyConstraint('session_id', 'member_id', name=op.f('pk_study_attendance'))
    )
    with op.batch_alter_table('study_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_study_attendance_member_id'), ['member_id'], unique=False)

    op.create_table('task_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('assigned', 'reported', 'closed', name='assignmentstatus', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('report_note', sa.Text(), nullable=True),
    sa.Column('evidence_file_id', sa.String(length=200), nullable=True),
    sa.Column('evidence_kind', sa.String(length=16), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by_member_id', sa.Integer(), nullable=True),
    sa.Column('returned_reason', sa.Text(), nullable=True),
    sa.Column('returned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('snoozed_until', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['closed_by_member_id'], ['members.id'], name=op.f('fk_task_assignments_closed_by_member_id_members')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_task_assignments_member_id_members')),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_task_assignments_task_id_tasks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_assignments')),
    sa.UniqueConstraint('task_id', 'member_id', name=op.f('uq_task_assignments_task_id_member_id'))
    )
    with op.batch_alter_table('task_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_assignments_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_assignments_task_id'), ['task_id'], unique=False)

    op.create_table('follow_up_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('trip_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('department', sa.String(length=100), nullable=True),
    sa.Column('status', sa.Enum('raised', 'assigned', 'handled', 'fed_back', 'closed', name='followupstatus', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('feedback_due', sa.Date(), nullable=True),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('fed_back_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('result_note', sa.Text(), nullable=True),
    sa.Column('snoozed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_follow_up_items_member_id_members')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_follow_up_items_team_id_teams')),
    sa.ForeignKeyConstraint(['trip_id'], ['research_trips.id'], name=op.f('fk_follow_up_items_trip_id_research_trips')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up_items'))
    )
    with op.batch_alter_table('follow_up_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_up_items_feedback_due'), ['feedback_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_up_items_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_up_items_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_up_items_trip_id'), ['trip_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('invites', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_invites_created_by_member_id_members'), type_='foreignkey')
    with op.batch_alter_table('follow_up_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_up_items_trip_id'))
        batch_op.drop_index(batch_op.f('ix_follow_up_items_team_id'))
        batch_op.drop_index(batch_op.f('ix_follow_up_items_member_id'))
        batch_op.drop_index(batch_op.f('ix_follow_up_items_feedback_due'))

    op.drop_table('follow_up_items')
    with op.batch_alter_table('task_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_assignments_task_id'))
        batch_op.drop_index(batch_op.f('ix_task_assignments_member_id'))

    op.drop_table('task_assignments')
    with op.batch_alter_table('study_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_study_attendance_member_id'))

    op.drop_table('study_attendance')
    with op.batch_alter_table('research_trips', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_research_trips_team_id'))
        batch_op.drop_index('ix_research_trips_member_dates')

    op.drop_table('research_trips')
    with op.batch_alter_table('broadcast_receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_broadcast_receipts_broadcast_id'))

    op.drop_table('broadcast_receipts')
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tasks_team_id'))
        batch_op.drop_index(batch_op.f('ix_tasks_due_at'))

    op.drop_table('tasks')
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_targets_team_id'))

    op.drop_table('targets')
    with op.batch_alter_table('study_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_study_sessions_team_id'))
        batch_op.drop_index(batch_op.f('ix_study_sessions_held_on'))

    op.drop_table('study_sessions')
    with op.batch_alter_table('research_topics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_research_topics_team_id'))
        batch_op.drop_index(batch_op.f('ix_research_topics_lead_member_id'))

    op.drop_table('research_topics')
    with op.batch_alter_table('race_snapshots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_race_snapshots_team_id'))

    op.drop_table('race_snapshots')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_team_id'))
        batch_op.drop_index('ix_outbox_due')

    op.drop_table('outbox')
    with op.batch_alter_table('motions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_motions_team_id'))
        batch_op.drop_index(batch_op.f('ix_motions_reply_due'))
        batch_op.drop_index(batch_op.f('ix_motions_lead_member_id'))

    op.drop_table('motions')
    with op.batch_alter_table('leave_periods', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_leave_periods_member_id'))

    op.drop_table('leave_periods')
    with op.batch_alter_table('broadcasts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_broadcasts_team_id'))

    op.drop_table('broadcasts')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_team_id'))
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))

    op.drop_table('audit_log')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_members_telegram_user_id'))
        batch_op.drop_index(batch_op.f('ix_members_team_id'))

    op.drop_table('members')
    with op.batch_alter_table('invites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invites_team_id'))

    op.drop_table('invites')
    op.drop_table('teams')
    op.drop_table('persisted_state')
