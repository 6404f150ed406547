"""The site as a plan: URL layout, what templates see, pages as (file, template, context), keys.

Pure: no I/O, no Pelican (see plan.py)."""
