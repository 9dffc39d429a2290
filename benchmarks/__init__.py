"""Speed benchmarks: the array engine against a plain one-object-per-worker Mesa model."""
