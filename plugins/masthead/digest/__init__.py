"""Digests: selection from the build manifest (select.py, pure) and the message (message.py)."""
