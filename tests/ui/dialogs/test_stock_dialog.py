from __future__ import annotations

from gearroom.services import history, stock
from gearroom.ui.dialogs.stock import StockItemDialog


def test_new_stock_item(qtbot, context):
    dialog = StockItemDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("CFexpress B 512GB")
    dialog.category.setCurrentIndex(dialog.category.findText("Media"))
    dialog.quantity.setValue(16)
    dialog.unit.setText("cards")
    dialog.accept()
    assert not dialog.isVisible()
    item = context.query(lambda s: stock.get_stock_item(s, "MED-0001"))
    assert (item.name, item.quantity, item.unit) == ("CFexpress B 512GB", 16, "cards")


def test_edit_quantity_records_the_count(qtbot, context):
    item = context.perform(
        lambda s, a: stock.create_stock_item(s, a, "V-mount 150Wh", "Power", 12), "stock"
    )
    dialog = StockItemDialog(context, item.tag)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.quantity.value() == 12
    dialog.quantity.setValue(10)
    dialog.accept()
    event = context.query(lambda s: history.events_for(s, "stock", item.id))[0]
    assert (event.before, event.after) == ({"quantity": 12}, {"quantity": 10})


def test_duplicate_name_is_shown_and_nothing_written(qtbot, context, event_count):
    context.perform(lambda s, a: stock.create_stock_item(s, a, "SDI cable", "Grip", 3), "stock")
    before = event_count()
    dialog = StockItemDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("sdi cable")
    dialog.accept()
    assert dialog.isVisible()
    assert "already" in dialog.banner_text()
    assert event_count() == before
