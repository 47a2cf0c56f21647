"""annotator: label scraped news articles (entities and page sections), offline, fast."""

__version__ = "0.1.0"
