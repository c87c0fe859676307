"""The admins' 约谈提醒 about an overdue item is keyed by the item's due day too
(`escalate:<item>:admin:<admin>:due:<day>`, core/outbox_keys.py): an item escalated, then given a new deadline
(an approved extension, a deputy's 不满意, 回头看 reopening it) and overdue again, is escalated again; before, its
first escalation's key stood for good. The keys already in the outbox gain their item's due day as it is now, so
the upgrade sends no 约谈提醒 a second time (an item whose deadline moved since its escalation is told again only
when it moves once more). A key whose item is gone stays as it is. Downgrading drops the day again, keeping
each item's and admin's earliest row.

Create Date: 2026-12-07
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = '0019_escalation_due'
down_revision: str | None = '0018_deadline_ranges'

# A migration imports nothing of the bot: the item's due day as storage.deadlines.open_items reads it.
_DUE = {
    'motion': "SELECT reply_due, NULL FROM motions WHERE id = :item",
    'followup': "SELECT feedback_due, NULL FROM follow_up_items WHERE id = :item",
    'task': ("SELECT coalesce(task_assignments.due_at, tasks.due_at), teams.timezone FROM task_assignments "
             "JOIN tasks ON tasks.id = task_assignments.task_id JOIN teams ON teams.id = tasks.team_id "
             "WHERE tasks.id = :item AND task_assignments.member_id = :member"),
}


def _day(value: object, timezone: str | None) -> date | None:
    """A Date column's day, or a task's due instant's day in team time (SQLite hands both over as text)."""
    if value is None:
        return None
    if timezone is None:
        return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    instant = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if instant.tzinfo is None:  # SQLite: naive UTC, as the models' UTCDateTime stores it
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(ZoneInfo(timezone)).date()


def upgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT id, key FROM outbox WHERE key LIKE 'escalate:%' AND key NOT LIKE '%:due:%' ORDER BY id")).all()
    for row_id, key in rows:
        parts = key.split(':')  # escalate:<kind>:<item>:member:<member>:admin:<admin>
        if len(parts) != 7 or parts[1] not in _DUE or not parts[2].isdigit() or not parts[4].isdigit():
            continue
        found = connection.execute(sa.text(_DUE[parts[1]]), {"item": int(parts[2]), "member": int(parts[4])}).first()
        due = _day(found[0], found[1]) if found is not None else None
        if due is not None:
            connection.execute(sa.text("UPDATE outbox SET key = :key WHERE id = :id"),
                               {"key": f"{key}:due:{due.isoformat()}", "id": row_id})


def downgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT id, key FROM outbox WHERE key LIKE 'escalate:%:due:%' ORDER BY id")).all()
    kept = set(connection.execute(sa.text(
        "SELECT key FROM outbox WHERE key LIKE 'escalate:%' AND key NOT LIKE '%:due:%'")).scalars())
    for row_id, key in rows:
        bare = key[:key.index(':due:')]
        if bare in kept:  # the same item and admin told again after its deadline moved: the earliest row stays
            connection.execute(sa.text("DELETE FROM outbox WHERE id = :id"), {"id": row_id})
        else:
            connection.execute(sa.text("UPDATE outbox SET key = :key WHERE id = :id"), {"key": bare, "id": row_id})
            kept.add(bare)
