"""Load: project files into validated objects (organisms, clauses, themes), every problem with its line."""
