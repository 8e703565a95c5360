"""The dashboard: every section filled from the services."""

from __future__ import annotations

from datetime import date, timedelta

from desk_data import build_desk

from gearroom.models import ShootDayKind
from gearroom.services import (
    checkout,
    checkout_cart,
    dashboard,
    productions,
    reservations,
    service_tickets,
)
from gearroom.services.productions import ShootDayDraft
from gearroom.ui.pages.dashboard import DashboardPage


def test_sections_show_today_overdue_service_and_the_week(qtbot, context) -> None:
    desk = build_desk(context, loose_items=6, kit_items=2)
    today = date.today()

    def setup(s, a):  # type: ignore[no-untyped-def]
        # Northern Line starts today: its gear goes out today.
        reservations.reserve(s, a, desk.production, [desk.loose[0], desk.loose[1]])
        # A job due back today, and one that was due yesterday.
        productions.create_production(
            s, a, "Due Today", days=[ShootDayDraft(today, ShootDayKind.WRAP)]
        )
        cart = checkout_cart.new_cart(s, "Due Today", desk.badge)
        cart = checkout_cart.scan_into_cart(s, cart, desk.loose[2]).cart
        checkout.commit_checkout(s, a, cart)
        productions.create_production(
            s,
            a,
            "Late Job",
            days=[ShootDayDraft(today - timedelta(days=3)), ShootDayDraft(today)],
        )
        cart = checkout_cart.new_cart(s, "Late Job", desk.badge, due_back=today)
        cart = checkout_cart.scan_into_cart(s, cart, desk.loose[3]).cart
        checkout.commit_checkout(s, a, cart)
        service_tickets.open_ticket(s, a, desk.loose[4], "Sensor clean")

    context.perform(setup, "checkout")
    page = DashboardPage(context)
    qtbot.addWidget(page)
    page.refresh()
    assert [r.tag for r in page.going_out.records_model.records()] == list(desk.loose[:2])
    due = page.due_today.records_model.records()
    assert [(o.tag, o.production) for o in due] == [
        (desk.loose[2], "Due Today"),
        (desk.loose[3], "Late Job"),
    ]
    assert list(page.overdue.records_model.records()) == []
    assert [i.tag for i in page.in_service.records_model.records()] == [desk.loose[4]]
    assert {r.tag for r in page.this_week.records_model.records()} >= set(desk.loose[:2])
    assert page.sections["in_service"].heading.text() == "In service (1)"
    assert "2 going out, 2 due back, 0 overdue" in page.headline.text()
    opened: list[tuple[str, int]] = []
    page.open_item.connect(lambda kind, i: opened.append((kind, i)))
    page.in_service.selectRow(0)
    page.in_service.setCurrentIndex(page.in_service.records_model.index(0, 0))
    page.in_service._open_current()
    assert opened == [("asset", page.in_service.records_model.records()[0].asset_id)]


def test_overdue_rows_carry_production_and_custodian(qtbot, context) -> None:
    desk = build_desk(context, loose_items=3, kit_items=1)
    today = date.today()
    page = DashboardPage(context)
    qtbot.addWidget(page)

    def setup(s, a):  # type: ignore[no-untyped-def]
        cart = checkout_cart.new_cart(s, desk.production, desk.badge, due_back=today)
        cart = checkout_cart.scan_into_cart(s, cart, desk.loose[0]).cart
        checkout.commit_checkout(s, a, cart)

    context.perform(setup, "checkout")
    tomorrow = today + timedelta(days=1)
    page.show_dashboard(context.query(lambda s: dashboard.dashboard(s, tomorrow)))
    rows = page.overdue.records_model.records()
    assert [(o.tag, o.production, o.custodian) for o in rows] == [
        (desk.loose[0], desk.production_name, desk.custodian)
    ]
    assert page.sections["overdue"].heading.text() == "Overdue (1)"
