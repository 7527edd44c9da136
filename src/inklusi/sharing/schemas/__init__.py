"""Request and response shapes of the sharing API, a module per area."""
