"""Operators: sign-in with a PIN, roles, the first admin, badge switching.

PINs and passwords are stored only as salted scrypt hashes. After
:data:`MAX_FAILED_ATTEMPTS` wrong PINs in a row an operator is locked until an admin resets the PIN.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from gearroom.errors import ConflictError, GearroomError, NotFoundError, ValidationError
from gearroom.models import Operator, Person, Role, utcnow
from gearroom.services import history
from gearroom.services.actor import Actor, Permission
from gearroom.services.names import same_name
from gearroom.services.people import person_by_key
from gearroom.services.tags import normalize_tag
from gearroom.services.validation import clean_text

SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
MIN_PIN_LENGTH = 4
#: An admin's PIN (or passphrase) is longer: it unlocks operators, backups and restores.
MIN_ADMIN_PIN_LENGTH = 6
MAX_FAILED_ATTEMPTS = 5
#: The PIN of the demo operators (``gearroom init --demo``).
DEMO_PIN = "1234"


class SignInError(GearroomError):
    """Wrong name or PIN, or a locked or inactive operator."""

    exit_code = 6


@dataclass(frozen=True)
class OperatorView:
    id: int
    name: str
    display_name: str
    role: Role
    badge: str | None
    active: bool
    locked: bool
    last_sign_in: datetime | None


def hash_pin(pin: str) -> str:
    """A salted scrypt hash of ``pin`` in a self-describing text form."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def check_pin(pin: str, stored: str) -> bool:
    """Whether ``pin`` matches the stored hash (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            pin.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def _validate_pin(pin: str, role: Role | None = None) -> str:
    if role is Role.ADMIN and len(pin) < MIN_ADMIN_PIN_LENGTH:
        raise ValidationError(
            f"An admin's PIN is at least {MIN_ADMIN_PIN_LENGTH} characters (digits or a "
            "passphrase).",
            field="pin",
        )
    if len(pin) < MIN_PIN_LENGTH or len(pin) > 64:
        raise ValidationError(f"A PIN is {MIN_PIN_LENGTH} to 64 characters.", field="pin")
    if any(not ch.isprintable() for ch in pin):
        raise ValidationError("A PIN cannot hold control characters.", field="pin")
    return pin


def _view(op: Operator) -> OperatorView:
    return OperatorView(
        op.id,
        op.name,
        op.display_name,
        op.role,
        op.person.badge if op.person else None,
        op.active,
        op.failed_attempts >= MAX_FAILED_ATTEMPTS,
        op.last_sign_in,
    )


def has_operators(session: Session) -> bool:
    """False on a new database: then the first operator created must be an admin."""
    return bool(session.scalar(select(func.count()).select_from(Operator)))


def list_operators(session: Session) -> list[OperatorView]:
    return [_view(o) for o in session.scalars(select(Operator).order_by(Operator.name))]


def _by_name(session: Session, name: str) -> Operator | None:
    return session.scalar(select(Operator).where(same_name(Operator, name)))


def operator_by_name(session: Session, name: str) -> Operator | None:
    """The operator called ``name`` (compared by the folded name key), if any."""
    return _by_name(session, name)


def create_operator(
    session: Session,
    actor: Actor,
    name: str,
    role: Role | str,
    pin: str,
    *,
    display_name: str = "",
    badge: str | None = None,
    _demo: bool = False,
) -> OperatorView:
    """Add an operator. On a database with no operators yet, this creates the first admin."""
    first = not has_operators(session)
    role = Role(role)
    if first and role is not Role.ADMIN:
        raise ValidationError("The first operator must be an admin.", field="role")
    if not first:
        actor.require(Permission.OPERATORS, "manage operators")
    clean = clean_text(name, "name", max_length=60, required=True)
    if not clean.replace("-", "").replace("_", "").replace(".", "").isalnum():
        raise ValidationError(
            "An operator name is letters, digits, '.', '-' and '_'.", field="name"
        )
    if _by_name(session, clean) is not None:
        raise ConflictError(f"There is an operator called {clean} already.")
    op = Operator(
        name=clean,
        display_name=clean_text(display_name, "display_name", max_length=200) or clean,
        role=role,
        pin_hash=hash_pin(_validate_pin(pin, None if _demo else role)),
        person=person_by_key(session, badge) if badge else None,
    )
    session.add(op)
    session.flush()
    by = actor if not first else Actor(clean, Role.ADMIN)
    history.record(
        session,
        by,
        "create",
        "operator",
        op.id,
        "",
        f"Operator {clean} ({role.value}) added",
        after={"name": clean, "role": role, "badge": op.person.badge if op.person else None},
    )
    return _view(op)


@dataclass(frozen=True)
class SignInResult:
    """The outcome of a sign-in. The session must be committed either way (attempt counter)."""

    actor: Actor | None
    message: str = ""

    def actor_or_raise(self) -> Actor:
        if self.actor is None:
            raise SignInError(self.message)
        return self.actor


def _check(session: Session, op: Operator | None, pin: str) -> SignInResult:
    """One guess, counted before it is checked.

    The attempt is reserved by a single ``UPDATE … SET failed_attempts = failed_attempts + 1
    WHERE failed_attempts < limit`` (a row lock on PostgreSQL, the write lock on SQLite), so
    however many processes guess at once, at most :data:`MAX_FAILED_ATTEMPTS` PINs are ever
    compared; a right PIN then sets the counter back to zero.
    """
    if op is None or not op.active:
        return SignInResult(None, "Wrong name or PIN.")
    reserved = session.execute(
        update(Operator)
        .where(Operator.id == op.id, Operator.failed_attempts < MAX_FAILED_ATTEMPTS)
        .values(failed_attempts=Operator.failed_attempts + 1)
        .returning(Operator.failed_attempts)
        .execution_options(synchronize_session=False)
    ).scalar()
    if reserved is None:
        session.refresh(op)
        return SignInResult(
            None,
            f"{op.name} is locked after {MAX_FAILED_ATTEMPTS} wrong PINs; an admin can reset "
            "the PIN ('gearroom operator pin NAME'); a house with no admin left: see "
            "'gearroom operator unlock --help'.",
        )
    if not check_pin(pin, op.pin_hash):
        session.refresh(op)
        return SignInResult(None, "Wrong name or PIN.")
    session.execute(
        update(Operator)
        .where(Operator.id == op.id)
        .values(failed_attempts=0, last_sign_in=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.refresh(op)
    return SignInResult(Actor(op.name, op.role))


def sign_in(session: Session, name: str, pin: str) -> SignInResult:
    """Check ``name`` and ``pin``; commit the session, then ``actor_or_raise()``."""
    return _check(session, _by_name(session, name), pin)


def sign_in_by_badge(session: Session, badge: str, pin: str) -> SignInResult:
    """Quick switch: a scanned person badge linked to an operator, plus their PIN."""
    op = session.scalar(
        select(Operator)
        .join(Person, Operator.person_id == Person.id)
        .where(Person.badge == normalize_tag(badge))
    )
    if op is None:
        return SignInResult(None, f"The badge {normalize_tag(badge)} belongs to no operator.")
    return _check(session, op, pin)


def operator_for_badge(session: Session, badge: str) -> str | None:
    """The operator name a badge belongs to, if any (to ask for their PIN)."""
    return session.scalar(
        select(Operator.name)
        .join(Person, Operator.person_id == Person.id)
        .where(Person.badge == normalize_tag(badge), Operator.active.is_(True))
    )


def set_pin(session: Session, actor: Actor, name: str, new_pin: str) -> OperatorView:
    """An operator changes their own PIN; an admin resets anyone's (and unlocks them)."""
    op = _by_name(session, name)
    if op is None:
        raise NotFoundError(f"There is no operator called {name}.")
    if op.name != actor.name:
        actor.require(Permission.OPERATORS, "reset other operators' PINs")
    op.pin_hash = hash_pin(_validate_pin(new_pin, op.role))
    op.failed_attempts = 0
    session.flush()
    history.record(session, actor, "pin", "operator", op.id, "", f"PIN of {op.name} changed")
    return _view(op)


