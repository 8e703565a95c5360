"""Tax rates by name: a rate card may name the tax rate its lines are taxed at, and every quote
and invoice line keeps the name of the rate it was taxed at (for the tax summary per rate).

* ``rate_cards.tax_rate``: the name of one of the house's tax rates (``pricing.tax_rates`` in
  the settings), or NULL: the card falls back on a less specific one, then the house's
  standard rate.
* ``quote_lines.tax_name`` and ``invoice_lines.tax_name``: the rate's name when the line was
  priced ("" on lines priced before: the standard rate).

Columns are added in place (``ALTER TABLE … ADD COLUMN``) on both engines, so the triggers that
freeze issued invoices stay as they are; adding a column with a default changes no row.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("rate_cards", sa.Column("tax_rate", sa.String(length=60), nullable=True))
    for table in ("quote_lines", "invoice_lines"):
        op.add_column(
            table,
            sa.Column("tax_name", sa.String(length=60), server_default="", nullable=False),
        )


def downgrade() -> None:
    # SQLite (3.35+) and PostgreSQL drop a column in place: no table is rebuilt, so the
    # triggers on invoice_lines survive.
    for table in ("invoice_lines", "quote_lines"):
        op.execute(f"ALTER TABLE {table} DROP COLUMN tax_name")
    op.execute("ALTER TABLE rate_cards DROP COLUMN tax_rate")
