"""Streamlit-side glue shared by the pages: state, widgets, figures, live training."""
