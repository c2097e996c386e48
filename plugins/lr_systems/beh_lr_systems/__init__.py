"""BEH plugin for local and regional systems, whose catalogue comes from TOML data files."""
