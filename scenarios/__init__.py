"""Scenario library (TOML). Shipped with the package so `extends` can name a built-in file."""
