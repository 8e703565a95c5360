"""Productions, shoot days, reservations, check-outs, service tickets and shared settings.

The partial unique indexes are the guarantee behind check-out: one asset never has two open
check-out lines, and never two open service tickets, whichever workstation writes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "productions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("client", sa.String(length=200), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["people.id"],
            name=op.f("fk_productions_contact_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_productions")),
        sa.UniqueConstraint("name", name=op.f("uq_productions_name")),
        sa.UniqueConstraint("tag", name=op.f("uq_productions_tag")),
    )
    op.create_table(
        "checkouts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("production_id", sa.Integer(), nullable=False),
        sa.Column("custodian_id", sa.Integer(), nullable=False),
        sa.Column("out_at", sa.DateTime(), nullable=False),
        sa.Column("due_back", sa.Date(), nullable=False),
        sa.Column("operator", sa.String(length=120), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["custodian_id"], ["people.id"], name=op.f("fk_checkouts_custodian_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["production_id"],
            ["productions.id"],
            name=op.f("fk_checkouts_production_id_productions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkouts")),
    )
    with op.batch_alter_table("checkouts", schema=None) as batch_op:
        batch_op.create_index("ix_checkouts_due_back", ["due_back"], unique=False)
        batch_op.create_index("ix_checkouts_production_id", ["production_id"], unique=False)

    op.create_table(
        "reservations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("production_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=True),
        sa.Column("stock_item_id", sa.Integer(), nullable=True),
        sa.Column("kit_id", sa.Integer(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(asset_id IS NULL) <> (stock_item_id IS NULL)",
            name=op.f("ck_reservations_one_asset_or_stock"),
        ),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_reservations_dates_in_order")),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_reservations_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets.id"],
            name=op.f("fk_reservations_asset_id_assets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["kit_id"], ["kits.id"], name=op.f("fk_reservations_kit_id_kits"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["production_id"],
            ["productions.id"],
            name=op.f("fk_reservations_production_id_productions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["stock_item_id"],
            ["stock_items.id"],
            name=op.f("fk_reservations_stock_item_id_stock_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reservations")),
    )
    with op.batch_alter_table("reservations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reservations_asset_dates", ["asset_id", "start_date", "end_date"], unique=False
        )
        batch_op.create_index("ix_reservations_production_id", ["production_id"], unique=False)
        batch_op.create_index("ix_reservations_start_date", ["start_date"], unique=False)
        batch_op.create_index(
            "ix_reservations_stock_dates", ["stock_item_id", "start_date", "end_date"], unique=False
        )

    op.create_table(
        "shoot_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("production_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "prep",
                "shoot",
                "wrap",
                "travel",
                "hold",
                name="shoot_day_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("call_time", sa.Time(), nullable=True),
        sa.ForeignKeyConstraint(
            ["production_id"],
            ["productions.id"],
            name=op.f("fk_shoot_days_production_id_productions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shoot_days")),
        sa.UniqueConstraint("production_id", "day", name="uq_shoot_days_production_id_day"),
    )
    with op.batch_alter_table("shoot_days", schema=None) as batch_op:
        batch_op.create_index("ix_shoot_days_day", ["day"], unique=False)

    op.create_table(
        "checkout_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("checkout_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=True),
        sa.Column("stock_item_id", sa.Integer(), nullable=True),
        sa.Column("kit_id", sa.Integer(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("returned_quantity", sa.Integer(), nullable=False),
        sa.Column("returned_at", sa.DateTime(), nullable=True),
        sa.Column(
            "condition",
            sa.Enum(
                "ok",
                "damaged",
                "service",
                "missing",
                name="return_condition",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "(asset_id IS NULL) <> (stock_item_id IS NULL)",
            name=op.f("ck_checkout_lines_one_asset_or_stock"),
        ),
        sa.CheckConstraint(
            "asset_id IS NULL OR quantity = 1", name=op.f("ck_checkout_lines_asset_quantity_one")
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_checkout_lines_quantity_positive")),
        sa.CheckConstraint(
            "returned_quantity >= 0 AND returned_quantity <= quantity",
            name=op.f("ck_checkout_lines_returned_within_quantity"),
        ),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["assets.id"], name=op.f("fk_checkout_lines_asset_id_assets")
        ),
        sa.ForeignKeyConstraint(
            ["checkout_id"],
            ["checkouts.id"],
            name=op.f("fk_checkout_lines_checkout_id_checkouts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["kit_id"], ["kits.id"], name=op.f("fk_checkout_lines_kit_id_kits"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["stock_item_id"],
            ["stock_items.id"],
            name=op.f("fk_checkout_lines_stock_item_id_stock_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkout_lines")),
    )
    with op.batch_alter_table("checkout_lines", schema=None) as batch_op:
        batch_op.create_index("ix_checkout_lines_checkout_id", ["checkout_id"], unique=False)
        batch_op.create_index("ix_checkout_lines_returned_at", ["returned_at"], unique=False)
        batch_op.create_index("ix_checkout_lines_stock_item_id", ["stock_item_id"], unique=False)
        batch_op.create_index(
            "uq_checkout_lines_open_asset",
            ["asset_id"],
            unique=True,
            sqlite_where=sa.text("returned_at IS NULL"),
            postgresql_where=sa.text("returned_at IS NULL"),
        )

    op.create_table(
        "service_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("production_id", sa.Integer(), nullable=True),
        sa.Column("checkout_line_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("opened_by", sa.String(length=120), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets.id"],
            name=op.f("fk_service_tickets_asset_id_assets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["checkout_line_id"],
            ["checkout_lines.id"],
            name=op.f("fk_service_tickets_checkout_line_id_checkout_lines"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["production_id"],
            ["productions.id"],
            name=op.f("fk_service_tickets_production_id_productions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_tickets")),
    )
    with op.batch_alter_table("service_tickets", schema=None) as batch_op:
        batch_op.create_index("ix_service_tickets_closed_at", ["closed_at"], unique=False)
        batch_op.create_index(
            "uq_service_tickets_open_asset",
            ["asset_id"],
            unique=True,
            sqlite_where=sa.text("closed_at IS NULL"),
            postgresql_where=sa.text("closed_at IS NULL"),
        )

    op.create_table(
        "service_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("operator", sa.String(length=120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["service_tickets.id"],
            name=op.f("fk_service_notes_ticket_id_service_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_notes")),
    )
    with op.batch_alter_table("service_notes", schema=None) as batch_op:
        batch_op.create_index("ix_service_notes_ticket_id", ["ticket_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("service_notes", schema=None) as batch_op:
        batch_op.drop_index("ix_service_notes_ticket_id")

    op.drop_table("service_notes")
    with op.batch_alter_table("service_tickets", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_service_tickets_open_asset",
            sqlite_where=sa.text("closed_at IS NULL"),
            postgresql_where=sa.text("closed_at IS NULL"),
        )
        batch_op.drop_index("ix_service_tickets_closed_at")

    op.drop_table("service_tickets")
    with op.batch_alter_table("checkout_lines", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_checkout_lines_open_asset",
            sqlite_where=sa.text("returned_at IS NULL"),
            postgresql_where=sa.text("returned_at IS NULL"),
        )
        batch_op.drop_index("ix_checkout_lines_stock_item_id")
        batch_op.drop_index("ix_checkout_lines_returned_at")
        batch_op.drop_index("ix_checkout_lines_checkout_id")

    op.drop_table("checkout_lines")
    with op.batch_alter_table("shoot_days", schema=None) as batch_op:
        batch_op.drop_index("ix_shoot_days_day")

    op.drop_table("shoot_days")
    with op.batch_alter_table("reservations", schema=None) as batch_op:
        batch_op.drop_index("ix_reservations_stock_dates")
        batch_op.drop_index("ix_reservations_start_date")
        batch_op.drop_index("ix_reservations_production_id")
        batch_op.drop_index("ix_reservations_asset_dates")

    op.drop_table("reservations")
    with op.batch_alter_table("checkouts", schema=None) as batch_op:
        batch_op.drop_index("ix_checkouts_production_id")
        batch_op.drop_index("ix_checkouts_due_back")

    op.drop_table("checkouts")
    op.drop_table("productions")
    op.drop_table("settings")
