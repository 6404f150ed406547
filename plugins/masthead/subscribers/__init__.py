"""Subscribers: validation (model.py, pure) and the SQLite store (store.py)."""
