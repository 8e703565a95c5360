"""Rate cards on the item pages: a kit priced as a whole or as its contents, a stock item's sale
price, an asset falling back on its model's card; only admins change them."""

from __future__ import annotations

from gearroom.models import Role
from gearroom.services import kits, pricing, rates, stock
from gearroom.services.actor import Actor
from gearroom.services.catalog import AssetDraft, create_asset
from gearroom.ui.widgets.kits_panel import KitsPanel
from gearroom.ui.widgets.rate_card import RateCardBox
from gearroom.ui.widgets.stock_panel import StockPanel

STAFF = Actor("kai", Role.STAFF)


def test_a_kit_without_a_card_is_priced_as_its_contents_then_gets_one(qtbot, context) -> None:
    def setup(s, a):
        pricing.set_rules(s, a, currency="EUR")
        lens = create_asset(s, a, AssetDraft(name="Prime 50mm", category="Lens")).tag
        kit = kits.create_kit(s, a, "Prime case")
        kits.add_to_kit(s, a, kit.tag, lens)
        return kit

    kit = context.perform(setup, "kit")
    panel = KitsPanel(context)
    qtbot.addWidget(panel)
    panel.show()
    panel.refresh()
    assert panel.select_id(kit.id)
    box = panel.rates
    assert box.isVisible() and "sum of its contents" in box.source.text()
    assert box.model_button.isHidden()  # a kit has no model
    dialog = box.change()
    assert dialog is not None
    dialog.day.setText("90")
    dialog.week.setText("250")
    dialog.accept()
    assert (box.day.text(), box.week.text()) == ("€90.00", "€250.00")
    dialog = box.change()
    dialog.day.setText("-5")
    dialog.accept()
    assert dialog.field_error("day rate") or dialog.banner_text()
    dialog.reject()
    info = context.query(lambda s: rates.rate_card(s, context.actor, tag=kit.tag))
    assert info.own is not None and f"{info.own.day}" == "90.00"


def test_a_stock_item_shows_its_sale_price_and_staff_may_not_change_it(qtbot, context) -> None:
    def setup(s, a):
        item = stock.create_stock_item(s, a, "Gaffer tape", "Grip", 40)
        rates.set_rate(s, a, tag=item.tag, day="2", sale="12.50")
        return item

    item = context.perform(setup, "stock")
    panel = StockPanel(context)
    qtbot.addWidget(panel)
    panel.show()
    panel.refresh()
    assert panel.select_id(item.id)
    assert panel.rates.sale.text() == "€12.50"
    assert not panel.rates.change_button.isHidden()
    context.set_actor(STAFF)
    panel.rates.show_tag(item.tag)
    assert panel.rates.change_button.isHidden() and panel.rates.sale.text() == "€12.50"


def test_an_asset_falls_back_on_its_model_whose_card_staff_only_read(qtbot, context) -> None:
    def setup(s, a):
        tag = create_asset(s, a, AssetDraft(name="Prime 50mm", category="Lens")).tag
        rates.set_rate(s, a, model="Lens/Prime 50mm", day="60", week="150")
        return tag

    tag = context.perform(setup, "asset")
    box = RateCardBox(context)
    qtbot.addWidget(box)
    box.show_tag(tag)
    assert box.day.text() == "€60.00" and "model Prime 50mm" in box.source.text()
    context.set_actor(STAFF)
    box.show_tag(tag)
    dialog = box.change_model()
    assert dialog is not None and dialog.day.isReadOnly() and dialog.buttons.isHidden()
    assert dialog.day.text() == "60.00" and dialog.week.text() == "150.00"
    dialog.reject()


def test_a_card_names_its_tax_rate_and_can_let_go_of_it(qtbot, context) -> None:
    def setup(s, a):
        pricing.set_rules(s, a, currency="EUR", tax_pct="19", tax_rates={"reduced": "7"})
        kit = kits.create_kit(s, a, "Prime case")
        rates.set_rate(s, a, category="Lens", day="5", tax_rate="reduced")
        return kit

    kit = context.perform(setup, "kit")
    panel = KitsPanel(context)
    qtbot.addWidget(panel)
    panel.show()
    panel.refresh()
    assert panel.select_id(kit.id)
    box = panel.rates
    dialog = box.change()
    assert dialog is not None
    names = [dialog.tax_rate.itemData(i) for i in range(dialog.tax_rate.count())]
    assert names == ["", "standard", "reduced"]
    dialog.day.setText("90")
    dialog.tax_rate.setCurrentIndex(2)
    dialog.accept()
    assert box.tax.text() == "reduced"
    dialog = box.change()
    assert dialog.tax_rate.currentData() == "reduced"  # the card's own, shown again
    dialog.tax_rate.setCurrentIndex(0)
    dialog.accept()
    assert box.tax.text() == "the house's rule"
    info = context.query(lambda s: rates.rate_card(s, context.actor, tag=kit.tag))
    assert info.own is not None and info.own.tax_rate is None
