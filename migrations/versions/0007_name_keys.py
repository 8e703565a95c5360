"""Name keys and accent-forgiving search: stored keys computed in Python, the same on both engines.

* ``name_key`` on categories, locations, stock items, kits, people, productions and operators:
  the name NFKC-normalised and case-folded (:func:`gearroom.text.name_key`). Lookups by name
  compare it, so "ÉTÉ Øresund" finds "été øresund" on SQLite and PostgreSQL alike, which the
  databases' own ``lower()`` (ASCII only on SQLite, locale-bound on PostgreSQL) did not.
* ``assets.search_text`` was a generated ``lower(...)`` column; it becomes a plain column that
  Gearroom fills with the searchable columns folded for case and accents
  (:func:`gearroom.text.search_fold`), so "angenieux" finds "Angénieux". The covering index
  is rebuilt over it.

Both are filled here for existing rows, with the same functions the app uses.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from gearroom.text import name_key, search_fold

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAMED_TABLES = (
    "categories",
    "locations",
    "stock_items",
    "kits",
    "people",
    "productions",
    "operators",
)
SEARCH_COLUMNS = ("tag", "name", "make", "model", "serial")
SEARCH_INDEX_COLUMNS = ["tag", "status", "category_id", "location_id", "search_text"]
OLD_EXPRESSION = "lower(tag || ' ' || name || ' ' || make || ' ' || model || ' ' || serial)"
BATCH = 1000


def _fill(table: str, key: str, sources: Sequence[str], fold: object) -> None:
    """Set ``key`` from ``sources`` for every row, in batches of ids."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(f"SELECT id, {', '.join(sources)} FROM {table} ORDER BY id")).all()
    update = sa.text(f"UPDATE {table} SET {key} = :value WHERE id = :id")
    assert callable(fold)
    for start in range(0, len(rows), BATCH):
        bind.execute(
            update,
            [
                {"id": row[0], "value": fold(*(str(v or "") for v in row[1:]))}
                for row in rows[start : start + BATCH]
            ],
        )


def upgrade() -> None:
    for table in NAMED_TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("name_key", sa.String(length=200), nullable=True))
        _fill(table, "name_key", ("name",), name_key)
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column("name_key", existing_type=sa.String(length=200), nullable=False)
            batch_op.create_index(batch_op.f(f"ix_{table}_name_key"), ["name_key"], unique=False)

    op.execute("DROP INDEX ix_assets_search")
    with op.batch_alter_table("assets") as batch_op:
        batch_op.drop_column("search_text")
    with op.batch_alter_table("assets") as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=True))
    _fill("assets", "search_text", SEARCH_COLUMNS, lambda *v: search_fold(" ".join(v)))
    with op.batch_alter_table("assets") as batch_op:
        batch_op.alter_column("search_text", existing_type=sa.Text(), nullable=False)
        batch_op.create_index("ix_assets_search", SEARCH_INDEX_COLUMNS, unique=False)


def downgrade() -> None:
    op.execute("DROP INDEX ix_assets_search")
    with op.batch_alter_table("assets") as batch_op:
        batch_op.drop_column("search_text")
    kind = "STORED" if op.get_bind().dialect.name == "postgresql" else "VIRTUAL"
    op.execute(
        f"ALTER TABLE assets ADD COLUMN search_text TEXT GENERATED ALWAYS AS ({OLD_EXPRESSION}) "
        f"{kind}"
    )
    op.execute(f"CREATE INDEX ix_assets_search ON assets ({', '.join(SEARCH_INDEX_COLUMNS)})")
    for table in reversed(NAMED_TABLES):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_name_key"))
            batch_op.drop_column("name_key")
