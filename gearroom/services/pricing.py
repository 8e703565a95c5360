"""The house's pricing rules (in the settings table) and what a hire period costs under them.

Default rule: the hire period is the production's gear window in calendar days; each full week
costs the week rate (or days-per-week × the day rate); a part week costs the lesser of its days ×
the day rate and one week. With a day rate of 100.00 and no week rate: 1 day 100.00, 7 days
300.00, 8 days 400.00, 10 days 600.00.

Which days count can be narrowed by shoot-day kind, at a share each (``{"hold": "0", "travel":
"0.5"}``; kinds not named, and days of the window that are no shoot day, count fully). A duration
table of multipliers (``[[1, 1, "1"], [2, 2, "1.5"], [3, 4, "2"], [5, 7, "3"]]``: from, to days,
× the day rate) replaces the week rule where it covers the period.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gearroom.errors import ConflictError, NotFoundError, ValidationError
from gearroom.models import LineKind, RateCard, Setting, ShootDayKind
from gearroom.services import history
from gearroom.services.actor import Actor, Permission
from gearroom.services.amounts import currency_code, parse_percent, percent
from gearroom.services.validation import clean_text

PREFIX = "pricing."
HOUSE_PREFIX = "house."
HOUSE_KEYS = ("name", "address", "logo", "terms", "tax_number", "email")


@dataclass(frozen=True)
class PricingRules:
    """How the house prices a hire: currency, tax, days per week, day kinds, multipliers."""

    currency: str = "EUR"
    tax_pct: Decimal = Decimal(0)
    days_per_week: int = 3
    day_shares: dict[str, Decimal] = field(default_factory=dict)
    multipliers: tuple[tuple[int, int, Decimal], ...] = ()
    #: The house's named tax rates besides the standard one (``{"reduced": Decimal("7")}``).
    tax_rates: dict[str, Decimal] = field(default_factory=dict)
    #: Line kinds taxed at a named rate when no rate card names one (``{"loss": "zero"}``).
    line_tax: dict[str, str] = field(default_factory=dict)

    def tax_for(self, name: str | None, kind: str | None = None) -> tuple[str, Decimal]:
        """The rate a line is taxed at, as (name, percent): the rate its card names, else the
        one its line kind names, else the standard rate (``tax_pct``). A name no longer known
        (the rate was removed) falls back the same way."""
        for wanted in (name, self.line_tax.get(kind or "")):
            if wanted and wanted in self.tax_rates:
                return wanted, self.tax_rates[wanted]
        return STANDARD_TAX, self.tax_pct


#: The name of the house's default tax rate (``pricing set --tax PCT``).
STANDARD_TAX = "standard"
_TAX_NAME = re.compile(r"^[a-z0-9][a-z0-9 _-]{0,59}$")
#: The line kinds a tax rate can be named for.
LINE_KINDS = tuple(k.value for k in LineKind if k is not LineKind.CREDIT)


def tax_name(text: str) -> str:
    """A tax rate's name as it is stored: lower case, letters, digits, space, ``-`` or ``_``."""
    name = " ".join(str(text).split()).lower()
    if not _TAX_NAME.match(name):
        raise ValidationError(
            f"{text!r} is not a tax rate name: use letters, digits, '-' or '_' (e.g. reduced).",
            field="tax_rate",
        )
    return name


def known_tax_rate(rules: PricingRules, text: str) -> str:
    """The stored name of one of the house's named rates (``standard`` included), or a refusal
    that lists them."""
    name = tax_name(text)
    if name != STANDARD_TAX and name not in rules.tax_rates:
        names = ", ".join([STANDARD_TAX, *sorted(rules.tax_rates)])
        raise NotFoundError(
            f"There is no tax rate {name!r}: the house has {names} "
            "(add one with 'gearroom pricing tax-rate add NAME PCT')."
        )
    return name


@dataclass(frozen=True)
class House:
    """Who issues the documents: name, address, logo and terms (settings ``house.*``)."""

    name: str = "Gearroom rental house"
    address: str = ""
    logo: str = ""
    terms: str = ""
    tax_number: str = ""
    email: str = ""


