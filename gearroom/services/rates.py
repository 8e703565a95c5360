"""Rate cards: a day rate and an optional week rate on a model, asset, kit, stock item or category.

The most specific card wins: an asset's own, else its model's, else its category's. A stock
item's own, else its category's. A kit with a card is priced as a whole; without one, as the sum
of its contents. Changing a card is for admins, and goes in the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from gearroom.errors import NotFoundError, ValidationError
from gearroom.models import Asset, Kit, ProductModel, RateCard, StockItem, Tag, TagKind
from gearroom.services import history
from gearroom.services.actor import Actor, Permission
from gearroom.services.amounts import from_minor, parse_amount, plain, to_minor
from gearroom.services.catalog import _category_by_name
from gearroom.services.pricing import known_tax_rate, load_rules
from gearroom.services.product_models import model_by_key
from gearroom.services.tags import normalize_tag


@dataclass(frozen=True)
class Rate:
    """A day rate, an optional week rate and (stock) a sale price, and where they came from."""

    day: Decimal
    week: Decimal | None
    source: str  # "asset CAM-0001", "model ARRI Alexa 35", "category Camera"…
    sale: Decimal | None = None
    #: The tax rate named by the most specific card that names one (None: the house's rule).
    tax_rate: str | None = None


@dataclass(frozen=True)
class RateView:
    target: str
    day: Decimal
    week: Decimal | None
    sale: Decimal | None
    currency: str
    tax_rate: str | None = None


def _card_for(session: Session, **target: int) -> RateCard | None:
    ((column, value),) = target.items()
    return session.scalar(select(RateCard).where(getattr(RateCard, column) == value))


def _rate(card: RateCard, source: str, currency: str, tax_rate: str | None = None) -> Rate:
    return Rate(
        from_minor(card.day_minor, currency),
        from_minor(card.week_minor, currency) if card.week_minor is not None else None,
        source,
        from_minor(card.sale_minor, currency) if card.sale_minor is not None else None,
        tax_rate if tax_rate is not None else card.tax_rate,
    )


def _first(
    session: Session, chain: list[tuple[str, int | None, str]], currency: str
) -> Rate | None:
    """The rate of the first card along ``chain`` (most specific first); its tax rate is the
    first one a card along the chain names, so a category can set the tax of all it holds."""
    cards = [
        (card, source)
        for column, value, source in chain
        if value is not None
        for card in [_card_for(session, **{column: value})]
        if card is not None
    ]
    if not cards:
        return None
    tax = next((card.tax_rate for card, _ in cards if card.tax_rate), None)
    card, source = cards[0]
    return _rate(card, source, currency, tax)


def asset_rate(session: Session, asset: Asset, currency: str) -> Rate | None:
    """The rate of a serialized asset: its own, else its model's, else its category's."""
    return _first(
        session,
        [
            ("asset_id", asset.id, f"asset {asset.tag}"),
            ("model_id", asset.model_id, "model"),
            ("category_id", asset.category_id, f"category {asset.category.name}"),
        ],
        currency,
    )


def model_rate(session: Session, model: ProductModel, currency: str) -> Rate | None:
    return _first(
        session,
        [
            ("model_id", model.id, f"model {model.name}"),
            ("category_id", model.category_id, f"category {model.category.name}"),
        ],
        currency,
    )


def stock_rate(session: Session, item: StockItem, currency: str) -> Rate | None:
    return _first(
        session,
        [
            ("stock_item_id", item.id, f"stock {item.tag}"),
            ("category_id", item.category_id, f"category {item.category.name}"),
        ],
        currency,
    )


def kit_rate(session: Session, kit: Kit, currency: str) -> Rate | None:
    """The kit's own card, or None: then it is priced as the sum of its contents."""
    card = _card_for(session, kit_id=kit.id)
    return _rate(card, f"kit {kit.tag}", currency) if card is not None else None


def _target(
    session: Session, tag: str | None, model: str | None, category: str | None
) -> tuple[str, int, str]:
    given = [x for x in (tag, model, category) if x]
    if len(given) != 1:
        raise ValidationError("Name exactly one of a tag, --model NAME or --category NAME.")
    if model:
        m = model_by_key(session, model)
        return "model_id", m.id, f"model {m.name}"
    if category:
        c = _category_by_name(session, category)
        return "category_id", c.id, f"category {c.name}"
    clean = normalize_tag(tag or "")
    entry = session.get(Tag, clean)
    columns = {TagKind.ASSET: "asset_id", TagKind.KIT: "kit_id", TagKind.STOCK: "stock_item_id"}
    if entry is None or entry.kind not in columns:
        raise NotFoundError(f"No asset, kit or stock item has the tag {clean or tag!r}.")
    return columns[entry.kind], entry.ref_id, f"{entry.kind.value} {clean}"


