"""Clients: the companies productions are for, with billing details, terms and a discount."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from gearroom.errors import ConflictError, NotFoundError, ValidationError
from gearroom.models import Client
from gearroom.services import history
from gearroom.services.actor import Actor, Permission
from gearroom.services.amounts import parse_percent, percent
from gearroom.services.names import did_you_mean, same_name
from gearroom.services.validation import clean_text


@dataclass(frozen=True)
class ClientView:
    id: int
    name: str
    email: str
    billing_address: str
    tax_number: str
    contacts: tuple[str, ...]
    payment_terms_days: int
    default_discount: Decimal


def client_view(c: Client) -> ClientView:
    return ClientView(
        c.id,
        c.name,
        c.email,
        c.billing_address,
        c.tax_number,
        tuple(line for line in c.contacts.splitlines() if line.strip()),
        c.payment_terms_days,
        percent(c.default_discount),
    )


def find_client(session: Session, name: str) -> Client | None:
    """The client of that name (any case or accents), or None."""
    text = " ".join(name.split())
    return session.scalar(select(Client).where(same_name(Client, text))) if text else None


def client_by_name(session: Session, name: str) -> Client:
    found = find_client(session, name)
    if found is None:
        names = session.scalars(select(Client.name))
        raise NotFoundError(
            f"There is no client called {name!r}."
            + did_you_mean(name, names)
            + " Add it with 'gearroom client add NAME'."
        )
    return found


def add_client(
    session: Session,
    actor: Actor,
    name: str,
    *,
    email: str = "",
    billing_address: str = "",
    tax_number: str = "",
    contacts: list[str] | tuple[str, ...] = (),
    terms_days: int = 30,
    discount: str | Decimal = "0",
) -> ClientView:
    """Add a client company (staff and admins)."""
    actor.require(Permission.PRICES, "add clients")
    clean = clean_text(name, "name", max_length=200, required=True)
    if find_client(session, clean) is not None:
        raise ConflictError(f"There is already a client called {clean!r}.")
    if int(terms_days) < 0 or int(terms_days) > 365:
        raise ValidationError(f"Payment terms must be 0 to 365 days, not {terms_days}.")
    client = Client(
        name=clean,
        email=clean_text(email, "email", max_length=200),
        billing_address=clean_text(billing_address, "billing address", max_length=2000),
        tax_number=clean_text(tax_number, "tax number", max_length=60),
        contacts="\n".join(clean_text(c, "contact", max_length=200) for c in contacts),
        payment_terms_days=int(terms_days),
        default_discount=parse_percent(discount, what="discount"),
    )
    session.add(client)
    session.flush()
    view = client_view(client)
    history.record(
        session,
        actor,
        "create",
        "client",
        client.id,
        "",
        f"Client {clean} added",
        after=dataclasses.asdict(view),
    )
    return view


def edit_client(
    session: Session,
    actor: Actor,
    client_id: int,
    *,
    name: str,
    email: str = "",
    billing_address: str = "",
    tax_number: str = "",
    contacts: list[str] | tuple[str, ...] = (),
    terms_days: int = 30,
    discount: str | Decimal = "0",
) -> ClientView:
    """Change a client's name, billing details, contacts, terms and default discount."""
    actor.require(Permission.PRICES, "edit clients")
    client = session.get(Client, client_id)
    if client is None:
        raise NotFoundError("That client no longer exists.")
    clean = clean_text(name, "name", max_length=200, required=True)
    other = find_client(session, clean)
    if other is not None and other.id != client.id:
        raise ConflictError(f"There is already a client called {clean!r}.")
    if int(terms_days) < 0 or int(terms_days) > 365:
        raise ValidationError(f"Payment terms must be 0 to 365 days, not {terms_days}.")
    before = dataclasses.asdict(client_view(client))
    client.name = clean
    client.email = clean_text(email, "email", max_length=200)
    client.billing_address = clean_text(billing_address, "billing address", max_length=2000)
    client.tax_number = clean_text(tax_number, "tax number", max_length=60)
    client.contacts = "\n".join(
        clean_text(c, "contact", max_length=200) for c in contacts if c.strip()
    )
    client.payment_terms_days = int(terms_days)
    client.default_discount = parse_percent(discount, what="discount")
    session.flush()
    view = client_view(client)
    history.record(
        session,
        actor,
        "update",
        "client",
        client.id,
        "",
        f"Client {clean} changed",
        before=before,
        after=dataclasses.asdict(view),
    )
    return view


def list_clients(session: Session, actor: Actor) -> list[ClientView]:
    actor.require(Permission.PRICES, "see clients' terms")
    return [client_view(c) for c in session.scalars(select(Client).order_by(Client.name_key))]


def client_id_for(session: Session, name: str) -> int | None:
    """The id of the client a production's client name names, if it is a known client."""
    found = find_client(session, name)
    return found.id if found is not None else None
