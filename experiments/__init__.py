"""Running scenarios, comparisons, sweeps, charts and briefs."""
