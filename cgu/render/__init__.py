"""Render: one builder per output format, in a registry; heavy libraries are imported when they first render."""
