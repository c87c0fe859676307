"""task stages: 督办 in four stages (提出诉求 → 对接问诊 → 问题办理 → 确认销账). Each assignment records when its
assignee signed for it (签收), when they proposed a plan and its day, and its own deadline once an extension
moved it (NULL: the task's); `task_requests` holds each question, plan and extension request (延期申请) with
the office's answer.

Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

from storage.migrations.tables import create_table, drop_table, moment

revision: str = '0011_task_stages'
down_revision: str | None = '0010_month_totals'

_INDEXES = ['assignment_id']


def upgrade() -> None:
    with op.batch_alter_table('task_assignments', schema=None) as batch_op:
        batch_op.add_column(moment('signed_at', nullable=True))
        batch_op.add_column(moment('planned_at', nullable=True))
        batch_op.add_column(sa.Column('plan_date', sa.Date(), nullable=True))
        batch_op.add_column(moment('due_at', nullable=True))
    create_table('task_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('proposed_date', sa.Date(), nullable=True),
    sa.Column('old_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    moment('created_at', nullable=False),
    sa.Column('answered_by_member_id', sa.Integer(), nullable=True),
    moment('answered_at', nullable=True),
    references={'assignment_id': 'task_assignments', 'member_id': 'members', 'answered_by_member_id': 'members'},
    indexes=_INDEXES)


def downgrade() -> None:
    drop_table('task_requests', _INDEXES)
    with op.batch_alter_table('task_assignments', schema=None) as batch_op:
        batch_op.drop_column('due_at')
        batch_op.drop_column('plan_date')
        batch_op.drop_column('planned_at')
        batch_op.drop_column('signed_at')
