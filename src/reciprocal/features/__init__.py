"""Text features: rule detectors per text, per message and per response.

``tag_texts`` tags any texts; ``extract_features`` adds the tags (and function-word counts) to a
message frame; the registry lets further per-message features plug into the same runner.
"""

from __future__ import annotations

from .tagger import BID_LEVELS, FLAG_COLUMNS, TAG_COLUMNS, tag_texts

__all__ = ["BID_LEVELS", "FLAG_COLUMNS", "TAG_COLUMNS", "tag_texts"]
