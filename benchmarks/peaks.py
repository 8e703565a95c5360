"""Peak memory of the heavy jobs: a 1,000-label PDF, the weekly report (built, then written as
XLSX and PDF) and a 50,000-row catalog import.

Each job runs in a fresh ``python -m benchmarks.peaks JOB DB`` process, which reads its own
high-water mark of resident memory (``VmHWM`` in /proc/self/status) once after its imports and
again after the job, and prints both. ``VmHWM`` belongs to the process's own address space,
which ``exec`` replaces, so unlike the ``ru_maxrss`` a parent sees for a child it cannot carry
the harness's peak. The figure was checked against ``/usr/bin/time -v`` ("Maximum resident set
size") on the same job: see docs/benchmarks.md.

``python -m benchmarks.peaks JOB [DB]`` runs one job and prints its line; ``JOB`` is
``labels``, ``report`` or ``import``.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.harness import Result, Target, percentile

JOBS = ("labels", "report", "import")
#: Rows of the import job (the full house); the quick house imports fewer.
IMPORT_ROWS = 50_000
LABELS = 1000
TARGET = Target(400.0)
LINE_PREFIX = "peak memory"
TIMEOUT_S = 3600


def vm_hwm_kib() -> int:
    """This process's high-water mark of resident memory (Linux), in KiB; 0 where unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return 0


def write_import_file(path: Path, rows: int) -> Path:
    """A spreadsheet of ``rows`` new lenses, as a rental house exports one from another tool."""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["Name", "Category", "Make", "Model", "Serial", "Location", "Notes"])
        for i in range(rows):
            writer.writerow(
                [
                    f"Import prime {(i % 12 + 1) * 8}mm #{i}",
                    "Lens",
                    "Cooke",
                    f"S4/i {(i % 12 + 1) * 8}mm",
                    f"IMP{i:07d}",
                    f"Shelf I{i % 40}",
                    "imported from the old system",
                ]
            )
    return path


def _job_labels(_db_path: Path, n: int) -> str:
    from benchmarks.labels import bench_labels_pdf

    result = bench_labels_pdf(n)
    return f"{result.labels} labels on {result.pages} pages, {result.pdf_bytes // 1024} KiB"


def _job_report(db_path: Path, _n: int) -> str:
    from benchmarks.report import weekly_report
    from gearroom.db import open_database
    from gearroom.render.labels import ensure_gui_app
    from gearroom.render.reports.pdf import write_pdf
    from gearroom.services.report_export import write_xlsx

    ensure_gui_app()
    database = open_database(f"sqlite:///{db_path}")
    try:
        report = weekly_report(database)
    finally:
        database.dispose()
    with tempfile.TemporaryDirectory() as folder:
        xlsx = write_xlsx(report, Path(folder) / "report.xlsx")
        pdf = write_pdf(report, Path(folder) / "report.pdf")
        sizes = f"XLSX {xlsx.stat().st_size // 1024} KiB, PDF {pdf.stat().st_size // 1024} KiB"
    return f"{report.period.label}: {len(report.items)} items; {sizes}"


def _job_import(db_path: Path, n: int) -> str:
    from gearroom.db import open_database
    from gearroom.models import Role
    from gearroom.services import import_files, importer
    from gearroom.services.actor import Actor
    from gearroom.services.import_files import ImportKind
    from gearroom.services.importer import ImportOptions

    with tempfile.TemporaryDirectory() as folder:
        source = write_import_file(Path(folder) / "catalog.csv", n)
        table = import_files.read_table(source, ImportKind.ASSETS)
        mapping = {
            "Name": "name",
            "Category": "category",
            "Make": "make",
            "Model": "model",
            "Serial": "serial",
            "Location": "location",
            "Notes": "notes",
        }
        database = open_database(f"sqlite:///{db_path}")
        try:
            with database.write() as session:
                outcome = importer.run_import(
                    session,
                    Actor("benchmark", Role.ADMIN),
                    table,
                    ImportKind.ASSETS,
                    mapping,
                    ImportOptions(),
                    commit=True,
                )
        finally:
            database.dispose()
    return f"{n:,} rows imported ({type(outcome).__name__})"


