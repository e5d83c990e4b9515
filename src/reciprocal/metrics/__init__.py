"""Metrics: the engine (registry, totals, bootstrap) and the built-in timing and balance metrics.

See :mod:`reciprocal.metrics.engine` for how to register count providers and metric specs.
"""

from __future__ import annotations

from . import balance, timing
from .engine import (
    AnalysisContext,
    MetricSpec,
    Totals,
    metric_specs,
    providers,
    register_counts,
    register_metric,
    register_values,
    unregister,
)

__all__ = [
    "AnalysisContext",
    "MetricSpec",
    "Totals",
    "balance",
    "metric_specs",
    "providers",
    "register_counts",
    "register_metric",
    "register_values",
    "timing",
    "unregister",
]