def set_rate(
    session: Session,
    actor: Actor,
    *,
    tag: str | None = None,
    model: str | None = None,
    category: str | None = None,
    day: str | Decimal,
    week: str | Decimal | None = None,
    sale: str | Decimal | None = None,
    tax_rate: str | None = None,
) -> RateView:
    """Set the rate card of one asset, kit, stock item, model or category (admins only);
    ``tax_rate`` names the house's tax rate its lines are taxed at (``standard`` included; ""
    clears it; None leaves it as it is)."""
    actor.require(Permission.RATES, "change rate cards")
    rules = load_rules(session)
    currency = rules.currency
    tax_name = known_tax_rate(rules, tax_rate) if tax_rate and tax_rate.strip() else None
    column, ref_id, label = _target(session, tag, model, category)
    day_amount = parse_amount(day, currency, what="day rate")
    week_amount = parse_amount(week, currency, what="week rate") if week is not None else None
    sale_amount = parse_amount(sale, currency, what="sale price") if sale is not None else None
    card = _card_for(session, **{column: ref_id})
    before = None
    if card is None:
        card = RateCard(**{column: ref_id}, day_minor=0)
        session.add(card)
    else:
        before = {
            "day": plain(from_minor(card.day_minor, currency), currency),
            "week": card.week_minor,
        }
    card.day_minor = to_minor(day_amount, currency)
    card.week_minor = to_minor(week_amount, currency) if week_amount is not None else None
    if sale_amount is not None:
        card.sale_minor = to_minor(sale_amount, currency)
    if tax_rate is not None:  # "" clears it: the card falls back on a less specific one
        card.tax_rate = tax_name
    session.flush()
    after = {"target": label, "day": plain(day_amount, currency), "currency": currency}
    if week_amount is not None:
        after["week"] = plain(week_amount, currency)
    if card.tax_rate is not None:
        after["tax_rate"] = card.tax_rate
    history.record(
        session,
        actor,
        "rate",
        "rate_card",
        card.id,
        tag or "",
        f"Rate of {label} set",
        before=before,
        after=after,
    )
    return RateView(
        label,
        day_amount,
        week_amount,
        from_minor(card.sale_minor, currency) if card.sale_minor is not None else None,
        currency,
        card.tax_rate,
    )


@dataclass(frozen=True)
class RateCardInfo:
    """What a rate card screen shows: the target's own card (if any) and the rate a quote
    would use (its own, or the one it falls back on)."""

    target: str
    own: RateView | None
    effective: Rate | None
    currency: str
    #: An asset's model (``Category/Name``, what ``model=`` takes), whose card it falls back on.
    model: str | None = None


def rate_card(
    session: Session, actor: Actor, *, tag: str | None = None, model: str | None = None
) -> RateCardInfo:
    """The rate card of an asset, kit or stock item (its tag) or of a model (staff, admins)."""
    actor.require(Permission.PRICES, "see rate cards")
    currency = load_rules(session).currency
    column, ref_id, label = _target(session, tag, model, None)
    card = _card_for(session, **{column: ref_id})
    own = (
        RateView(
            label,
            from_minor(card.day_minor, currency),
            from_minor(card.week_minor, currency) if card.week_minor is not None else None,
            from_minor(card.sale_minor, currency) if card.sale_minor is not None else None,
            currency,
            card.tax_rate,
        )
        if card is not None
        else None
    )
    effective: Rate | None
    model_key: str | None = None
    if column == "model_id":
        effective = model_rate(session, session.get_one(ProductModel, ref_id), currency)
    elif column == "asset_id":
        asset = session.get_one(Asset, ref_id)
        effective = asset_rate(session, asset, currency)
        if asset.model_id is not None:
            pm = session.get_one(ProductModel, asset.model_id)
            model_key = f"{pm.category.name}/{pm.name}"
    elif column == "kit_id":
        effective = kit_rate(session, session.get_one(Kit, ref_id), currency)
    else:
        effective = stock_rate(session, session.get_one(StockItem, ref_id), currency)
    return RateCardInfo(label, own, effective, currency, model_key)
