"""One orchestration per command, each reading like a script; the CLI parses options and calls one."""
