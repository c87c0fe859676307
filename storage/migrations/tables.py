"""The shapes the migrations make tables in: a table with its constraints and indexes, named by the convention.

Only revisions under versions/ use this module, and what they create is history: a function here must keep
emitting exactly the SQL it does (a new shape is a new function). Like the revisions, it imports nothing of
the bot (a migration must not change when the code does).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

# An index on one column, named ix_<table>_<column>; or (name, columns) for one named on its own.
Index = str | tuple[str, list[str]]


def enum(name: str, *values: str) -> sa.Enum:
    """An enum stored as a string with a CHECK of its values."""
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=24)


def moment(name: str, *, nullable: bool) -> sa.Column[Any]:
    """A point in time, stored with its time zone."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def create_table(table: str, *columns: sa.Column[Any], references: dict[str, str],
                 primary_key: Sequence[str] = ('id',), unique: Sequence[str] = (),
                 indexes: Sequence[Index] = ()) -> None:
    """The table with its columns, a foreign key to `<target>.id` for each column in `references`, its primary key,
    its unique constraint if any, and then its indexes in the order given; every name by the naming convention."""
    op.create_table(
        table, *columns,
        *(sa.ForeignKeyConstraint([column], [f'{target}.id'], name=op.f(f'fk_{table}_{column}_{target}'))
          for column, target in references.items()),
        sa.PrimaryKeyConstraint(*primary_key, name=op.f(f'pk_{table}')),
        *([sa.UniqueConstraint(*unique, name=op.f(f"uq_{table}_{'_'.join(unique)}"))] if unique else []),
    )
    if indexes:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for index in indexes:
                if isinstance(index, str):
                    batch_op.create_index(batch_op.f(f'ix_{table}_{index}'), [index], unique=False)
                else:
                    batch_op.create_index(index[0], index[1], unique=False)


def drop_table(table: str, indexes: Sequence[Index] = ()) -> None:
    """Undoes `create_table`: its indexes in reverse, then the table."""
    if indexes:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for index in reversed(indexes):
                batch_op.drop_index(batch_op.f(f'ix_{table}_{index}') if isinstance(index, str) else index[0])
    op.drop_table(table)
