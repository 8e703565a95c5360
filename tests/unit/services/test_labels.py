"""Label templates, content, layout, sheet planning, ZPL and remembered settings (no Qt)."""

from __future__ import annotations

import json
import socket
import threading
from datetime import date, timedelta

import pytest

from gearroom.config import default_data_dir, file_places
from gearroom.errors import NotFoundError, ValidationError
from gearroom.paths import label_templates_dir
from gearroom.services import catalog, kits, labels, people, stock
from gearroom.services.labels import (
    CODE128_QUIET_MODULES,
    QR_QUIET_MODULES,
    LabelContent,
    LabelKind,
    LabelOptions,
    Rect,
    StockKind,
)

SHIPPED = {
    "avery-5160",
    "avery-l7160",
    "avery-l7163",
    "avery-l7651",
    "brother-dk22205",
    "brother-dk11204",
    "dymo-30334",
    "zebra-2x1",
}
LONG_TAG = "LNS-VESPID-PRIME-125MM-T19-0042"
HOUSE = LabelOptions(house_name="Gearroom Rentals", house_phone="+44 20 7946 0000")

# (page w, page h, label w, label h, columns, rows, left, top, pitch x, pitch y), mm
MANUFACTURER = {
    "avery-5160": (215.9, 279.4, 66.675, 25.4, 3, 10, 4.7625, 12.7, 69.85, 25.4),
    "avery-l7160": (210, 297, 63.5, 38.1, 3, 7, 7.21, 15.15, 66.04, 38.1),
    "avery-l7163": (210, 297, 99.1, 38.1, 2, 7, 4.65, 15.15, 101.6, 38.1),
    "avery-l7651": (210, 297, 38.1, 21.2, 5, 13, 4.75, 10.7, 40.6, 21.2),
}
ROLLS = {
    "brother-dk22205": (62, 300),
    "brother-dk11204": (54, 300),
    "dymo-30334": (57, 300),
    "zebra-2x1": (50.8, 203),
}


def item(tag: str = "CAM-0001", **kw: str) -> LabelContent:
    return LabelContent(tag, LabelKind.ITEM, kw.get("name", "Sony FX6"), kw.get("serial", "123"))


def test_the_shipped_templates_are_all_there():
    assert {t.name for t in labels.list_templates(label_templates_dir())} >= SHIPPED


def test_unknown_template_names_the_known_ones():
    with pytest.raises(NotFoundError, match="avery-l7163"):
        labels.get_template("avery-9999", label_templates_dir())


@pytest.mark.parametrize("name", sorted(MANUFACTURER))
def test_sheet_geometry_is_the_manufacturers(name):
    t = labels.get_template(name, label_templates_dir())
    pw, ph, lw, lh, cols, rows, left, top, px, py = MANUFACTURER[name]
    assert t.kind is StockKind.SHEET
    assert (t.page_width, t.page_height) == pytest.approx((pw, ph))
    assert (t.label_width, t.label_height) == pytest.approx((lw, lh))
    assert (t.columns, t.rows) == (cols, rows)
    rects = t.label_rects()
    assert len(rects) == cols * rows
    assert (rects[0].x, rects[0].y) == pytest.approx((left, top))
    # Pitch: the distance between neighbours across and down.
    assert rects[1].x - rects[0].x == pytest.approx(px)
    assert rects[cols].y - rects[0].y == pytest.approx(py)
    # The sheet is symmetric: the last label leaves the same margin on the other side.
    assert pw - rects[-1].right == pytest.approx(left, abs=0.1)
    assert ph - rects[-1].bottom == pytest.approx(top, abs=0.1)


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_labels_lie_inside_the_page_and_printable_area_without_overlap(name):
    t = labels.get_template(name, label_templates_dir())
    rects = t.label_rects()
    for i, rect in enumerate(rects):
        assert t.page.contains(rect)
        inside = rect if t.kind is StockKind.SHEET else rect.inset(t.padding)
        assert t.printable_area.contains(inside)
        for other in rects[i + 1 :]:
            assert not rect.overlaps(other)


@pytest.mark.parametrize("name", sorted(ROLLS))
def test_roll_stocks_have_their_width_and_printer_resolution(name):
    t = labels.get_template(name, label_templates_dir())
    width, dpi = ROLLS[name]
    assert t.kind is StockKind.ROLL and t.per_page == 1
    assert t.label_width == pytest.approx(width)
    assert t.dpi == dpi
    assert t.smallest_module() == pytest.approx(max(0.25, 2 * 25.4 / dpi))


