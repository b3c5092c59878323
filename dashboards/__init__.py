"""Streamlit dashboard of Tartip."""
