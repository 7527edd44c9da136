"""Record linkage and de-duplication of people and households."""
