"""The evaluation stage: spike inference, statistics, divergences, baselines, memorisation, report."""