def test_a_template_whose_labels_overlap_is_refused():
    data = json.loads((label_templates_dir() / "avery-l7163.json").read_text())
    data["pitch_x"] = 90
    with pytest.raises(ValidationError, match="overlap"):
        labels.template_from_dict(data)
    data["pitch_x"] = 101.6
    data["margin_left"] = 1.0
    with pytest.raises(ValidationError, match="printable area"):
        labels.template_from_dict(data)


def test_a_new_stock_is_a_new_file(tmp_path):
    (tmp_path / "custom-50x30.json").write_text(
        json.dumps(
            {
                "name": "custom-50x30",
                "kind": "roll",
                "label_width": 50,
                "label_height": 30,
                "dpi": 300,
            }
        )
    )
    found = labels.list_templates(tmp_path)
    assert [t.name for t in found] == ["custom-50x30"]
    assert found[0].page_width == 50 and found[0].page_height == 30


# --------------------------------------------------------------------------- layout


@pytest.mark.parametrize("name", sorted(SHIPPED))
@pytest.mark.parametrize("tag", ["CAM-0001", LONG_TAG])
@pytest.mark.parametrize("code128", [False, True])
def test_codes_never_shrink_below_the_stock_minimum_and_keep_quiet_zones(name, tag, code128):
    t = labels.get_template(name, label_templates_dir())
    options = LabelOptions(
        house_name="Gearroom Rentals", house_phone="+44 20 7946 0000", code128=code128
    )
    layout = labels.layout_label(item(tag, name="Cooke S4/i 32mm T2.0"), t, options)
    label = Rect(0, 0, t.label_width, t.label_height)
    qr = layout.qr
    assert qr.module >= t.smallest_module() - 1e-9
    assert len(qr.matrix) * qr.module == pytest.approx(qr.rect.w)
    quiet = qr.rect.inset(-QR_QUIET_MODULES * qr.module)
    assert label.inset(t.padding).contains(quiet, tolerance=0.01)
    for line in layout.lines:
        assert label.contains(line.rect, tolerance=0.01)
        assert not quiet.overlaps(line.rect, tolerance=0.01)
    if layout.code128 is not None:
        bars = layout.code128
        assert bars.module >= t.smallest_module() - 1e-9
        bar_quiet = Rect(
            bars.rect.x - CODE128_QUIET_MODULES * bars.module,
            bars.rect.y,
            bars.rect.w + 2 * CODE128_QUIET_MODULES * bars.module,
            bars.rect.h,
        )
        assert label.contains(bar_quiet, tolerance=0.01)
        assert not bar_quiet.overlaps(quiet, tolerance=0.01)
        for line in layout.lines:
            assert not bar_quiet.overlaps(line.rect, tolerance=0.01)
    elif code128:
        assert any("Code128 left out" in w for w in layout.warnings)
    if t.dpi:
        dot = 25.4 / t.dpi
        assert qr.module / dot == pytest.approx(round(qr.module / dot))
        assert qr.rect.x / dot == pytest.approx(round(qr.rect.x / dot))


def test_the_qr_code_holds_the_plain_tag_in_alphanumeric_mode():
    matrix = labels.qr_matrix(LONG_TAG)
    # 31 alphanumeric characters at level M fit version 2 (25 modules); bytes would need v3.
    assert len(matrix) == 25


def test_optional_lines_drop_with_a_warning_instead_of_shrinking_the_code():
    t = labels.get_template("avery-l7651", label_templates_dir())
    roomy = labels.layout_label(item(), t, HOUSE)
    long_name = "Cooke Anamorphic/i Full Frame Plus 300mm T2.9 Zoom Lens"
    crowded = labels.layout_label(item(LONG_TAG, name=long_name), t, HOUSE)
    # The tag is whole (on two lines beside the code); the name that does not fit is dropped.
    assert "".join(line.text for line in crowded.lines if line.bold) == LONG_TAG
    assert all(line.text != long_name for line in crowded.lines)
    assert any("name line left out" in w for w in crowded.warnings)
    assert crowded.qr.module >= t.smallest_module()
    assert any(line.text == "Sony FX6" for line in roomy.lines)


