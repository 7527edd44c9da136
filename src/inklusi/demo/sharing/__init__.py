"""The demo's data sharing: agreements and partners, DCI, released tables, data-subject requests."""
