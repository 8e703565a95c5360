"""The pages of the main window's navigation (inventory, check-out, labels…)."""
