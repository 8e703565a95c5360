"""Fixtures of the fault suite; the helpers live in faults_support (a module name of its own, so
that processes the tests spawn import them, not another folder's conftest)."""

from __future__ import annotations

from faults_support import house_url, sqlite_house

__all__ = ["house_url", "sqlite_house"]
