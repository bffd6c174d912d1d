"""Pieces of pages that are not pages themselves (Streamlit never runs these as pages)."""
