"""The pages of the main window, in navigation order. A new page is one line here.

The window builds a page the first time it is shown, and the registry names each page by its
module, so that the start imports and builds the first page only: the navigation needs no more
of the others than what the entry says (id, title, icon, permission). The page class says the
same of itself; :meth:`LazyPage.page_class` refuses a class that disagrees with its entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Protocol

from gearroom.services.actor import Permission
from gearroom.ui.context import AppContext
from gearroom.ui.pages.base import Page


class PageFactory(Protocol):
    """What the window knows of a page before it is built, and how to build it: a
    :class:`LazyPage` entry, or a :class:`Page` class itself."""

    @property
    def page_id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def icon_name(self) -> str: ...
    @property
    def permission(self) -> Permission: ...

    def __call__(self, context: AppContext) -> Page: ...


@dataclass(frozen=True)
class LazyPage:
    """A page known by its entry until it is first shown; ``where`` is ``module:Class``."""

    page_id: str
    title: str
    icon_name: str
    where: str
    permission: Permission = Permission.VIEW

    def page_class(self) -> type[Page]:
        """The page's class (its module imported on first use), checked against the entry."""
        module, _, name = self.where.partition(":")
        found = getattr(import_module(module), name)
        if not (isinstance(found, type) and issubclass(found, Page)):
            raise TypeError(f"{self.where} is not a page")
        said = (found.page_id, found.title, found.icon_name, found.permission)
        if said != (self.page_id, self.title, self.icon_name, self.permission):
            raise TypeError(f"{self.where} says {said}; its navigation entry says otherwise")
        return found

    def __call__(self, context: AppContext) -> Page:
        return self.page_class()(context)


def page_class(factory: PageFactory) -> type[Page]:
    """The class of the page ``factory`` builds (importing its module if need be)."""
    if isinstance(factory, LazyPage):
        return factory.page_class()
    assert isinstance(factory, type) and issubclass(factory, Page)
    return factory


_PAGES = "gearroom.ui.pages"


def page_factories() -> list[PageFactory]:
    """The pages shown in the navigation, first one is the start page."""
    return [
        LazyPage("dashboard", "Dashboard", "dashboard", f"{_PAGES}.dashboard:DashboardPage"),
        LazyPage("inventory", "Inventory", "inventory", f"{_PAGES}.inventory:InventoryPage"),
        LazyPage("models", "Models", "inventory", f"{_PAGES}.models:ModelsPage"),
        LazyPage(
            "productions", "Productions", "productions", f"{_PAGES}.productions:ProductionsPage"
        ),
        LazyPage(
            "checkout",
            "Check-out",
            "checkout",
            f"{_PAGES}.checkout:CheckoutPage",
            Permission.CHECKOUT,
        ),
        LazyPage(
            "checkin", "Check-in", "checkin", f"{_PAGES}.checkin:CheckinPage", Permission.CHECKIN
        ),
        LazyPage("people", "People", "people", f"{_PAGES}.people:PeoplePage"),
        LazyPage(
            "service", "Service", "service", f"{_PAGES}.service:ServicePage", Permission.SERVICE
        ),
        LazyPage("labels", "Labels", "labels", f"{_PAGES}.labels:LabelsPage", Permission.LABELS),
        LazyPage(
            "clients", "Clients", "clients", f"{_PAGES}.clients:ClientsPage", Permission.PRICES
        ),
        LazyPage(
            "invoices", "Invoices", "invoices", f"{_PAGES}.invoices:InvoicesPage", Permission.PRICES
        ),
        LazyPage(
            "reports", "Reports", "reports", f"{_PAGES}.reports:ReportsPage", Permission.REPORTS
        ),
    ]
