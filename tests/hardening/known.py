"""Known importer failures of the hardening suite, marked ``xfail`` (non-strict) with the reason.

Each entry names the test, the importer (the parametrize id) and what breaks, so the failure
stays visible in ``pytest -ra`` (XFAIL with the reason) and an entry that starts passing shows as
XPASS: delete it then. Only importer bugs belong here, never a weakened promise.
"""

from __future__ import annotations

#: (test function name, parametrize id) -> reason
KNOWN: dict[tuple[str, str], str] = {
    ("test_hostile_input", "long_line-sms"): (
        "a 30 MB token (no '>' for 30 MB, e.g. a video's base64 in an MMS part) takes minutes: "
        "ElementTree.iterparse feeds expat 16 KiB at a time and expat 2.5 re-scans the pending "
        "token on every feed (quadratic); _sms_xml.py:205. Feed larger chunks (XMLPullParser with "
        "growing chunk sizes) or refuse a token over a size limit."
    ),
    ("test_invalid_utf8_in_a_message_keeps_it_and_warns_with_the_line", "sms"): (
        "one invalid UTF-8 byte in a body makes the whole backup a FormatError (expat 'not "
        "well-formed (invalid token)'); decode with replacement (and note the lines) before expat."
    ),
    ("test_errors_modes_agree_on_broken_variants", "sms"): (
        "<?xml ... encoding='UTF-x'?> raises LookupError (unknown encoding) out of "
        "_sms_xml.py:205 (iterparse); catch LookupError and raise FormatError."
    ),
    ("test_line_edits_lose_no_line", "sms"): (
        "text after </smses> is skipped with SkippedRecord.line=None although the reason names "
        "the line; pass line= to ctx.skip."
    ),
    ("test_line_edits_lose_no_line", "messenger"): (
        "salvage mode for damaged JSON notes the damage at line 1 only; junk on later lines "
        "(e.g. two junk lines before '{') is not counted with its line."
    ),
    ("test_line_edits_lose_no_line", "instagram"): (
        "same salvage mode as messenger (messenger.py): junk lines other than line 1 not reported."
    ),
}
