"""All of the sharing slice's SQL, a module per table group."""
