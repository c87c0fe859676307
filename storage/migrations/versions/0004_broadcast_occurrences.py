"""broadcast_occurrences: each sending of a broadcast (a one-off's only one, a recurring one's weekly
slots), made once by the scheduling tick, with the sender's delivery report message edited in place

Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'


def upgrade() -> None:
    op.create_table('broadcast_occurrences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('broadcast_id', sa.Integer(), nullable=False),
    sa.Column('occurrence', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('report_message_id', sa.BigInteger(), nullable=True),
    sa.Column('report_shown', sa.String(length=64), nullable=True),
    sa.Column('renudges', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['broadcast_id'], ['broadcasts.id'], name=op.f('fk_broadcast_occurrences_broadcast_id_broadcasts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_broadcast_occurrences')),
    sa.UniqueConstraint('broadcast_id', 'occurrence', name=op.f('uq_broadcast_occurrences_broadcast_id_occurrence'))
    )
    with op.batch_alter_table('broadcast_occurrences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_broadcast_occurrences_broadcast_id'), ['broadcast_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('broadcast_occurrences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_broadcast_occurrences_broadcast_id'))
    op.drop_table('broadcast_occurrences')
