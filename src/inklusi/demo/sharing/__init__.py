"""The demo's data sharing (issue 17): partner agreements and their clients' requests, DCI, released
tables and data-subject requests, each a module of its own that ``inklusi demo`` calls."""
