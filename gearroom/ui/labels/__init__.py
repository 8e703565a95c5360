"""The labels on screen and on a desktop printer: the live preview and printing."""
