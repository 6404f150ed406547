"""Bringing an archive from elsewhere: WordPress exports (wordpress.py), written by apply.py."""
