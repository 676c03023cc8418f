"""evalkit: evaluation pipeline."""
