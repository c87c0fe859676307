"""Button data: one typed module per flow (see each module)."""
