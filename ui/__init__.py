"""Streamlit-side helpers shared by app.py and the pages: the store handle, cached queries,
the shared filters, labels and chart styling. The numbers themselves come from ecdata."""