def update_operator(
    session: Session,
    actor: Actor,
    name: str,
    *,
    role: Role | str | None = None,
    active: bool | None = None,
) -> OperatorView:
    actor.require(Permission.OPERATORS, "manage operators")
    op = _by_name(session, name)
    if op is None:
        raise NotFoundError(f"There is no operator called {name}.")
    before = {"role": op.role, "active": op.active}
    if role is not None:
        op.role = Role(role)
    if active is not None:
        op.active = active
    admins = session.scalar(
        select(func.count())
        .select_from(Operator)
        .where(Operator.role == Role.ADMIN, Operator.active.is_(True))
    )
    session.flush()
    admins = session.scalar(
        select(func.count())
        .select_from(Operator)
        .where(Operator.role == Role.ADMIN, Operator.active.is_(True))
    )
    if not admins:
        raise ConflictError("At least one active admin must remain.")
    after = {"role": op.role, "active": op.active}
    if after != before:
        history.record(
            session,
            actor,
            "edit",
            "operator",
            op.id,
            "",
            f"Operator {op.name} changed",
            before=before,
            after=after,
        )
    return _view(op)


def create_demo_operators(session: Session, actor: Actor) -> list[OperatorView]:
    """admin, staff and assistant, each with PIN 1234 (for trying Gearroom out)."""
    made: list[OperatorView] = []
    for role in (Role.ADMIN, Role.STAFF, Role.ASSISTANT):
        if _by_name(session, role.value) is None:
            made.append(
                create_operator(
                    session,
                    Actor(actor.name, Role.ADMIN) if made else actor,
                    role.value,
                    role,
                    DEMO_PIN,
                    display_name=f"Demo {role.value}",
                    _demo=True,
                )
            )
    return made


#: Who the history names for a recovery done with file-system access (no one could sign in).
RECOVERY_ACTOR = Actor("recovery", Role.ADMIN)


def recover_admin(session: Session, name: str, new_pin: str) -> OperatorView:
    """Give an admin a new PIN, unlocked and active, without anyone signed in.

    Only for a house locked out of every admin; the caller must have established that the
    person has file-system access to the database (``gearroom operator unlock``). Recorded in
    the history as done by ``recovery``.
    """
    op = _by_name(session, name)
    if op is None:
        raise NotFoundError(f"There is no operator called {name}.")
    if op.role is not Role.ADMIN:
        raise ValidationError(
            f"{op.name} is not an admin; recover an admin, who can then reset anyone.",
            field="name",
        )
    op.pin_hash = hash_pin(_validate_pin(new_pin, Role.ADMIN))
    op.failed_attempts = 0
    op.active = True
    session.flush()
    history.record(
        session,
        RECOVERY_ACTOR,
        "recover",
        "operator",
        op.id,
        "",
        f"{op.name} unlocked with a new PIN by file-system recovery",
    )
    return _view(op)
