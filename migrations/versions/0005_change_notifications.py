"""PostgreSQL: announce each new history event to other workstations; refuse TRUNCATE of history.

* ``events_notify``: after an event is inserted, ``NOTIFY gearroom_changes`` with
  ``{"id": …, "entity_kind": …}``. Notifications are delivered when the transaction commits (and
  never if it rolls back), so listening workstations refresh only on real changes.
* ``events_no_truncate``: history is append-only; ``TRUNCATE events`` is refused like UPDATE and
  DELETE are (row triggers do not fire on TRUNCATE).

SQLite has neither LISTEN/NOTIFY nor TRUNCATE: workstations there poll the newest event id.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UPGRADE = [
    "CREATE FUNCTION gearroom_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN PERFORM pg_notify('gearroom_changes', "
    "json_build_object('id', NEW.id, 'entity_kind', NEW.entity_kind)::text); "
    "RETURN NULL; END $$",
    "CREATE TRIGGER events_notify AFTER INSERT ON events "
    "FOR EACH ROW EXECUTE FUNCTION gearroom_events_notify()",
    "CREATE FUNCTION gearroom_events_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'history is append-only: events cannot be truncated'; END $$",
    "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events "
    "FOR EACH STATEMENT EXECUTE FUNCTION gearroom_events_no_truncate()",
]
_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS events_no_truncate ON events",
    "DROP FUNCTION IF EXISTS gearroom_events_no_truncate()",
    "DROP TRIGGER IF EXISTS events_notify ON events",
    "DROP FUNCTION IF EXISTS gearroom_events_notify()",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in _UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in _DOWNGRADE:
            op.execute(statement)
