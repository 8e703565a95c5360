"""Clients: editing one keeps its name unique and records the change in the history."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from gearroom.errors import ConflictError, NotFoundError, ValidationError
from gearroom.models import Event, Role
from gearroom.services import clients
from gearroom.services.actor import Actor, PermissionDenied


def test_edit_a_client(catalog_db, actor):
    with catalog_db.write() as s:
        a = clients.add_client(s, actor, "Northlight Films")
        clients.add_client(s, actor, "Parade Records")
        view = clients.edit_client(
            s,
            actor,
            a.id,
            name="Northlight Films Ltd",
            billing_address="12 Harbour Road\nBristol",
            tax_number="GB 123",
            contacts=["Mira, producer", "  ", "Ola, accounts"],
            terms_days=21,
            discount="12.5",
        )
        assert view.contacts == ("Mira, producer", "Ola, accounts")
        assert (view.payment_terms_days, view.default_discount) == (21, Decimal("12.50"))
        assert clients.find_client(s, "northlight films ltd") is not None
        event = s.scalars(
            select(Event).where(Event.entity_kind == "client").order_by(Event.id.desc())
        ).first()
        assert event is not None
        assert event.action == "update" and "Northlight Films Ltd" in event.summary
        with pytest.raises(ConflictError):
            clients.edit_client(s, actor, a.id, name="parade  records")
        with pytest.raises(ValidationError):
            clients.edit_client(s, actor, a.id, name="X", terms_days=400)
        with pytest.raises(ValidationError):
            clients.edit_client(s, actor, a.id, name="X", discount="lots")
        with pytest.raises(NotFoundError):
            clients.edit_client(s, actor, 999_999, name="Ghost")
        with pytest.raises(PermissionDenied):
            clients.edit_client(s, Actor("ash", Role.ASSISTANT), a.id, name="Y")
