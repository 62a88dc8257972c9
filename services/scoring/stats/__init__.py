"""Programme statistics: facts kept from the wish's events, the seed reports' figures over them."""
