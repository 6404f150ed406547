"""Feeds: a pure planner (which entries, order, archives) and writers for Atom, RSS and JSON Feed."""

from .entries import absolute_html, entry_id, feed_entry, planned_entry, xml_text
from .model import FORMATS, MEDIA_TYPES, Category, Enclosure, FeedDocument, FeedEntry, Person
from .plan import FeedSite, feed_path, plan_feeds

__all__ = [
    "FORMATS", "MEDIA_TYPES", "Category", "Enclosure", "FeedDocument", "FeedEntry", "FeedSite",
    "Person", "absolute_html", "entry_id", "feed_entry", "feed_path", "plan_feeds", "planned_entry",
    "xml_text",
]
