"""masthead: a newsroom's git repository in, a news site, feeds and digests out."""

__version__ = "0.3.0"  # the one place it is set: pyproject.toml reads it; CHANGELOG.md says what changed
