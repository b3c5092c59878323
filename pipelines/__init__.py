"""Tartip: executive-discipline analytics for district akimats (ingest, check, report)."""
