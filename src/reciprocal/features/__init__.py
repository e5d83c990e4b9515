"""Text features: rule detectors per text, per message and per response.

``tag_texts`` tags any texts; ``extract_features`` adds the tags (and function-word counts) to a
message frame; ``bid_responses`` codes each bid and the partner's reply. Importing this package also
registers the text count providers and metric specs with the metric engine (``reciprocal.metrics.text``),
so ``analyze()`` reports them.
"""

from __future__ import annotations

from ..metrics import text as _text_metrics  # noqa: F401  (registers the text metrics)
from .extract import FW_COLUMNS, MESSAGE_FEATURE_COLUMNS, extract_features
from .registry import Feature, features, register_feature, run_features
from .responses import bid_responses
from .tagger import BID_LEVELS, FLAG_COLUMNS, SUPPORT_CODES, TAG_COLUMNS, tag_texts

__all__ = [
    "BID_LEVELS",
    "FLAG_COLUMNS",
    "FW_COLUMNS",
    "MESSAGE_FEATURE_COLUMNS",
    "SUPPORT_CODES",
    "TAG_COLUMNS",
    "Feature",
    "bid_responses",
    "extract_features",
    "features",
    "register_feature",
    "run_features",
    "tag_texts",
]
