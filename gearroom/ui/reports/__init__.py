"""The kit report on screen: the utilisation chart (the PDF is drawn by gearroom.render)."""
