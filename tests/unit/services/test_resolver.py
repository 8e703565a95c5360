from __future__ import annotations

import pytest

from gearroom.errors import NotFoundError
from gearroom.models import TagKind
from gearroom.services import catalog, kits, people, productions, resolver, stock
from gearroom.services.catalog import AssetDraft


@pytest.fixture
def tags(catalog_db, actor) -> dict[TagKind, tuple[str, int, str]]:
    """One thing of every scannable kind: kind -> (tag, id, label)."""
    with catalog_db.write() as s:
        a = catalog.create_asset(s, actor, AssetDraft("ARRI Alexa 35", "Camera"))
        k = kits.create_kit(s, actor, "Alexa 35 Camera Package")
        i = stock.create_stock_item(s, actor, "SDI Cable 3 m", "Monitoring", 40)
        p = people.add_person(s, actor, "Ana Ribeiro")
        loc = catalog.create_location(s, actor, "Camera Cage", tag="LOC-CAGE")
        prod = productions.create_production(s, actor, "Northbound — Episode 4")
    return {
        TagKind.ASSET: (a.tag, a.id, a.name),
        TagKind.KIT: (k.tag, k.id, k.name),
        TagKind.STOCK: (i.tag, i.id, i.name),
        TagKind.PERSON: (p.badge, p.id, p.name),
        TagKind.LOCATION: (loc.tag, loc.id, loc.name),
        TagKind.PRODUCTION: (prod.tag, prod.id, prod.name),
    }


@pytest.mark.parametrize("kind", list(TagKind))
def test_every_kind_resolves_to_its_row_and_name(catalog_db, tags, kind):
    tag, row_id, label = tags[kind]
    with catalog_db.read() as s:
        found = resolver.resolve(s, tag)
    assert found == resolver.Resolved(kind, row_id, tag, label)


@pytest.mark.parametrize(
    "scanned",
    [
        "CAM-0001",
        "  CAM-0001  ",
        "cam-0001",
        "Cam-0001",
        "CAM-0001\r\n",
        "CAM-0001\n",
        "\tcam-0001\r",
        "CAM-00\r\n01",  # a scanner that splits its output
    ],
)
def test_scanner_noise_is_tolerated(catalog_db, tags, scanned):
    with catalog_db.read() as s:
        found = resolver.resolve(s, scanned)
    assert (found.kind, found.tag) == (TagKind.ASSET, "CAM-0001")


def test_unknown_tag_names_the_tag(catalog_db, tags):
    with catalog_db.read() as s, pytest.raises(NotFoundError) as err:
        resolver.resolve(s, " cam-9999\r\n")
    assert str(err.value) == "Unknown tag 'CAM-9999': no item, kit, person or place has it."


def test_a_long_unknown_scan_is_shortened(catalog_db):
    with catalog_db.read() as s, pytest.raises(NotFoundError) as err:
        resolver.resolve(s, "X" * 100)
    assert "X" * 40 + "…" in str(err.value)
    assert "X" * 41 not in str(err.value)


@pytest.mark.parametrize("blank", ["", "   ", "\r\n", "\t"])
def test_an_empty_scan_says_so(catalog_db, blank):
    with catalog_db.read() as s, pytest.raises(NotFoundError, match="Nothing was scanned"):
        resolver.resolve(s, blank)


def test_a_renamed_tag_resolves_only_under_its_new_name(catalog_db, actor, tags):
    with catalog_db.write() as s:
        catalog.update_asset(s, actor, "CAM-0001", {"tag": "CAM-A35"})
    with catalog_db.read() as s:
        assert resolver.resolve(s, "cam-a35").id == tags[TagKind.ASSET][1]
        with pytest.raises(NotFoundError, match="CAM-0001"):
            resolver.resolve(s, "CAM-0001")


def test_clean_scan():
    assert resolver.clean_scan(" ab-12\r\n") == "AB-12"
