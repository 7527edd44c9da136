"""Organisations, users, roles with area scopes, and authentication."""
