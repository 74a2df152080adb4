"""Interactive widgets for the lesson notebooks, one module per lesson (``l02`` ...).

Each module keeps its logic in plain functions that tests can call without a browser;
the widget functions only wire those into ipywidgets.
"""
