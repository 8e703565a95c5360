"""Asset search: a generated search_text column and a covering index in tag order.

Search-as-you-type matched five columns with ilike on every row of the table; one lower-cased
column that the database keeps up to date, read from an index that also holds the tag order and
the inventory's filters, answers a keystroke on 50,000 assets in a few milliseconds.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EXPRESSION = "lower(tag || ' ' || name || ' ' || make || ' ' || model || ' ' || serial)"
INDEX_COLUMNS = "tag, status, category_id, location_id, search_text"


def upgrade() -> None:
    # SQLite can add a VIRTUAL generated column in place; PostgreSQL (before 18) wants STORED.
    kind = "STORED" if op.get_bind().dialect.name == "postgresql" else "VIRTUAL"
    op.execute(
        f"ALTER TABLE assets ADD COLUMN search_text TEXT GENERATED ALWAYS AS ({EXPRESSION}) {kind}"
    )
    op.execute(f"CREATE INDEX ix_assets_search ON assets ({INDEX_COLUMNS})")


def downgrade() -> None:
    op.execute("DROP INDEX ix_assets_search")
    with op.batch_alter_table("assets") as batch_op:
        batch_op.drop_column("search_text")
