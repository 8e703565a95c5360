"""Upgrading a database at 0009 with an issued invoice to 0010 adds the tax-rate names in place:
every row is kept, old lines read as the standard rate, and the triggers that freeze an issued
invoice still refuse changes afterwards (and after a downgrade)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest
from sqlalchemy import Engine, text

from gearroom.db import downgrade_schema, upgrade_schema
from gearroom.engine import create_gearroom_engine

NOW = datetime(2026, 11, 1, 9, 30)


@pytest.fixture
def engine(empty_db_url: str) -> Iterator[Engine]:
    engine = create_gearroom_engine(empty_db_url)
    yield engine
    engine.dispose()


def _seed(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO productions (id, tag, name, name_key, client, notes, cancel_reason,"
                " created_at, updated_at) VALUES (1, 'PRD-0001', 'Night Train', 'night train',"
                " '', '', '', :now, :now)"
            ),
            {"now": NOW},
        )
        conn.execute(
            text(
                "INSERT INTO categories (id, name, name_key, prefix, fields, next_number,"
                " sort_order, created_at, updated_at) VALUES"
                " (1, 'Camera', 'camera', 'CAM', '[]', 1, 0, :now, :now)"
            ),
            {"now": NOW},
        )
        conn.execute(
            text(
                "INSERT INTO rate_cards (id, category_id, day_minor, updated_at)"
                " VALUES (1, 1, 40000, :now)"
            ),
            {"now": NOW},
        )
        conn.execute(
            text(
                "INSERT INTO invoices (id, kind, production_id, reason, currency, issued_by,"
                " net_minor, tax_minor, total_minor, created_at) VALUES (1, 'invoice', 1, '',"
                " 'EUR', '', 120000, 22800, 142800, :now)"
            ),
            {"now": NOW},
        )
        conn.execute(
            text(
                "INSERT INTO invoice_lines (invoice_id, position, kind, description, quantity,"
                " days, day_minor, gross_minor, discount_pct, net_minor, tax_pct, tax_minor)"
                " VALUES (1, 1, 'hire', 'Alexa 35', 1, 4, 40000, 120000, 0, 120000, 19, 22800)"
            )
        )
        conn.execute(
            text(
                "UPDATE invoices SET number = 'INV-2026-0001', issued_on = :d, due_on = :d"
                " WHERE id = 1"
            ),
            {"d": date(2026, 11, 2)},
        )


def _refused(engine: Engine, sql: str) -> None:
    with pytest.raises(Exception, match="issued invoice cannot change"), engine.begin() as conn:
        conn.execute(text(sql))


def test_old_lines_read_as_the_standard_rate_and_stay_frozen(engine):
    upgrade_schema(engine, "0009")
    _seed(engine)
    upgrade_schema(engine, "0010")
    with engine.connect() as conn:
        line = conn.execute(
            text("SELECT description, tax_pct, tax_minor, tax_name FROM invoice_lines")
        ).one()
        card = conn.execute(text("SELECT day_minor, tax_rate FROM rate_cards")).one()
        number = conn.execute(text("SELECT number FROM invoices")).scalar_one()
    assert (line[0], int(line[1]), line[2], line[3]) == ("Alexa 35", 19, 22800, "")
    assert tuple(card) == (40000, None)
    assert number == "INV-2026-0001"
    _refused(engine, "UPDATE invoice_lines SET tax_name = 'reduced'")
    _refused(engine, "DELETE FROM invoice_lines")
    with engine.begin() as conn:
        conn.execute(text("UPDATE rate_cards SET tax_rate = 'reduced'"))

    downgrade_schema(engine, "0009")
    with engine.connect() as conn:
        kept = conn.execute(text("SELECT tax_minor FROM invoice_lines")).scalar_one()
        assert kept == 22800
    _refused(engine, "UPDATE invoice_lines SET net_minor = 0, tax_minor = 0")
