"""The content core: front matter in, validated Article/Author/Page objects out. No I/O, no Pelican."""

from .model import Article, Author, Correction, FeaturedImage, ImageFile, Link, Newsroom, Page, Picture, SourceFile
from .newsroom import Sources, build_newsroom

__all__ = [
    "Article", "Author", "Correction", "FeaturedImage", "ImageFile", "Link", "Newsroom", "Page",
    "Picture", "SourceFile", "Sources", "build_newsroom",
]
