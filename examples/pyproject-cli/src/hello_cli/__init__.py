"""A small command-line tool installed from a PEP 621 pyproject.toml."""
