"""confirmations: each draft's Confirm consumed once, in the same transaction as the record it made, so a
doubled or replayed press after a crash makes nothing new

Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'


def upgrade() -> None:
    op.create_table('confirmations',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_confirmations_member_id_members')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_confirmations_team_id_teams')),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_confirmations'))
    )


def downgrade() -> None:
    op.drop_table('confirmations')
