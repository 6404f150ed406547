"""Writing the site from its plan: pages, feeds, cards, discovery files, redirects, the manifest.

Nothing here imports Pelican (see render/site.py and masthead.pelican_adapter)."""
