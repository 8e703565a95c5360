"""Money: clients, rate cards, quotes, orders, invoices, credit notes, payments.

* ``clients``; ``productions.client_id`` names the client a production is for (nullable).
* ``rate_cards``: a day (and optional week) rate on a model, asset, kit, stock item or category.
* ``quotes`` / ``quote_lines`` (numbered and versioned), ``orders`` (an accepted quote).
* ``invoices`` / ``invoice_lines`` (invoices and credit notes), ``payments`` and
  ``document_counters`` (the gap-free number series per year).
* ``assets.replacement_value`` (what a lost item is charged at, else its purchase value) and
  ``service_tickets.repair_cost`` (what a damage costs the client).

An issued invoice or credit note and its lines can never change: triggers refuse UPDATE and
DELETE of them (and new lines on them) on SQLite and PostgreSQL alike. Amounts are integers in
the currency's minor unit.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

_ONE_TARGET = (
    "(CASE WHEN model_id IS NULL THEN 0 ELSE 1 END + CASE WHEN asset_id IS NULL THEN 0 "
    "ELSE 1 END + CASE WHEN kit_id IS NULL THEN 0 ELSE 1 END + CASE WHEN stock_item_id "
    "IS NULL THEN 0 ELSE 1 END + CASE WHEN category_id IS NULL THEN 0 ELSE 1 END) = 1"
)

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("billing_address", sa.Text(), nullable=False),
        sa.Column("tax_number", sa.String(length=60), nullable=False),
        sa.Column("contacts", sa.Text(), nullable=False),
        sa.Column("payment_terms_days", sa.Integer(), nullable=False),
        sa.Column("default_discount", sa.Numeric(precision=7, scale=4), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("name <> ''", name=op.f("ck_clients_name_not_empty")),
        sa.CheckConstraint(
            "default_discount >= 0 AND default_discount <= 100",
            name=op.f("ck_clients_discount_in_range"),
        ),
        sa.CheckConstraint("payment_terms_days >= 0", name=op.f("ck_clients_terms_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clients")),
        sa.UniqueConstraint("name_key", name="uq_clients_name_key"),
    )
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_clients_name_key"), ["name_key"], unique=False)

    op.create_table(
        "document_counters",
        sa.Column("series", sa.String(length=8), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("next_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("series", "year", name=op.f("pk_document_counters")),
    )
    op.create_table(
        "quotes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("production_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "sent",
                "superseded",
                "accepted",
                name="quote_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("discount_pct", sa.Numeric(precision=7, scale=4), nullable=False),
        sa.Column("hire_start", sa.Date(), nullable=True),
        sa.Column("hire_end", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_quotes_client_id_clients"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["production_id"], ["productions.id"], name=op.f("fk_quotes_production_id_productions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quotes")),
        sa.UniqueConstraint("number", "version", name="uq_quotes_number_version"),
    )
    with op.batch_alter_table("quotes", schema=None) as batch_op:
        batch_op.create_index("ix_quotes_production_id", ["production_id"], unique=False)

    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("production_id", sa.Integer(), nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(), nullable=False),
        sa.Column("accepted_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["production_id"], ["productions.id"], name=op.f("fk_orders_production_id_productions")
        ),
        sa.ForeignKeyConstraint(
            ["quote_id"], ["quotes.id"], name=op.f("fk_orders_quote_id_quotes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("production_id", name=op.f("uq_orders_production_id")),
    )
    op.create_table(
        "quote_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "hire",
                "late",
                "loss",
                "damage",
                "sale",
                "credit",
                name="line_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=True),
        sa.Column("model_id", sa.Integer(), nullable=True),
        sa.Column("kit_id", sa.Integer(), nullable=True),
        sa.Column("stock_item_id", sa.Integer(), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("days", sa.Numeric(precision=9, scale=2), nullable=False),
        sa.Column("day_minor", sa.BigInteger(), nullable=False),
        sa.Column("week_minor", sa.BigInteger(), nullable=True),
        sa.Column("gross_minor", sa.BigInteger(), nullable=False),
        sa.Column("discount_pct", sa.Numeric(precision=7, scale=4), nullable=False),
        sa.Column("net_minor", sa.BigInteger(), nullable=False),
        sa.Column("tax_pct", sa.Numeric(precision=7, scale=4), nullable=False),
        sa.Column("tax_minor", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["quote_id"],
            ["quotes.id"],
            name=op.f("fk_quote_lines_quote_id_quotes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quote_lines")),
    )
    with op.batch_alter_table("quote_lines", schema=None) as batch_op:
        batch_op.create_index("ix_quote_lines_quote_id", ["quote_id"], unique=False)

    op.create_table(
        "rate_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=True),
        sa.Column("asset_id", sa.Integer(), nullable=True),
        sa.Column("kit_id", sa.Integer(), nullable=True),
        sa.Column("stock_item_id", sa.Integer(), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("day_minor", sa.BigInteger(), nullable=False),
        sa.Column("week_minor", sa.BigInteger(), nullable=True),
        sa.Column("sale_minor", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            _ONE_TARGET,
            name=op.f("ck_rate_cards_one_target"),
        ),
        sa.CheckConstraint("day_minor >= 0", name=op.f("ck_rate_cards_day_not_negative")),
        sa.CheckConstraint(
            "week_minor IS NULL OR week_minor >= 0", name=op.f("ck_rate_cards_week_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets.id"],
            name=op.f("fk_rate_cards_asset_id_assets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_rate_cards_category_id_categories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["kit_id"], ["kits.id"], name=op.f("fk_rate_cards_kit_id_kits"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["product_models.id"],
            name=op.f("fk_rate_cards_model_id_product_models"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["stock_item_id"],
            ["stock_items.id"],
            name=op.f("fk_rate_cards_stock_item_id_stock_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_cards")),
        sa.UniqueConstraint("asset_id", name="uq_rate_cards_asset_id"),
        sa.UniqueConstraint("category_id", name="uq_rate_cards_category_id"),
        sa.UniqueConstraint("kit_id", name="uq_rate_cards_kit_id"),
        sa.UniqueConstraint("model_id", name="uq_rate_cards_model_id"),
        sa.UniqueConstraint("stock_item_id", name="uq_rate_cards_stock_item_id"),
    )
    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "invoice",
                "credit_note",
                name="document_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("number", sa.String(length=20), nullable=True),
        sa.Column("production_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("credits_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("issued_by", sa.String(length=120), nullable=False),
        sa.Column("net_minor", sa.BigInteger(), nullable=False),
        sa.Column("tax_minor", sa.BigInteger(), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(number IS NULL) = (issued_on IS NULL)", name=op.f("ck_invoices_number_iff_issued")
        ),
        sa.CheckConstraint(
            "total_minor = net_minor + tax_minor", name=op.f("ck_invoices_total_adds_up")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_invoices_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["credits_id"], ["invoices.id"], name=op.f("fk_invoices_credits_id_invoices")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_invoices_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["production_id"],
            ["productions.id"],
            name=op.f("fk_invoices_production_id_productions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("number", name=op.f("uq_invoices_number")),
    )
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_index("ix_invoices_due_on", ["due_on"], unique=False)
        batch_op.create_index("ix_invoices_production_id", ["production_id"], unique=False)

    op.create_table(
        "invoice_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "hire",
                "late",
                "loss",
                "damage",
                "sale",
                "credit",
                name="line_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=True),
        sa.Column("model_id", sa.Integer(), nullable=True),
        sa.Column("kit_id", sa.Integer(), nullable=True),
        sa.Column("stock_item_id", sa.Integer(), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("days", sa.Numeric(precision=9, scale=2), nullable=False),
        sa.Column("day_minor", sa.BigInteger(), nullable=False),
        sa.Column("week_minor", sa.BigInteger(), nullable=True),
        sa.Column("gross_minor", sa.BigInteger(), nullable=False),
        sa.Column("discount_pct", sa.Numeric(precision=7, scale=4), nullable=False),
        sa.Column("net_minor", sa.BigInteger(), nullable=False),
        sa.Column("tax_pct", sa.Numeric(precision=7, scale=4), nullable=False),
        sa.Column("tax_minor", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_invoice_lines_invoice_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_lines")),
    )
    with op.batch_alter_table("invoice_lines", schema=None) as batch_op:
        batch_op.create_index("ix_invoice_lines_invoice_id", ["invoice_id"], unique=False)

    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("amount_minor > 0", name=op.f("ck_payments_amount_positive")),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_payments_invoice_id_invoices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index("ix_payments_invoice_id", ["invoice_id"], unique=False)

    with op.batch_alter_table("assets", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("replacement_value", sa.Numeric(precision=12, scale=2), nullable=True)
        )

    with op.batch_alter_table("productions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_productions_client_id_clients"),
            "clients",
            ["client_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("service_tickets", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("repair_cost", sa.Numeric(precision=12, scale=2), nullable=True)
        )

    _create_issued_guard()


def downgrade() -> None:
    _drop_issued_guard()
    with op.batch_alter_table("service_tickets", schema=None) as batch_op:
        batch_op.drop_column("repair_cost")

    with op.batch_alter_table("productions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_productions_client_id_clients"), type_="foreignkey")
        batch_op.drop_column("client_id")

    with op.batch_alter_table("assets", schema=None) as batch_op:
        batch_op.drop_column("replacement_value")

    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index("ix_payments_invoice_id")

    op.drop_table("payments")
    with op.batch_alter_table("invoice_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_invoice_lines_invoice_id")

    op.drop_table("invoice_lines")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index("ix_invoices_production_id")
        batch_op.drop_index("ix_invoices_due_on")

    op.drop_table("invoices")
    op.drop_table("rate_cards")
    with op.batch_alter_table("quote_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_quote_lines_quote_id")

    op.drop_table("quote_lines")
    op.drop_table("orders")
    with op.batch_alter_table("quotes", schema=None) as batch_op:
        batch_op.drop_index("ix_quotes_production_id")

    op.drop_table("quotes")
    op.drop_table("document_counters")
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clients_name_key"))

    op.drop_table("clients")


_ISSUED = "an issued invoice cannot change: correct it with a credit note"
_LINE_ISSUED = "(SELECT number FROM invoices WHERE id = {row}.invoice_id) IS NOT NULL"
#: SQLite: one trigger per table and statement: its name, table, statement and the row it reads.
_SQLITE_TRIGGERS = (
    ("invoices_issued_no_update", "invoices", "UPDATE", "OLD"),
    ("invoices_issued_no_delete", "invoices", "DELETE", "OLD"),
    ("invoice_lines_issued_no_update", "invoice_lines", "UPDATE", "OLD"),
    ("invoice_lines_issued_no_delete", "invoice_lines", "DELETE", "OLD"),
    ("invoice_lines_issued_no_insert", "invoice_lines", "INSERT", "NEW"),
)
_SQLITE_GUARD = [
    f"CREATE TRIGGER {name} BEFORE {statement} ON {table} WHEN "
    + (f"{row}.number IS NOT NULL" if table == "invoices" else _LINE_ISSUED.format(row=row))
    + f" BEGIN SELECT RAISE(ABORT, '{_ISSUED}'); END"
    for name, table, statement, row in _SQLITE_TRIGGERS
]
_PG_GUARD = [
    "CREATE FUNCTION gearroom_invoices_issued() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN IF OLD.number IS NOT NULL THEN RAISE EXCEPTION '{_ISSUED}'; END IF; "
    "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$",
    "CREATE TRIGGER invoices_issued_frozen BEFORE UPDATE OR DELETE ON invoices "
    "FOR EACH ROW EXECUTE FUNCTION gearroom_invoices_issued()",
    "CREATE FUNCTION gearroom_invoice_lines_issued() RETURNS trigger LANGUAGE plpgsql AS $$ "
    + "".join(
        f"{'BEGIN ' if row == 'OLD' else ''}IF TG_OP <> '{skip}' AND "
        f"{_LINE_ISSUED.format(row=row)} THEN RAISE EXCEPTION '{_ISSUED}'; END IF; "
        for skip, row in (("INSERT", "OLD"), ("DELETE", "NEW"))
    )
    + "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$",
    "CREATE TRIGGER invoice_lines_issued_frozen BEFORE INSERT OR UPDATE OR DELETE "
    "ON invoice_lines FOR EACH ROW EXECUTE FUNCTION gearroom_invoice_lines_issued()",
]


def _create_issued_guard() -> None:
    """Issued invoices and credit notes, and their lines, can never change: the database says no."""
    dialect = op.get_bind().dialect.name
    for statement in (
        _SQLITE_GUARD if dialect == "sqlite" else _PG_GUARD if dialect == "postgresql" else []
    ):
        op.execute(statement)


def _drop_issued_guard() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name, *_rest in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS invoice_lines_issued_frozen ON invoice_lines")
        op.execute("DROP TRIGGER IF EXISTS invoices_issued_frozen ON invoices")
        op.execute("DROP FUNCTION IF EXISTS gearroom_invoice_lines_issued()")
        op.execute("DROP FUNCTION IF EXISTS gearroom_invoices_issued()")
