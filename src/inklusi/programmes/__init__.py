"""Social programmes: specifications, simulations over the registry, beneficiary lists, FKP and grievances."""