def _settings(session: Session, prefix: str) -> dict[str, str]:
    rows = session.execute(select(Setting.key, Setting.value).where(Setting.key.startswith(prefix)))
    return {k.removeprefix(prefix): v for k, v in rows}


def load_rules(session: Session) -> PricingRules:
    raw = _settings(session, PREFIX)
    shares = {k: Decimal(v) for k, v in json.loads(raw.get("day_shares", "{}")).items()}
    table = tuple(
        (int(a), int(b), Decimal(str(f))) for a, b, f in json.loads(raw.get("multipliers", "[]"))
    )
    return PricingRules(
        currency=raw.get("currency", "EUR"),
        tax_pct=percent(raw.get("tax_pct", "0")),
        days_per_week=int(raw.get("days_per_week", "3")),
        day_shares=shares,
        multipliers=table,
        tax_rates={k: percent(v) for k, v in json.loads(raw.get("tax_rates", "{}")).items()},
        line_tax=dict(json.loads(raw.get("line_tax", "{}"))),
    )


def load_house(session: Session) -> House:
    raw = _settings(session, HOUSE_PREFIX)
    defaults = House()
    return House(**{k: raw.get(k, getattr(defaults, k)) for k in HOUSE_KEYS})


def _put(session: Session, key: str, value: str) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def _rules_json(rules: PricingRules) -> dict[str, Any]:
    return {
        "currency": rules.currency,
        "tax_pct": str(rules.tax_pct),
        "days_per_week": rules.days_per_week,
        "day_shares": {k: str(v) for k, v in rules.day_shares.items()},
        "multipliers": [[a, b, str(f)] for a, b, f in rules.multipliers],
        "tax_rates": {k: str(v) for k, v in rules.tax_rates.items()},
        "line_tax": dict(rules.line_tax),
    }


#: The day kinds a share can be given to ("other": a day of the gear window without a kind).
SHARE_KINDS = (*(k.value for k in ShootDayKind), "other")


def format_durations(rules: PricingRules) -> str:
    """The duration table as it is typed: ``2=1.5,3-4=2,5-7=3`` (empty: none)."""
    return ",".join(
        f"{a}={f.normalize():f}" if a == b else f"{a}-{b}={f.normalize():f}"
        for a, b, f in rules.multipliers
    )


def parse_durations(text: str) -> list[tuple[int, int, str]]:
    """``"2=1.5, 3-4=2, 5-7=3"``: days (or a range of days) = multiplier of the day rate."""
    rows: list[tuple[int, int, str]] = []
    for part in (p.strip() for p in text.replace(";", ",").split(",")):
        if not part:
            continue
        days, sep, factor = part.partition("=")
        first, _, last = days.strip().partition("-")
        try:
            a, b = int(first), int(last or first)
            value = Decimal(factor.strip())
        except (ValueError, InvalidOperation):
            raise ValidationError(
                f"{part!r} is not a duration row: write days=multiplier, e.g. 3-4=2.",
                field="multipliers",
            ) from None
        if not sep or not value.is_finite() or value <= 0:
            raise ValidationError(f"{part!r} needs a multiplier above 0.", field="multipliers")
        rows.append((a, b, str(value)))
    return rows


def format_day_shares(rules: PricingRules) -> str:
    """The day-kind shares as they are typed: ``hold=0,travel=0.5`` (empty: all count fully)."""
    return ",".join(f"{k}={v.normalize():f}" for k, v in sorted(rules.day_shares.items()))


def parse_pairs(
    given: str | Sequence[str], field: str, example: str, form: str = "NAME=VALUE"
) -> dict[str, str]:
    """``"reduced=7, zero=0"`` (typed in one field) or ``["travel=0.5", "hold=0"]`` (repeated
    options) → ``{"reduced": "7", "zero": "0"}``; names lower-cased, values checked by
    :func:`set_rules`. Anything that is not ``form`` is refused with ``example``."""
    parts = given.replace(";", ",").split(",") if isinstance(given, str) else given
    pairs: dict[str, str] = {}
    for part in (p.strip() for p in parts):
        if not part and isinstance(given, str):
            continue  # "a=1, , b=2" typed in one field; an empty repeated option is refused
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ValidationError(f"{part!r} is not {form}: write e.g. {example}.", field=field)
        pairs[" ".join(key.split()).lower()] = value.strip()
    return pairs


