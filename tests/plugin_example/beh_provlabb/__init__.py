"""Provlabbet: the example plugin of docs/plugins.md."""
