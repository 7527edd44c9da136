"""The demo's data sharing: agreements, DCI, released tables, data-subject requests."""
