"""Validation: every rule of the regulation checked on the loaded data, a flag on every record."""
