"""confirmations: each draft's Confirm consumed once, in the same transaction as the record it made, so a
doubled or replayed press after a crash makes nothing new

Create Date: 2026-12-04
"""

import sqlalchemy as sa

from storage.migrations.tables import create_table, drop_table, moment

revision: str = '0006'
down_revision: str | None = '0005'


def upgrade() -> None:
    create_table('confirmations',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    moment('created_at', nullable=False),
    references={'member_id': 'members', 'team_id': 'teams'}, primary_key=('token',))


def downgrade() -> None:
    drop_table('confirmations')