def format_tax_rates(rules: PricingRules) -> str:
    """The named tax rates as they are typed: ``reduced=7, zero=0``."""
    return ", ".join(f"{k}={v}" for k, v in sorted(rules.tax_rates.items()))


def parse_day_shares(items: Sequence[str]) -> dict[str, str]:
    """``["travel=0.5", "hold=0"]`` → ``{"travel": "0.5", "hold": "0"}``."""
    kinds = ", ".join(SHARE_KINDS)
    return parse_pairs(items, "day_shares", f"travel=0.5 (kinds: {kinds})", "KIND=SHARE")


def set_rules(
    session: Session,
    actor: Actor,
    *,
    currency: str | None = None,
    tax_pct: str | Decimal | None = None,
    days_per_week: int | None = None,
    day_shares: dict[str, str] | None = None,
    multipliers: list[tuple[int, int, str]] | None = None,
    line_tax: dict[str, str] | None = None,
    tax_rates: dict[str, str | Decimal | None] | None = None,
) -> PricingRules:
    """Change the house's pricing rules (admins only); recorded in the history.

    ``tax_rates`` adds or changes named rates (``{"reduced": "7"}``; None as the percent
    removes one, refused while a rate card or a line kind names it). ``line_tax`` replaces
    which line kinds are taxed at a named rate (``{"loss": "zero"}``; ``standard`` clears one).
    """
    actor.require(Permission.RATES, "change the pricing rules")
    before = load_rules(session)
    if tax_rates is not None:  # added before the line kinds name them, removed after
        adding = {k: v for k, v in tax_rates.items() if v is not None}
        _put_tax_rates(session, before, adding)
    if line_tax is not None:
        rules_now = load_rules(session)
        kinds: dict[str, str] = {}
        for kind, name in line_tax.items():
            if kind not in LINE_KINDS:
                raise ValidationError(
                    f"{kind!r} is no line kind: use {', '.join(LINE_KINDS)}.", field="line_tax"
                )
            known = known_tax_rate(rules_now, name)
            if known != STANDARD_TAX:
                kinds[kind] = known
        _put(session, PREFIX + "line_tax", json.dumps(kinds, sort_keys=True))
    if tax_rates is not None:
        removing = {k: v for k, v in tax_rates.items() if v is None}
        if removing:
            session.flush()
            _put_tax_rates(session, load_rules(session), removing)
    if currency is not None:
        _put(session, PREFIX + "currency", currency_code(currency))
    if tax_pct is not None:
        _put(session, PREFIX + "tax_pct", str(parse_percent(tax_pct, what="tax rate")))
    if days_per_week is not None:
        if not 1 <= int(days_per_week) <= 7:
            raise ValidationError(f"Days per week must be 1 to 7, not {days_per_week}.")
        _put(session, PREFIX + "days_per_week", str(int(days_per_week)))
    if day_shares is not None:
        clean: dict[str, str] = {}
        for kind, share in day_shares.items():
            if kind not in SHARE_KINDS:
                raise ValidationError(
                    f"{kind!r} is no shoot-day kind: use {', '.join(SHARE_KINDS)}.",
                    field="day_shares",
                )
            try:
                value = Decimal(str(share).strip())
            except ArithmeticError:
                raise ValidationError(
                    f"The share of {kind} days must be 0 to 1, not {share!r}.", field="day_shares"
                ) from None
            if not value.is_finite() or not Decimal(0) <= value <= Decimal(1):
                raise ValidationError(
                    f"The share of {kind} days must be 0 to 1, not {share}.", field="day_shares"
                )
            clean[kind] = str(value)
        _put(session, PREFIX + "day_shares", json.dumps(clean, sort_keys=True))
    if multipliers is not None:
        try:
            table = sorted((int(a), int(b), Decimal(str(f))) for a, b, f in multipliers)
        except (ValueError, InvalidOperation):
            raise ValidationError(
                "A duration row is days=multiplier, e.g. 3-4=2.", field="multipliers"
            ) from None
        last = 0
        for a, b, f in table:
            if a < 1 or b < a:
                raise ValidationError(
                    f"A duration row runs from 1 day up: {a}–{b} is not.", field="multipliers"
                )
            if a <= last:
                raise ValidationError(
                    f"Duration rows overlap at {a} days: give each number of days one row.",
                    field="multipliers",
                )
            if not f.is_finite() or f <= 0:
                raise ValidationError(
                    f"The multiplier of {a}–{b} days must be above 0.", field="multipliers"
                )
            last = b
        _put(session, PREFIX + "multipliers", json.dumps([[a, b, str(f)] for a, b, f in table]))
    session.flush()
    after = load_rules(session)
    history.record(
        session,
        actor,
        "pricing",
        "settings",
        0,
        "",
        "Pricing rules changed",
        before=_rules_json(before),
        after=_rules_json(after),
    )
    return after


