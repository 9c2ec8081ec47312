"""Releases: the git history (its only reader), the releases of each document, changelogs, re-acceptance."""
