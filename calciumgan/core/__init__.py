"""Generic helpers every package shares: errors, atomic files, config schemas, the CLI runner, progress."""
