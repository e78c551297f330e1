"""Generic helpers every package shares: errors, atomic files, config schemas, the CLI runner, progress."""

__version__ = "0.1.0"  # the distribution's (calciumgan, lfp, mei, tuning; as in setup.cfg): calciumgan.__version__
