"""Label batch benchmark: ``n`` labels laid out and written to a vector PDF on avery-l7651.

Run alone with ``python -m benchmarks.labels [N] [TEMPLATE]``; the harness calls
:func:`bench_labels_pdf`. The labels carry realistic tags (a few of them 32 characters long),
names, serial numbers and the house's "if found" line, so layout, QR encoding, text fitting and
PDF writing are all measured.
"""

from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from gearroom.paths import label_templates_dir
from gearroom.services.labels import LabelContent, LabelKind, LabelOptions, get_template, plan_job

PREFIXES = ("CAM", "LNS", "LGT", "GRP", "AUD", "PWR", "DRN", "MED")
OPTIONS = LabelOptions(house_name="Benchmark Rentals", house_phone="+44 20 7946 0000")


@dataclass(frozen=True)
class LabelBench:
    """How long a batch took, split into layout and PDF writing."""

    labels: int
    pages: int
    template: str
    layout_s: float
    pdf_s: float
    pdf_bytes: int

    @property
    def total_s(self) -> float:
        return self.layout_s + self.pdf_s


def synthetic_contents(n: int) -> list[LabelContent]:
    """``n`` distinct labels; every 50th has a 32-character tag."""
    out = []
    for i in range(n):
        prefix = PREFIXES[i % len(PREFIXES)]
        if i % 50 == 49:
            tag = f"LNS-VESPID-PRIME-125MM-T19-{i % 10000:04d}"
        else:
            tag = f"{prefix}-{i + 1:04d}"
        name = f"{prefix.title()} item {i + 1} — Cooke S4/i {(i % 12 + 1) * 8}mm"
        out.append(LabelContent(tag, LabelKind.ITEM, name, f"SN-{100000 + i}"))
    return out


def bench_labels_pdf(n: int = 1000, template: str = "avery-l7651") -> LabelBench:
    """Lay out ``n`` labels on ``template`` and write them to a PDF; timings in seconds."""
    from gearroom.render.labels import ensure_gui_app, write_pdf

    ensure_gui_app()
    stock = get_template(template, label_templates_dir())
    contents = synthetic_contents(n)
    start = time.perf_counter()
    job = plan_job(contents, stock, OPTIONS)
    laid_out = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        path = write_pdf(job, Path(folder) / "labels.pdf")
        written = time.perf_counter()
        size = path.stat().st_size
    return LabelBench(n, len(job.pages), stock.name, laid_out - start, written - laid_out, size)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    n = int(args[0]) if args else 1000
    template = args[1] if len(args) > 1 else "avery-l7651"
    result = bench_labels_pdf(n, template)
    print(
        f"{result.labels} labels on {result.pages} page(s) of {result.template}: "
        f"layout {result.layout_s:.2f} s, PDF {result.pdf_s:.2f} s, "
        f"total {result.total_s:.2f} s, {result.pdf_bytes / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
