"""Models (products), bookings of a quantity of a model, and draft check-outs.

* ``product_models``: make + model within a category. One model is created per category for
  every distinct make + model of today's assets (the asset's name when both are empty), and
  every asset is linked to its model (``assets.model_id``); no asset row changes otherwise.
* ``model_reservations``: a quantity of a model held for a production between two dates.
* ``productions.cancelled_at`` / ``cancel_reason``: a cancelled production keeps its history
  and takes no new bookings.
* ``draft_checkouts`` / ``draft_scans``: what has been scanned for a check-out so far, saved
  scan by scan so a crash or a move to another workstation loses nothing.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from gearroom.text import name_key

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000


def model_name(make: str, model: str, fallback: str) -> str:
    """What a model is called: make and model, or the item's name when both are empty."""
    return " ".join(f"{make} {model}".split()) or " ".join(fallback.split())


def _fill_models() -> None:
    bind = op.get_bind()
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = bind.execute(
        sa.text("SELECT id, category_id, make, model, name FROM assets ORDER BY id")
    ).all()
    models: dict[tuple[int, str], int] = {}
    links: list[dict[str, int]] = []
    insert = sa.text(
        "INSERT INTO product_models (category_id, name, name_key, make, model, notes, "
        "created_at, updated_at) VALUES (:c, :n, :k, :make, :model, '', :now, :now)"
    )
    for asset_id, category_id, make, model, name in rows:
        shown = model_name(make or "", model or "", name or "")[:200]
        key = (int(category_id), name_key(shown))
        if key not in models:
            bind.execute(
                insert,
                {
                    "c": category_id,
                    "n": shown,
                    "k": key[1],
                    "make": make or "",
                    "model": model or "",
                    "now": now,
                },
            )
            models[key] = int(
                bind.execute(
                    sa.text(
                        "SELECT id FROM product_models WHERE category_id = :c AND name_key = :k"
                    ),
                    {"c": category_id, "k": key[1]},
                ).scalar_one()
            )
        links.append({"id": int(asset_id), "m": models[key]})
    update = sa.text("UPDATE assets SET model_id = :m WHERE id = :id")
    for start in range(0, len(links), BATCH):
        bind.execute(update, links[start : start + BATCH])


def upgrade() -> None:
    op.create_table(
        "product_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("make", sa.String(length=120), nullable=False),
        sa.Column("model", sa.String(length=120), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("name <> ''", name=op.f("ck_product_models_name_not_empty")),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_product_models_category_id_categories"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_models")),
        sa.UniqueConstraint("category_id", "name_key", name="uq_product_models_category_name"),
    )
    op.create_index(op.f("ix_product_models_name_key"), "product_models", ["name_key"])
    op.create_table(
        "model_reservations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("production_id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_model_reservations_quantity_positive")),
        sa.CheckConstraint(
            "end_date >= start_date", name=op.f("ck_model_reservations_dates_in_order")
        ),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["product_models.id"],
            name=op.f("fk_model_reservations_model_id_product_models"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["production_id"],
            ["productions.id"],
            name=op.f("fk_model_reservations_production_id_productions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_reservations")),
    )
    op.create_index(
        "ix_model_reservations_model_dates",
        "model_reservations",
        ["model_id", "start_date", "end_date"],
    )
    op.create_index("ix_model_reservations_production_id", "model_reservations", ["production_id"])
    op.create_table(
        "draft_checkouts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("production_id", sa.Integer(), nullable=False),
        sa.Column("custodian_id", sa.Integer(), nullable=True),
        sa.Column("due_back", sa.Date(), nullable=True),
        sa.Column("started_by", sa.String(length=120), nullable=False),
        sa.Column("workstation", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["custodian_id"],
            ["people.id"],
            name=op.f("fk_draft_checkouts_custodian_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["production_id"],
            ["productions.id"],
            name=op.f("fk_draft_checkouts_production_id_productions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_checkouts")),
    )
    op.create_index("ix_draft_checkouts_production_id", "draft_checkouts", ["production_id"])
    op.create_table(
        "draft_scans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=32), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("kit_tag", sa.String(length=32), nullable=False),
        sa.Column("unbooked_reason", sa.Text(), nullable=False),
        sa.Column("scanned_by", sa.String(length=120), nullable=False),
        sa.Column("scanned_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_draft_scans_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["draft_checkouts.id"],
            name=op.f("fk_draft_scans_draft_id_draft_checkouts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_scans")),
    )
    op.create_index("ix_draft_scans_draft_id", "draft_scans", ["draft_id"])
    with op.batch_alter_table("productions") as batch_op:
        batch_op.add_column(sa.Column("cancelled_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("cancel_reason", sa.Text(), nullable=False, server_default="")
        )
    with op.batch_alter_table("productions") as batch_op:
        batch_op.alter_column("cancel_reason", existing_type=sa.Text(), server_default=None)
    with op.batch_alter_table("assets") as batch_op:
        batch_op.add_column(sa.Column("model_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_assets_model_id_product_models"),
            "product_models",
            ["model_id"],
            ["id"],
        )
        batch_op.create_index("ix_assets_model_id", ["model_id"], unique=False)
    _fill_models()


def downgrade() -> None:
    with op.batch_alter_table("productions") as batch_op:
        batch_op.drop_column("cancel_reason")
        batch_op.drop_column("cancelled_at")
    with op.batch_alter_table("assets") as batch_op:
        batch_op.drop_index("ix_assets_model_id")
        batch_op.drop_constraint(
            batch_op.f("fk_assets_model_id_product_models"), type_="foreignkey"
        )
        batch_op.drop_column("model_id")
    op.drop_index("ix_draft_scans_draft_id", table_name="draft_scans")
    op.drop_table("draft_scans")
    op.drop_index("ix_draft_checkouts_production_id", table_name="draft_checkouts")
    op.drop_table("draft_checkouts")
    op.drop_index("ix_model_reservations_production_id", table_name="model_reservations")
    op.drop_index("ix_model_reservations_model_dates", table_name="model_reservations")
    op.drop_table("model_reservations")
    op.drop_index(op.f("ix_product_models_name_key"), table_name="product_models")
    op.drop_table("product_models")
