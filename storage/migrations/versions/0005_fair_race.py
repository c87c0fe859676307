"""A race a real team can trust: 任职日期 / 离任日期 and who races on members, quarter targets (季目标),
team sessions told from members' own study logs (and a log merged into a session), and the team's own
corrections of the holiday calendar

Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

from storage.migrations.tables import create_table, drop_table, moment

revision: str = '0005'
down_revision: str | None = '0004'

_CALENDAR_INDEXES = ['team_id']


def upgrade() -> None:
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('took_office_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('left_office_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('races', sa.Boolean(), server_default='1', nullable=False))
    # The owner is the office named by `team create --admin`: office staff, not a runner.
    op.execute("UPDATE members SET races = false WHERE role = 'owner'")
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('q1', sa.Numeric(precision=8, scale=2), nullable=True))
        batch_op.add_column(sa.Column('q2', sa.Numeric(precision=8, scale=2), nullable=True))
        batch_op.add_column(sa.Column('q3', sa.Numeric(precision=8, scale=2), nullable=True))
    with op.batch_alter_table('study_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('for_team', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('merged_into_session_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_study_sessions_merged_into_session_id_study_sessions'),
                                    'study_sessions', ['merged_into_session_id'], ['id'])
    # Team sessions were told apart only in the audit log of their creation.
    op.execute(
        "UPDATE study_sessions SET for_team = true WHERE id IN (SELECT entity_id FROM audit_log "
        "WHERE entity = 'study_session' AND action = 'create' AND CAST(after AS TEXT) LIKE '%\"for_team\": true%')")
    create_table('team_calendar_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('workday', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=100), nullable=True),
    moment('created_at', nullable=False),
    references={'team_id': 'teams'}, unique=('team_id', 'day'), indexes=_CALENDAR_INDEXES)


def downgrade() -> None:
    drop_table('team_calendar_days', _CALENDAR_INDEXES)
    with op.batch_alter_table('study_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_study_sessions_merged_into_session_id_study_sessions'),
                                 type_='foreignkey')
        batch_op.drop_column('merged_into_session_id')
        batch_op.drop_column('for_team')
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.drop_column('q3')
        batch_op.drop_column('q2')
        batch_op.drop_column('q1')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('races')
        batch_op.drop_column('left_office_on')
        batch_op.drop_column('took_office_on')
