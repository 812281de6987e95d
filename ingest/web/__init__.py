"""Following web sites: feeds, sitemaps and article pages turned into releases."""
