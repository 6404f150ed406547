"""masthead: a newsroom's git repository in, a news site, feeds and digests out."""

__version__ = "0.1.0"
