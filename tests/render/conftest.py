"""Render fixtures: the sheets' data is built through the app's context, as the desk builds it."""

from tests.ui.conftest import context

__all__ = ["context"]
