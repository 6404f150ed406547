"""The name newsrooms list in PLUGINS: `PLUGINS = ["masthead.plugin"]` (the adapter lives in pelican_adapter/)."""

from .pelican_adapter import register

__all__ = ["register"]
