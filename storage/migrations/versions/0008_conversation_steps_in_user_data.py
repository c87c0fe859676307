"""conversation steps in user data: the log forms and /join wait through handlers/conversation.py, which
keeps a flow's step in the user's data; the steps PTB's ConversationHandler kept in its own rows
(scope `conversation:forms` and `conversation:join`, key `[chat_id, user_id]`, the step as a string) move
into user_data `form.step` and `join.step`, and those rows go

A draft whose conversation had ended without the draft being dropped (a refused /command over it) was
inert: nothing answered it. Without a step it would wake, so it is dropped, as it would have been had the
conversation ended cleanly.

Create Date: 2026-12-05
"""

import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'

_STATE = sa.table('persisted_state', sa.column('scope', sa.String(80)), sa.column('key', sa.String(200)),
                  sa.column('data', sa.JSON()), sa.column('updated_at', sa.DateTime(timezone=True)))
# The flows whose steps moved: PTB's conversation name → the flow's key in user_data.
_FLOWS = {'forms': 'form', 'join': 'join'}


def upgrade() -> None:
    connection = op.get_bind()
    users = _users(connection)
    changed: set[str] = set()
    steps = connection.execute(sa.select(_STATE.c.scope, _STATE.c.key, _STATE.c.data)
                               .where(_STATE.c.scope.like('conversation:%'))).all()
    for scope, key, step in steps:
        flow = _FLOWS.get(scope.removeprefix('conversation:'))
        user_id = str(json.loads(key)[-1])  # [chat_id, user_id]
        if flow is None or not isinstance(step, str):
            continue
        data = users.setdefault(user_id, {})
        if flow == 'join':
            data['join'] = {'step': step}
        elif isinstance(data.get('form'), dict):
            data['form']['step'] = step
        else:
            continue  # a step without its draft: nothing to answer (the release before said it was lost)
        changed.add(user_id)
    for user_id, data in users.items():
        form = data.get('form')
        if isinstance(form, dict) and 'step' not in form:  # inert: its conversation had ended
            del data['form']
            changed.add(user_id)
    _write(connection, users, changed)
    connection.execute(_STATE.delete().where(_STATE.c.scope.like('conversation:%')))


def downgrade() -> None:
    connection = op.get_bind()
    users = _users(connection)
    changed: set[str] = set()
    now = datetime.now(UTC)
    for user_id, data in users.items():
        for name, flow in _FLOWS.items():
            state = data.get(flow)
            if not isinstance(state, dict) or not isinstance(state.get('step'), str):
                continue
            key = json.dumps([int(user_id), int(user_id)])  # a private chat's id is its user's
            connection.execute(_STATE.insert().values(scope=f'conversation:{name}', key=key, data=state['step'],
                                                      updated_at=now))
            if flow == 'join':
                del data['join']
                changed.add(user_id)
    _write(connection, users, changed)


def _users(connection: sa.Connection) -> dict[str, dict[str, Any]]:
    rows = connection.execute(sa.select(_STATE.c.key, _STATE.c.data).where(_STATE.c.scope == 'user')).all()
    users: dict[str, dict[str, Any]] = {}
    for key, data in rows:
        if isinstance(data, dict):
            users[key] = data
    return users


def _write(connection: sa.Connection, users: dict[str, dict[str, Any]], changed: set[str]) -> None:
    """Writes the changed users' data; data left empty is no row (storage/persistence.py keeps none)."""
    existing = set(connection.execute(sa.select(_STATE.c.key).where(_STATE.c.scope == 'user')).scalars())
    now = datetime.now(UTC)
    for user_id in sorted(changed):
        data = users[user_id]
        where = (_STATE.c.scope == 'user') & (_STATE.c.key == user_id)
        if not data:
            connection.execute(_STATE.delete().where(where))
        elif user_id in existing:
            connection.execute(_STATE.update().where(where).values(data=data, updated_at=now))
        else:
            connection.execute(_STATE.insert().values(scope='user', key=user_id, data=data, updated_at=now))