def test_compact_and_small_items_carry_code_and_tag_only():
    t = labels.get_template("avery-l7160", label_templates_dir())
    compact = labels.layout_label(item(), t, LabelOptions(compact=True, code128=True))
    assert [line.text for line in compact.lines] == ["CAM-0001"] and compact.code128 is None
    cable = LabelContent("CBL-0001", LabelKind.SMALL, "SDI cable 1 m")
    assert [line.text for line in labels.layout_label(cable, t, HOUSE).lines] == ["CBL-0001"]


def test_house_line_says_if_found_call():
    layout = labels.layout_label(
        item(), labels.get_template("avery-l7163", label_templates_dir()), HOUSE
    )
    assert "If found: Gearroom Rentals · +44 20 7946 0000" in [line.text for line in layout.lines]
    bare = labels.layout_label(
        item(), labels.get_template("avery-l7163", label_templates_dir()), LabelOptions()
    )
    assert not any(line.text.startswith("If found") for line in bare.lines)


def test_a_label_too_small_for_a_scannable_code_is_a_clear_error():
    tiny = labels.template_from_dict(
        {"name": "tiny", "kind": "roll", "label_width": 8, "label_height": 8, "dpi": 300}
    )
    with pytest.raises(labels.LabelTooSmallError, match="too small for the tag CAM-0001"):
        labels.layout_label(item(), tiny, LabelOptions())


# --------------------------------------------------------------------------- pages


def test_start_position_skips_the_first_cells_and_overflows_to_a_new_page():
    t = labels.get_template("avery-l7163", label_templates_dir())
    contents = [item(f"LNS-{i:04d}") for i in range(1, 13)]
    job = labels.plan_job(contents, t, HOUSE, start=5)
    cells = t.label_rects()
    assert [p.rect for p in job.pages[0].labels] == cells[4:]
    assert [p.rect for p in job.pages[1].labels] == cells[:2]
    assert [p.layout.content.tag for p in job.labels] == [c.tag for c in contents]


def test_calibration_offset_moves_every_label():
    t = labels.get_template("avery-l7651", label_templates_dir())
    plain = labels.plan_job([item(), item("CAM-0002")], t, HOUSE, start=3)
    moved = labels.plan_job([item(), item("CAM-0002")], t, HOUSE, start=3, offset=(0.8, -0.5))
    for a, b in zip(plain.labels, moved.labels, strict=True):
        assert (b.rect.x - a.rect.x, b.rect.y - a.rect.y) == pytest.approx((0.8, -0.5))
        assert b.layout == a.layout


@pytest.mark.parametrize("start", [0, 15])
def test_a_start_outside_the_sheet_is_refused(start):
    with pytest.raises(ValidationError, match="1 to 14"):
        labels.plan_job(
            [item()], labels.get_template("avery-l7163", label_templates_dir()), HOUSE, start=start
        )


def test_roll_jobs_put_one_label_per_page():
    job = labels.plan_job(
        [item(), item("CAM-0002")],
        labels.get_template("brother-dk22205", label_templates_dir()),
        HOUSE,
    )
    assert [len(p.labels) for p in job.pages] == [1, 1]
    assert job.pages[0].width == 62


# --------------------------------------------------------------------------- ZPL


def test_zpl_has_one_format_per_label_with_qr_text_and_code128():
    tags = ["LNS-0001", "LNS-0002", LONG_TAG]
    job = labels.plan_job(
        [item(t) for t in tags],
        labels.get_template("zebra-2x1", label_templates_dir()),
        LabelOptions(code128=True, house_phone="555 0100"),
    )
    zpl = labels.zpl_for_job(job)
    assert zpl.count("^XA") == zpl.count("^XZ") == 3
    for tag in tags:
        assert "^BQN,2," in zpl and f"^FDMA,{tag}^FS" in zpl
    assert "^BCN," in zpl and "^FDLNS-0001^FS" in zpl
    assert "^PW406" in zpl and "^LL203" in zpl  # 2 x 1 in at 203 dpi


def test_zpl_escapes_control_characters_in_names():
    job = labels.plan_job(
        [item(name="Cap ^ and ~ tilde")],
        labels.get_template("zebra-2x1", label_templates_dir()),
        LabelOptions(),
    )
    zpl = labels.zpl_for_job(job)
    assert "Cap _5E and _7E tilde" in zpl


def test_zpl_goes_to_a_printers_port():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    received = bytearray()

    def accept() -> None:
        conn, _ = server.accept()
        with conn:
            while chunk := conn.recv(4096):
                received.extend(chunk)

    thread = threading.Thread(target=accept)
    thread.start()
    port = server.getsockname()[1]
    labels.send_raw(b"^XA^FDhello^FS^XZ", host=f"127.0.0.1:{port}")
    thread.join(5)
    server.close()
    assert bytes(received) == b"^XA^FDhello^FS^XZ"


