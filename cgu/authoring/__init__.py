"""Tools for writers: scaffolding, impact and variables of a change, the live preview."""
