"""motions.reopened: how many times an unsatisfied deputy (不满意) sent a motion back to handling

Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'


def upgrade() -> None:
    with op.batch_alter_table('motions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reopened', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('motions', schema=None) as batch_op:
        batch_op.drop_column('reopened')