def test_an_unreachable_printer_is_a_clear_error():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    port = server.getsockname()[1]
    server.close()
    with pytest.raises(labels.GearroomError, match="Cannot send labels"):
        labels.send_raw(b"x", host=f"127.0.0.1:{port}")


# --------------------------------------------------------------------------- content


@pytest.fixture
def gear(catalog_db, actor):
    with catalog_db.write() as s:
        lens = catalog.create_asset(
            s, actor, catalog.AssetDraft("Cooke S4/i 32mm", "Lens", serial="S4-32")
        )
        body = catalog.create_asset(s, actor, catalog.AssetDraft("Sony FX6", "Camera"))
        cable = stock.create_stock_item(s, actor, "SDI cable 1 m", "Power", 20)
        outer = kits.create_kit(s, actor, "Camera package")
        inner = kits.create_kit(s, actor, "Lens case", parent=outer.tag)
        kits.add_to_kit(s, actor, outer.tag, body.tag)
        kits.add_to_kit(s, actor, outer.tag, cable.tag, 2)
        kits.add_to_kit(s, actor, inner.tag, lens.tag)
        ana = people.add_person(s, actor, "Ana Costa", company="Northlight Films")
    return {
        "lens": lens.tag,
        "body": body.tag,
        "cable": cable.tag,
        "outer": outer.tag,
        "inner": inner.tag,
        "ana": ana.badge,
    }


def test_content_for_every_kind_of_tag(catalog_db, gear):
    with catalog_db.read() as s:
        lens = labels.content_for_tag(s, gear["lens"].lower() + "\n")
        case = labels.content_for_tag(s, gear["outer"])
        cable = labels.content_for_tag(s, gear["cable"])
        badge = labels.content_for_tag(s, gear["ana"])
        shelf = labels.content_for_tag(s, catalog.list_locations(s)[0].tag)
    assert lens == LabelContent(gear["lens"], LabelKind.ITEM, "Cooke S4/i 32mm", "S4-32", "Lens")
    assert case.kind is LabelKind.CASE and case.detail == "Case · 4 items"
    assert cable.kind is LabelKind.SMALL and cable.name == "SDI cable 1 m"
    assert badge.kind is LabelKind.PERSON and badge.detail == "Northlight Films"
    assert shelf.kind is LabelKind.LOCATION


def test_unknown_tag_is_not_found(catalog_db):
    with catalog_db.read() as s, pytest.raises(NotFoundError, match="Unknown tag"):
        labels.content_for_tag(s, "NOPE-0001")


def test_a_kit_gives_its_case_label_and_all_contents_nested(catalog_db, gear):
    with catalog_db.read() as s:
        tags = [c.tag for c in labels.contents_for_kit(s, gear["outer"])]
    assert tags == [gear["outer"], gear["body"], gear["cable"], gear["inner"], gear["lens"]]


def test_a_category_and_new_gear(catalog_db, gear):
    with catalog_db.read() as s:
        lenses = [c.tag for c in labels.contents_for_category(s, "Lens")]
        new = {c.tag for c in labels.contents_added_since(s, date.today() - timedelta(days=1))}
        later = labels.contents_added_since(s, date.today() + timedelta(days=1))
    assert lenses == [gear["lens"]]
    assert {gear["lens"], gear["body"], gear["cable"], gear["outer"], gear["inner"]} <= new
    assert later == []


# --------------------------------------------------------------------------- settings


def test_start_and_offset_are_remembered_per_template_in_the_data_folder(tmp_path):
    where = file_places().label_settings
    settings = labels.load_label_settings(where)
    assert settings == labels.LabelSettings()
    saved = settings.with_template("avery-l7163", labels.TemplateSettings(5, 0.4, -0.3))
    path = labels.save_label_settings(saved, where)
    assert path.parent == default_data_dir()
    assert str(path).startswith(str(tmp_path.parent)) or path.exists()
    again = labels.load_label_settings(where)
    assert again.template == "avery-l7163"
    assert again.for_template("avery-l7163") == labels.TemplateSettings(5, 0.4, -0.3)
    assert again.for_template("avery-l7651") == labels.TemplateSettings()


def test_a_broken_settings_file_gives_the_defaults():
    path = file_places().label_settings
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json")
    assert labels.load_label_settings(path) == labels.LabelSettings()