def run_job(job: str, db_path: Path, n: int) -> str:
    """Run ``job`` here and return the line the parent reads."""
    jobs = {"labels": _job_labels, "report": _job_report, "import": _job_import}
    # What the process holds once Gearroom and the job's libraries are imported.
    import gearroom.db
    import gearroom.services.importer
    import gearroom.services.report_export  # noqa: F401

    before = vm_hwm_kib()
    started = time.perf_counter()
    what = jobs[job](db_path, n)
    seconds = time.perf_counter() - started
    return f"{LINE_PREFIX} {vm_hwm_kib()} kB; before {before} kB; {seconds:.2f} s; {what}"


@dataclass(frozen=True)
class Peak:
    peak_kib: int
    before_kib: int
    seconds: float
    what: str


def parse_line(line: str) -> Peak:
    """``peak memory 180000 kB; before 90000 kB; 1.50 s; …`` as numbers."""
    head, before, seconds, *what = (part.strip() for part in line.split(";"))
    return Peak(
        int(head.split()[2]), int(before.split()[1]), float(seconds.split()[0]), "; ".join(what)
    )


def measure(job: str, db_path: Path, n: int) -> Peak:
    """Run ``job`` in a new process on ``db_path`` and read the peak it reports."""
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.peaks", job, str(db_path), str(n)],
        capture_output=True,
        text=True,
        env=env,
        timeout=TIMEOUT_S,
        cwd=Path(__file__).resolve().parent.parent,
        check=False,
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(LINE_PREFIX)]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"peak job {job} failed ({proc.returncode}): {proc.stderr[-800:]}")
    return parse_line(lines[-1])


def bench_peaks(db_path: Path, runs: int, *, import_rows: int, labels: int) -> list[Result]:
    """The three jobs, ``runs`` times each; the import runs on a fresh copy of the house."""
    results = []
    plans = (
        ("peak_labels", f"peak memory, {labels:,} labels to PDF", "labels", labels),
        ("peak_report", "peak memory, weekly report + XLSX + PDF", "report", 0),
        ("peak_import", f"peak memory, import of {import_rows:,} rows", "import", import_rows),
    )
    for key, label, job, n in plans:
        peaks: list[Peak] = []
        for _ in range(runs):
            if job == "import":
                with tempfile.TemporaryDirectory() as folder:
                    scratch = Path(folder) / "house.sqlite3"
                    shutil.copyfile(db_path, scratch)
                    peaks.append(measure(job, scratch, n))
            else:
                peaks.append(measure(job, db_path, n))
        mb = [p.peak_kib / 1024 for p in peaks]
        before = sorted(p.before_kib / 1024 for p in peaks)[len(peaks) // 2]
        seconds = sorted(p.seconds for p in peaks)[len(peaks) // 2]
        results.append(
            Result(
                key=key,
                label=label,
                unit="MB",
                runs=len(mb),
                median=sorted(mb)[len(mb) // 2],
                p95=percentile(mb, 0.95),
                target=TARGET,
                note=f"VmHWM of the job's own process; {before:.0f} MB before the job; "
                f"the job took {seconds:.1f} s; {peaks[-1].what}",
                samples=mb,
            )
        )
    return results


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in JOBS:
        print(f"usage: python -m benchmarks.peaks {{{','.join(JOBS)}}} [DB] [N]", file=sys.stderr)
        return 2
    job = argv[0]
    if len(argv) > 1:
        db_path = Path(argv[1])
    else:
        source = Path(__file__).resolve().parent / "data" / "house-full.sqlite3"
        db_path = Path(tempfile.mkdtemp()) / "house.sqlite3"
        shutil.copyfile(source, db_path)
    n = int(argv[2]) if len(argv) > 2 else (IMPORT_ROWS if job == "import" else LABELS)
    print(run_job(job, db_path, n), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
