"""The service directory."""
