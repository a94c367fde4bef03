"""deploy/up's parts: what runs (supervisor), its configs, its certificates."""
