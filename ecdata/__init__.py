"""ecdata: the engine behind the e-commerce team dashboard.

Importable and testable without Streamlit: the pages and the CLI are two faces of it.
"""

__version__ = "0.1.0"
