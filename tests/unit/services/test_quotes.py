"""Quotes from bookings: rates resolved most-specific-first, discounts, versions, the order."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from gearroom.errors import ConflictError, ValidationError
from gearroom.models import Event, Order
from gearroom.services import invoicing, quotes, rates
from gearroom.services.actor import Actor, PermissionDenied, Role
from gearroom.services.catalog import AssetDraft, _asset_by_tag, create_asset
from tests.unit.services._money import add_client, book, book_models, job, priced_house

D = Decimal
STAFF = Actor("Sam", Role.STAFF)
ASSISTANT = Actor("Ari", Role.ASSISTANT)


def test_a_quote_prices_every_kind_of_booking(catalog_db, actor):
    with catalog_db.write() as s:
        h = priced_house(s, actor)
        create_asset(s, actor, AssetDraft(name="Prime 50", category="Lens", make="Zeiss",
                                          model="Prime 50"))  # fmt: skip
        rates.set_rate(s, actor, model="Zeiss Prime 50", day="70")
        add_client(s, actor, "Northlight", discount="10")
        name = job(s, actor, "Night Train", client="Northlight")
        book(s, actor, name, h.cam, h.case, f"{h.batt}:2")
        book_models(s, actor, name, "Zeiss Prime 50", 1)
        view = quotes.build_quote(s, STAFF, name)
    lines = {ln.description: ln for ln in view.lines}
    # 4 days, days per week 3: camera min(4 × 400, 3 × 400) = 1200; the case has its own rate:
    # min(4 × 90, 270) = 270 as a whole; 2 batteries × min(20, 15); the model min(280, 210)
    assert lines["Zeiss Prime 50"].gross == D("210.00")
    assert [ln.gross for ln in view.lines] == [D("210.00"), D("270.00"), D("1200.00"), D("30.00")]
    assert all(ln.discount_pct == D("10.00") for ln in view.lines)
    assert [ln.net for ln in view.lines] == [D("189.00"), D("243.00"), D("1080.00"), D("27.00")]
    assert (view.subtotal, view.discount, view.net) == (D("1710.00"), D("171.00"), D("1539.00"))
    assert (view.tax, view.total) == (D("307.80"), D("1846.80"))
    assert view.number.startswith("Q-") and view.number.endswith("-0001")


def test_the_most_specific_rate_wins(catalog_db, actor):
    with catalog_db.write() as s:
        h = priced_house(s, actor)
        lens = _asset_by_tag(s, h.lenses[0])
        assert rates.asset_rate(s, lens, "EUR").day == D(50)  # its model's
        rates.set_rate(s, actor, tag=h.lenses[0], day="65", week="150")
        own = rates.asset_rate(s, lens, "EUR")
        assert (own.day, own.week, own.source) == (D(65), D(150), f"asset {h.lenses[0]}")
        cam = _asset_by_tag(s, h.cam)
        assert rates.asset_rate(s, cam, "EUR").source == "category Camera"


def test_a_kit_without_a_rate_is_the_sum_of_its_contents(catalog_db, actor):
    with catalog_db.write() as s:
        h = priced_house(s, actor)
        from gearroom.models import RateCard

        s.delete(s.scalars(select(RateCard).where(RateCard.kit_id.is_not(None))).one())
        name = job(s, actor, "Short", first=0, last=0)
        book(s, actor, name, h.case)
        view = quotes.build_quote(s, actor, name)
    assert [ln.gross for ln in view.lines] == [D("50.00"), D("50.00")]


def test_nothing_to_quote_or_no_rate_is_said_plainly(catalog_db, actor):
    with catalog_db.write() as s:
        priced_house(s, actor)
        name = job(s, actor, "Empty")
        with pytest.raises(ValidationError, match="nothing booked"):
            quotes.build_quote(s, actor, name)
        grip = create_asset(s, actor, AssetDraft(name="Dolly", category="Grip")).tag
        book(s, actor, name, grip)
        with pytest.raises(ValidationError, match="has no rate"):
            quotes.build_quote(s, actor, name)


def test_a_sent_quote_changed_becomes_a_new_version(catalog_db, actor):
    with catalog_db.write() as s:
        h = priced_house(s, actor)
        name = job(s, actor, "Versions")
        book(s, actor, name, h.cam)
        first = quotes.build_quote(s, actor, name)
        again = quotes.build_quote(s, actor, name)
        assert (again.number, again.version) == (first.number, 1)  # a draft is revised
        quotes.mark_sent(s, actor, first.number)
        same = quotes.build_quote(s, actor, name)
        assert (same.version, same.status) == (1, "sent")  # nothing changed: no new version
        rates.set_rate(s, actor, category="Camera", day="500")
        second = quotes.build_quote(s, actor, name)
        assert (second.number, second.version, second.total) == (first.number, 2, D("1800.00"))
        quotes.mark_sent(s, actor, first.number)
        third = quotes.set_line_discount(s, actor, first.number, 1, "25")
        assert (third.version, third.lines[0].net, third.total) == (3, D("1125.00"), D("1350.00"))
        states = [q.status for q in s.scalars(select(quotes.Quote).order_by(quotes.Quote.id))]
        assert [x.value for x in states] == ["superseded", "superseded", "draft"]


def test_accepting_locks_the_prices_of_the_order(catalog_db, actor):
    with catalog_db.write() as s:
        h = priced_house(s, actor)
        name = job(s, actor, "Locked", client="")
        book(s, actor, name, h.cam)
        quote = quotes.build_quote(s, actor, name, discount="5")
        quotes.accept_quote(s, actor, quote.number)
        assert s.scalar(select(func.count()).select_from(Order)) == 1
        rates.set_rate(s, actor, category="Camera", day="999")
        with pytest.raises(ConflictError, match="accepted"):
            quotes.build_quote(s, actor, name)
        with pytest.raises(ConflictError, match="already accepted"):
            quotes.accept_quote(s, actor, quote.number)
        draft = invoicing.draft_invoice(s, actor, name)
    assert draft.lines[0].gross == D("1200.00") and draft.lines[0].net == D("1140.00")
    assert draft.total == quote.total == D("1368.00")


def test_assistants_never_see_prices_and_only_admins_set_rates(catalog_db, actor):
    with catalog_db.write() as s:
        h = priced_house(s, actor)
        name = job(s, actor, "Roles")
        book(s, actor, name, h.cam)
        before = s.scalar(select(func.count()).select_from(Event))
        with pytest.raises(PermissionDenied):
            quotes.build_quote(s, ASSISTANT, name)
        with pytest.raises(PermissionDenied):
            rates.set_rate(s, STAFF, category="Camera", day="1")
        view = quotes.build_quote(s, STAFF, name)
        with pytest.raises(PermissionDenied):
            quotes.get_quote(s, ASSISTANT, view.number)
        after = s.scalar(select(func.count()).select_from(Event))
        actions = list(s.scalars(select(Event.action).where(Event.id > before)))
    assert actions == ["create"] and after == before + 1
