"""Bringing an archive from elsewhere: WordPress (wordpress.py), Ghost (ghost.py), Substack
(substack.py) and any feed (feed.py), read as the same posts and written into content/ by apply.py."""
