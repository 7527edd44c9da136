"""Welfare ranking: proxy-means tests, scoring and ranking of the registry, explanations, targeting."""
