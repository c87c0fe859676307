"""broadcast_occurrences: each sending of a broadcast (a one-off's only one, a recurring one's weekly
slots), made once by the scheduling tick, with the sender's delivery report message edited in place

Create Date: 2026-11-21
"""

import sqlalchemy as sa

from storage.migrations.tables import create_table, drop_table, moment

revision: str = '0004'
down_revision: str | None = '0003'

_INDEXES = ['broadcast_id']


def upgrade() -> None:
    create_table('broadcast_occurrences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('broadcast_id', sa.Integer(), nullable=False),
    sa.Column('occurrence', sa.Integer(), nullable=False),
    moment('due_at', nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('report_message_id', sa.BigInteger(), nullable=True),
    sa.Column('report_shown', sa.String(length=64), nullable=True),
    sa.Column('renudges', sa.Integer(), nullable=False),
    moment('created_at', nullable=False),
    references={'broadcast_id': 'broadcasts'}, unique=('broadcast_id', 'occurrence'), indexes=_INDEXES)


def downgrade() -> None:
    drop_table('broadcast_occurrences', _INDEXES)
