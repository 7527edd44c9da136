"""Safe data sharing ("bagi pakai data", docs/sharing.md): data-sharing agreements and their partner
credentials, the partner API and the DCI Social Registry API, per-partner pseudonyms and match-only
queries, released aggregates under disclosure control and differential privacy, data-subject requests
and breach reports."""
