"""Generic helpers every package shares: errors, atomic files, config schemas, the CLI runner, progress."""

# the distribution's (calciumgan, lfp, exciting_inputs, tuning; as in setup.cfg): calciumgan.__version__
__version__ = "0.1.0"