def _put_tax_rates(
    session: Session, rules: PricingRules, changes: Mapping[str, str | Decimal | None]
) -> None:
    rates = dict(rules.tax_rates)
    for text, pct in changes.items():
        name = tax_name(text)
        if name == STANDARD_TAX:
            raise ValidationError(
                "The standard rate is set with 'gearroom pricing set --tax PCT'.", field="tax_rate"
            )
        if pct is None:
            if name not in rates:
                known_tax_rate(rules, name)
            used = session.scalar(select(RateCard.id).where(RateCard.tax_rate == name).limit(1))
            if used is not None or name in rules.line_tax.values():
                raise ConflictError(
                    f"The tax rate {name!r} is named by a rate card or a line kind: name "
                    "another rate there first."
                )
            rates.pop(name, None)
        else:
            rates[name] = parse_percent(pct, what=f"{name} tax rate")
    _put(
        session,
        PREFIX + "tax_rates",
        json.dumps({k: str(percent(v)) for k, v in sorted(rates.items())}),
    )


def set_house(session: Session, actor: Actor, **values: str) -> House:
    """Change what documents say about the house (name, address, logo path, terms)."""
    actor.require(Permission.SETTINGS, "change the house's details")
    before = load_house(session)
    for key, value in values.items():
        if key not in HOUSE_KEYS:
            raise ValidationError(f"Unknown house setting {key!r}: use {', '.join(HOUSE_KEYS)}.")
        limit = 4000 if key in ("address", "terms") else 500
        _put(session, HOUSE_PREFIX + key, clean_text(value, key, max_length=limit))
    session.flush()
    after = load_house(session)
    history.record(
        session,
        actor,
        "house",
        "settings",
        0,
        "",
        "House details changed",
        before=before.__dict__,
        after=after.__dict__,
    )
    return after


def hire_days(
    start: date, end: date, kinds: dict[date, ShootDayKind], rules: PricingRules
) -> Decimal:
    """Chargeable days of a hire from ``start`` to ``end`` (both included)."""
    total = Decimal(0)
    day = start
    while day <= end:
        kind = kinds.get(day)
        key = kind.value if kind is not None else "other"
        total += rules.day_shares.get(key, Decimal(1))
        day += timedelta(days=1)
    return total


def hire_price(
    day_rate: Decimal, week_rate: Decimal | None, days: Decimal, rules: PricingRules
) -> Decimal:
    """What ``days`` of hire cost at a day rate (and optional week rate), unrounded."""
    if days <= 0:
        return Decimal(0)
    for low, high, factor in rules.multipliers:
        if low <= days <= high:
            return day_rate * factor
    week = week_rate if week_rate is not None else day_rate * rules.days_per_week
    weeks = (days / 7).to_integral_value(rounding=ROUND_FLOOR)
    rest = days - weeks * 7
    return weeks * week + (min(rest * day_rate, week) if rest > 0 else Decimal(0))
