"""TensorBoard HParams records built from TensorBoard's protos alone (no TensorFlow needed).

TensorBoard's own helpers (``tensorboard.plugins.hparams.summary``) import TensorFlow; a search
on JAX has none. The HParams plugin reads one experiment record (the hyper-parameter and metric
columns) and, per session (trial), a start record with its values and an end record with its
status, each a summary value whose metadata carries an ``HParamsPluginData`` message.
"""

import time

from tensorboard.compat.proto import summary_pb2
from tensorboard.plugins.hparams import api_pb2, metadata, plugin_data_pb2


def _summary(tag: str, data: plugin_data_pb2.HParamsPluginData) -> summary_pb2.Summary:
    value = summary_pb2.Summary.Value(tag=tag, metadata=metadata.create_summary_metadata(data),
                                      tensor=metadata.NULL_TENSOR)  # fmt: skip
    return summary_pb2.Summary(value=[value])


def experiment_summary(hyperparameters: list, metrics: dict) -> summary_pb2.Summary:
    """The columns: hyper-parameter names, and metric tag -> display name."""
    experiment = api_pb2.Experiment(
        hparam_infos=[api_pb2.HParamInfo(name=name) for name in hyperparameters],
        metric_infos=[api_pb2.MetricInfo(name=api_pb2.MetricName(tag=tag), display_name=name)
                      for tag, name in metrics.items()],
    )  # fmt: skip
    return _summary(metadata.EXPERIMENT_TAG, plugin_data_pb2.HParamsPluginData(experiment=experiment))


def session_start_summary(values: dict) -> summary_pb2.Summary:
    """A session's hyper-parameter values: booleans, numbers or text."""
    start = plugin_data_pb2.SessionStartInfo(start_time_secs=time.time())
    for name, value in values.items():
        if isinstance(value, bool):
            start.hparams[name].bool_value = value
        elif isinstance(value, (int, float)):
            start.hparams[name].number_value = value
        else:
            start.hparams[name].string_value = str(value)
    return _summary(metadata.SESSION_START_INFO_TAG, plugin_data_pb2.HParamsPluginData(session_start_info=start))


def session_end_summary(completed: bool) -> summary_pb2.Summary:
    """A session's end: success or failure."""
    status = api_pb2.STATUS_SUCCESS if completed else api_pb2.STATUS_FAILURE
    end = plugin_data_pb2.SessionEndInfo(status=status, end_time_secs=time.time())
    return _summary(metadata.SESSION_END_INFO_TAG, plugin_data_pb2.HParamsPluginData(session_end_info=end))
