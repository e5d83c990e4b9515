"""Importers: one per export format, registered by decorator and chosen by sniffing the content.

Writing an importer (built-in or plugin)::

    from reciprocal import schema
    from reciprocal.importers import ReadContext, Source, register_importer

    @register_importer("myformat", suffixes=(".json",), description="...", example=SAMPLE)
    def read_myformat(source: Source, ctx: ReadContext) -> pd.DataFrame:
        ...  # parse source.read_text(ctx); ctx.skip(source, line, reason) for broken records
        return schema.make_messages({...}, tz=ctx.tz, source="myformat", chat_id=...)

    @read_myformat.sniffer
    def _sniff(source: Source) -> float:
        return 1.0 if source.head_text().startswith("...") else 0.0

Built-in modules in this package are imported on first use; plugins register through the
``reciprocal.importers`` entry-point group. ``reciprocal.testing.check_importer`` is the
conformance suite every importer passes.
"""

from __future__ import annotations

from ._registry import (
    ACCEPT,
    ImporterSpec,
    all_suffixes,
    available_formats,
    detect,
    get_importer,
    importers,
    register_importer,
    sniff_scores,
    unregister_importer,
)
from ._source import DEFAULT_LIMITS, Limits, Note, ParseReport, ReadContext, SkippedRecord, Source

__all__ = [
    "ACCEPT",
    "DEFAULT_LIMITS",
    "ImporterSpec",
    "Limits",
    "Note",
    "ParseReport",
    "ReadContext",
    "SkippedRecord",
    "Source",
    "all_suffixes",
    "available_formats",
    "detect",
    "get_importer",
    "importers",
    "register_importer",
    "sniff_scores",
    "unregister_importer",
]
