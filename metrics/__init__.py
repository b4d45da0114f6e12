"""Metrics as code: what each number means (model, registry, validation) and the engine that computes it."""
