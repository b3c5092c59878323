"""Realistic demo exports of a district akimat for a year, deterministic for a seed."""
