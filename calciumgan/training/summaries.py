"""TensorBoard scalars (and ready-made summaries) written with the ``tensorboard`` package alone (no TensorFlow needed).

One :class:`ScalarWriter` per folder (``logs/train``, ``logs/validation``), as Keras's
TensorBoard callback lays them out, so the two show as runs of one chart per scalar.
"""

import pathlib
import time

from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.summary.writer.event_file_writer import EventFileWriter


class ScalarWriter:
    """Append scalars to an event file in ``folder``; use as a context manager."""

    def __init__(self, folder):
        pathlib.Path(folder).mkdir(parents=True, exist_ok=True)
        self._writer = EventFileWriter(str(folder))

    def write(self, step: int, scalars: dict) -> None:
        """One event holding ``name -> value`` for ``step`` (an epoch)."""
        values = [summary_pb2.Summary.Value(tag=name, simple_value=float(value)) for name, value in scalars.items()]
        self.write_summary(step, summary_pb2.Summary(value=values))

    def write_summary(self, step: int, summary: summary_pb2.Summary) -> None:
        """One event holding a ready-made summary (e.g. a TensorBoard HParams record)."""
        self._writer.add_event(event_pb2.Event(wall_time=time.time(), step=int(step), summary=summary))

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._writer.close()
