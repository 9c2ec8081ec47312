"""Pure parsers of the values legal rules read: durations, identifiers and contacts."""
