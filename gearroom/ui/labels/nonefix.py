"""Work around a reference-count bug of PySide6 6.12 wheels on CPython 3.11.

Those wheels are built for CPython 3.12+, where ``None`` is immortal, and return ``None`` from
void methods (``QPainter.fillRect``, ``QPainter.save``…) without taking a reference. On 3.11
every such call takes one reference away from ``None``; after a few thousand calls its count
reaches zero and the interpreter aborts ("none_dealloc: deallocating None"). Drawing a sheet of
labels makes hundreds of thousands of such calls. Giving ``None`` a huge count once makes it
practically immortal, as it is on 3.12 and later. Nothing is done on other interpreters.
"""

from __future__ import annotations

import ctypes
import sys

_BOOST = 1 << 40
_state = {"done": False}


def make_none_immortal() -> None:
    """Give ``None`` a reference count no sequence of void Qt calls can exhaust (once)."""
    if _state["done"] or sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return
    count = ctypes.c_ssize_t.from_address(id(None))
    count.value += _BOOST
    _state["done"] = True
