"""Compose: an organism's clauses through the sandboxed templates into Markdown articles, in French."""
