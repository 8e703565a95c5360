"""Indexes for the kit report: date-range filters on check-outs, service tickets and history.

* ``checkouts.out_at``: check-outs in a period and lines out during it;
* ``checkout_lines (asset_id, returned_at)``: each item's last return (idle items);
* ``service_tickets.opened_at``: tickets opened in a period;
* ``events (action, at)``: the retire events before a date, without reading all history.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_checkouts_out_at", "checkouts", ["out_at"], unique=False)
    op.create_index(
        "ix_checkout_lines_asset_id_returned_at",
        "checkout_lines",
        ["asset_id", "returned_at"],
        unique=False,
    )
    op.create_index("ix_service_tickets_opened_at", "service_tickets", ["opened_at"], unique=False)
    op.create_index("ix_events_action_at", "events", ["action", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_events_action_at", table_name="events")
    op.drop_index("ix_service_tickets_opened_at", table_name="service_tickets")
    op.drop_index("ix_checkout_lines_asset_id_returned_at", table_name="checkout_lines")
    op.drop_index("ix_checkouts_out_at", table_name="checkouts")
