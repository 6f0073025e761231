"""Thin Streamlit glue: cached resources, session state and reusable widgets."""
