"""Discovery: schema.org data, sitemaps (with Google News), robots.txt and image crops. Pure."""
