"""Data-sharing agreements, the fields a partner may receive and how each is transformed. Pure rules."""
