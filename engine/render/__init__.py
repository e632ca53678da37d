"""Rendering: requests with their story context, one take at a time, or a batch of events."""
