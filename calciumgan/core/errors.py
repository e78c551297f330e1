"""Errors a user can act on: each message is one line naming the file, key or shape at fault."""


class CalciumGANError(Exception):
    """Base class of user-facing errors; command-line tools print them as one line."""


class RecordingError(CalciumGANError):
    """A recording file or array is missing, malformed or unusable."""


class ConfigError(CalciumGANError):
    """An experiment configuration has an unknown key, a wrong type or a bad value."""


class RunError(CalciumGANError):
    """A run folder is missing something or belongs to a different configuration."""


class OutputError(CalciumGANError):
    """An output path cannot be written: a folder, an existing file, the wrong kind of file, or a full disk."""
