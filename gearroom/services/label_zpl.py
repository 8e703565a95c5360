"""Labels for Zebra printers: ZPL II formats, and sending printer-ready data to a raw queue or
a printer's port 9100."""

from __future__ import annotations

import socket
import subprocess

from gearroom.errors import GearroomError
from gearroom.services.label_layout import LabelJob, LabelLayout
from gearroom.services.label_templates import MM_PER_INCH


def _zpl_text(text: str) -> str:
    """Field data with ZPL's control characters hex-escaped (used with ^FH_)."""
    out = []
    for ch in text:
        if ch in "^~_\\":
            out.append(f"_{ord(ch):02X}")
        else:
            out.append(ch)
    return "".join(out)


def zpl_label(layout: LabelLayout, dpi: int) -> str:
    """One label as a ZPL II format (^XA…^XZ), positions in dots at ``dpi``."""
    per_mm = dpi / MM_PER_INCH

    def d(mm: float) -> int:
        return round(mm * per_mm)

    module_dots = max(1, min(10, d(layout.qr.module)))
    parts = [
        "^XA",
        "^CI28",
        f"^PW{d(layout.width)}",
        f"^LL{d(layout.height)}",
        "^LH0,0",
        # ^BQ places the symbol's top-left at ^FO; model 2, error correction M, automatic mode.
        f"^FO{d(layout.qr.rect.x)},{d(layout.qr.rect.y)}^BQN,2,{module_dots}^FDMA,{layout.content.tag}^FS",
    ]
    for line in layout.lines:
        h = max(10, d(line.size))
        block = f"^FB{d(line.rect.w)},1,0,{'C' if line.center else 'L'},0"
        parts.append(
            f"^FO{d(line.rect.x)},{d(line.rect.y)}^A0N,{h},{h}{block}"
            f"^FH_^FD{_zpl_text(line.text)}^FS"
        )
    if layout.code128 is not None:
        bars = layout.code128
        parts.append(
            f"^FO{d(bars.rect.x)},{d(bars.rect.y)}^BY{max(1, d(bars.module))}"
            f"^BCN,{d(bars.rect.h)},N,N,N,A^FD{layout.content.tag}^FS"
        )
    parts.append("^XZ")
    return "\n".join(parts) + "\n"


def zpl_for_job(job: LabelJob) -> str:
    """All labels of a job as ZPL, one format per label."""
    dpi = job.template.dpi or 203
    return "".join(zpl_label(placed.layout, dpi) for placed in job.labels)


def send_raw(data: bytes, *, queue: str | None = None, host: str | None = None) -> str:
    """Send printer-ready data to a raw CUPS queue (``lp -o raw``) or to ``HOST[:PORT]`` (9100)."""
    if host:
        name, _, port_text = host.partition(":")
        port = int(port_text) if port_text.isdigit() else 9100
        try:
            with socket.create_connection((name, port), timeout=10) as conn:
                conn.sendall(data)
        except OSError as exc:
            raise GearroomError(f"Cannot send labels to {name}:{port}: {exc}.") from exc
        return f"{name}:{port}"
    command = ["lp", "-o", "raw"] + (["-d", queue] if queue else [])
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=30, check=False)
    except FileNotFoundError as exc:
        raise GearroomError(
            "The 'lp' command is not installed; install CUPS or send to a printer's address "
            "with --host."
        ) from exc
    except subprocess.TimeoutExpired as exc:
        raise GearroomError("The print queue did not answer within 30 seconds.") from exc
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip() or f"exit code {done.returncode}"
        raise GearroomError(f"The print queue refused the labels: {message}.")
    return queue or "default printer"
