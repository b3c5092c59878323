"""The dashboard's pages, one module each (not named pages/: Streamlit would run them as scripts)."""
