"""Code shared by tests (never one test module importing another)."""
