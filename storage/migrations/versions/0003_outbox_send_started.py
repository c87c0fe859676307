"""outbox.send_started_at: when the request for the current claim left, so a row whose claimer died
before sending is safely retried while one whose send may have landed is not (unless retry_unknown)

Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('send_started_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('send_started_at')
