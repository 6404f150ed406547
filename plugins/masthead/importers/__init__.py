"""Bringing an archive from elsewhere: WordPress exports (wordpress.py) and Ghost exports (ghost.py), read
as the same posts and written into content/ by apply.py."""
