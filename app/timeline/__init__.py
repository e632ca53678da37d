"""The timeline: ruler, track headers and a QGraphicsView of clips."""
