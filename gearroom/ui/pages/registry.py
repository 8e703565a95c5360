"""The pages of the main window, in navigation order. A new page is one line here."""

from __future__ import annotations

from collections.abc import Callable

from gearroom.ui.context import AppContext
from gearroom.ui.pages.base import Page

PageFactory = Callable[[AppContext], Page]


def page_factories() -> list[PageFactory]:
    """Factories of the pages shown in the navigation, first one is the start page."""
    from gearroom.ui.pages.checkin import CheckinPage
    from gearroom.ui.pages.checkout import CheckoutPage
    from gearroom.ui.pages.clients import ClientsPage
    from gearroom.ui.pages.dashboard import DashboardPage
    from gearroom.ui.pages.inventory import InventoryPage
    from gearroom.ui.pages.invoices import InvoicesPage
    from gearroom.ui.pages.labels import LabelsPage
    from gearroom.ui.pages.models import ModelsPage
    from gearroom.ui.pages.people import PeoplePage
    from gearroom.ui.pages.productions import ProductionsPage
    from gearroom.ui.pages.reports import ReportsPage
    from gearroom.ui.pages.service import ServicePage

    return [
        DashboardPage,
        InventoryPage,
        ModelsPage,
        ProductionsPage,
        CheckoutPage,
        CheckinPage,
        PeoplePage,
        ServicePage,
        LabelsPage,
        ClientsPage,
        InvoicesPage,
        ReportsPage,
    ]
