"""Privacy: keyed pseudonyms for people and chats, redaction of phone numbers and e-mails in text.

Both functions return a new frame and never touch the input. They work on a message frame
(:data:`reciprocal.schema.COLUMNS`) and on any frame derived from one that still has the columns
they change (extra columns are kept as they are).

Why a *keyed* hash: the set of possible phone numbers (and of first names) is small enough to
hash completely, so a plain SHA-256 of ``+447911123456`` is reversible by brute force in
minutes. An HMAC with a secret key is not, as long as the key stays secret; keeping the key also
keeps pseudonyms stable across runs, so two exports pseudonymised with one key can be joined.

Example:
    >>> from reciprocal import schema
    >>> from reciprocal.privacy import pseudonymise, redact
    >>> messages = schema.make_messages({"timestamp": ["2024-05-01 09:00"], "sender": ["Sam"],
    ...     "text": ["new number: +44 7911 123456"]}, chat_id="WhatsApp Chat with Sam")
    >>> safe = redact(pseudonymise(messages, key=b"0123456789abcdef0123456789abcdef"))
    >>> safe["sender"].iloc[0].startswith("P-"), safe["text"].iloc[0]
    (True, 'new number: <PHONE>')
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from . import schema
from .errors import ConfigError, SchemaError

__all__ = [
    "EMAIL_PLACEHOLDER",
    "MIN_KEY_BYTES",
    "PHONE_PLACEHOLDER",
    "as_key",
    "load_key",
    "new_key",
    "pseudonym",
    "pseudonymise",
    "redact",
]

#: Shortest accepted key: shorter keys could themselves be guessed.
MIN_KEY_BYTES = 16
#: Hex digits kept from the HMAC (48 bits: collisions are checked, and practically never happen).
_DIGITS = 12
#: Typed placeholders written by :func:`redact`.
PHONE_PLACEHOLDER = "<PHONE>"
EMAIL_PLACEHOLDER = "<EMAIL>"

# Each column gets its own domain so that a name and an id that happen to be equal do not
# get the same pseudonym by construction, and its own readable prefix.
_DOMAINS: dict[str, str] = {schema.SENDER: "P", schema.SENDER_ID: "ID", schema.CHAT_ID: "C"}

# RE2-compatible (pyarrow runs it in linear time, so hostile 30 MB texts cannot stall it).
# Local part, "@", then dot-separated labels ending in a 2+ letter top-level domain.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL_RE = rf"{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}"
# Texts with fewer digits than this cannot hold a phone number; they skip the slow matcher.
_MIN_PHONE_DIGITS = 5
_DIGIT_RUN_RE = r"(?:\d\D{0,3}){" + str(_MIN_PHONE_DIGITS) + ",}"


def as_key(key: bytes | str) -> bytes:
    """Return ``key`` as bytes after checking it is long enough for HMAC pseudonyms.

    Raises:
        ConfigError: The key is not bytes or str, or shorter than :data:`MIN_KEY_BYTES`.
    """
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, bytes | bytearray):
        raise ConfigError(f"key must be bytes or str, not {type(key).__name__}")
    if len(key) < MIN_KEY_BYTES:
        raise ConfigError(
            f"the key has {len(key)} byte(s); use at least {MIN_KEY_BYTES} random bytes "
            "(reciprocal.privacy.new_key() makes one)"
        )
    return bytes(key)


def pseudonym(value: str, *, key: bytes | str, column: str = schema.SENDER) -> str:
    """Return the pseudonym of one value, as :func:`pseudonymise` writes it in ``column``.

    Args:
        value: A sender name, sender id or chat id.
        key: The secret key (at least :data:`MIN_KEY_BYTES` bytes; ``str`` is UTF-8 encoded).
        column: ``"sender"``, ``"sender_id"`` or ``"chat_id"`` (each has its own prefix and domain).

    Returns:
        ``<prefix>-<12 hex digits>`` of HMAC-SHA256(key, column + NUL + value).

    Raises:
        ConfigError: The key is too short or ``column`` is not one of the three.
    """
    if column not in _DOMAINS:
        raise ConfigError(f"column must be one of {', '.join(_DOMAINS)}, not {column!r}")
    return _hmac_names([value], key=as_key(key), column=column)[value]


def _hmac_names(values: Iterable[str], *, key: bytes, column: str) -> dict[str, str]:
    prefix = _DOMAINS[column]
    out = {}
    for v in values:
        digest = hmac.new(key, f"{column}\x00{v}".encode("utf-8", "surrogatepass"), hashlib.sha256)
        out[v] = f"{prefix}-{digest.hexdigest()[:_DIGITS]}"
    clashes = [p for p, n in Counter(out.values()).items() if n > 1]
    if clashes:  # ~1e-8 for 2,000 names; two people must never merge silently
        raise SchemaError(
            [f"{len(clashes)} pseudonym collision(s) in {column}; use another key"], what="pseudonyms"
        )
    return out


def pseudonymise(
    messages: pd.DataFrame,
    *,
    key: bytes | str,
    chat_id: bool = True,
) -> pd.DataFrame:
    """Replace names and ids by keyed pseudonyms (HMAC-SHA256), consistently for one key.

    ``sender`` becomes ``P-<hex>``, ``sender_id`` becomes ``ID-<hex>`` and (by default)
    ``chat_id`` becomes ``C-<hex>``; missing values stay missing. The same value gets the same
    pseudonym in every chat and every run with the same key, and a different one with another
    key. ``chat_id`` is replaced as a whole because importers build it from file names, folder
    names and titles, which usually name the other person (``WhatsApp Chat with Sam``) or hold
    their number. Everything else is kept: ``is_me`` still marks your own messages, and
    ``message_id`` / ``reply_to`` (source ids and sequence numbers, not personal) still link
    replies.

    Not covered: names and numbers written *inside* message text (``"ask Sam"``, system rows
    such as ``"Sam added Alex"``) and attachment file names. Use :func:`redact` for phone
    numbers and e-mail addresses in text; drop or review ``text`` before sharing otherwise.

    Args:
        messages: A message frame (or a frame derived from one with these columns).
        key: Secret key, at least :data:`MIN_KEY_BYTES` bytes (``str`` is UTF-8 encoded). Keep it
            to reproduce the same pseudonyms; :func:`new_key` / :func:`load_key` manage key files.
        chat_id: Also replace ``chat_id`` (default True).

    Returns:
        A new frame with the same columns, dtypes and index.

    Raises:
        ConfigError: The key is missing, too short or not bytes/str.
        SchemaError: A required column is missing.

    Example:
        >>> import pandas as pd
        >>> from reciprocal import schema
        >>> from reciprocal.privacy import pseudonymise
        >>> m = schema.make_messages({"timestamp": ["2024-01-01 10:00"], "sender": ["Sam"]}, chat_id="Sam")
        >>> out = pseudonymise(m, key="correct horse battery staple")
        >>> out["sender"].iloc[0] == pseudonymise(m, key="correct horse battery staple")["sender"].iloc[0]
        True
        >>> out["sender"].iloc[0] == "Sam"
        False
    """
    raw_key = as_key(key)
    columns = [schema.SENDER, schema.SENDER_ID] + ([schema.CHAT_ID] if chat_id else [])
    missing = [c for c in columns if c not in messages.columns]
    if missing:
        raise SchemaError([f"missing column {c!r}" for c in missing], what="frame to pseudonymise")
    changes = {col: _map_column(messages[col], key=raw_key, column=col) for col in columns}
    return messages.assign(**changes)


def _map_column(values: pd.Series, *, key: bytes, column: str) -> pd.Series:
    # Hash each distinct value once (chats repeat a handful of names thousands of times).
    uniques = [v for v in pd.unique(values.dropna()) if isinstance(v, str)]
    table = _hmac_names(uniques, key=key, column=column)
    dtype = values.dtype
    mapped = values.map(table)
    if isinstance(dtype, pd.CategoricalDtype):
        return mapped.astype("category")
    return mapped.astype(dtype if isinstance(dtype, pd.StringDtype) else schema.STRING)


def redact(messages: pd.DataFrame, *, region: str | None = None) -> pd.DataFrame:
    """Replace phone numbers and e-mail addresses in ``text`` by ``<PHONE>`` and ``<EMAIL>``.

    E-mail addresses are found with one linear-time pattern. Phone numbers are found with the
    ``phonenumbers`` matcher at its ``VALID`` leniency: a candidate must be a valid number for
    ``region`` (national format such as ``07911 123456`` for ``"GB"``) or carry an international
    prefix (``+44 7911 123456``), so times, dates, amounts, years and order numbers stay as they
    are. Only ``text`` changes; names and ids are :func:`pseudonymise`'s job.

    Args:
        messages: A message frame (or any frame with a ``text`` column).
        region: ISO 3166 region (``"GB"``, ``"US"``, ``"DE"``) for numbers written without
            ``+<country code>``. Default: the most common region of the phone numbers in
            ``sender_id``, if any; otherwise only international-format numbers are found.

    Returns:
        A new frame; ``text`` has the placeholders, every other column is unchanged.

    Raises:
        ConfigError: ``region`` is not a region ``phonenumbers`` knows.
        SchemaError: The frame has no ``text`` column.

    Example:
        >>> from reciprocal import schema
        >>> from reciprocal.privacy import redact
        >>> m = schema.make_messages({"timestamp": ["2024-01-01 10:00"], "sender": ["Sam"],
        ...     "text": ["mail sam@example.org or call 07911 123456 at 18:30"]})
        >>> redact(m, region="GB")["text"].iloc[0]
        'mail <EMAIL> or call <PHONE> at 18:30'
    """
    import phonenumbers

    if schema.TEXT not in messages.columns:
        raise SchemaError(["missing column 'text'"], what="frame to redact")
    if region is not None:
        region = region.upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise ConfigError(f"region={region!r} is not an ISO 3166 region code phonenumbers knows")
    else:
        region = _infer_region(messages)
    text = messages[schema.TEXT]
    if not isinstance(text.dtype, pd.StringDtype) or text.dtype.storage != "pyarrow":
        text = text.astype(schema.STRING)
    text = text.str.replace(_EMAIL_RE, EMAIL_PLACEHOLDER, regex=True)
    # Only texts with enough digits can hold a number; match each distinct one once.
    has = text.str.contains(_DIGIT_RUN_RE, regex=True).fillna(False).to_numpy(dtype=bool)
    if has.any():
        # Positional, so frames with a duplicated index work too.
        values = text.astype(object).to_numpy(dtype=object, copy=True)
        candidates = pd.Series(values[has], dtype=object)
        table = {t: _redact_phones(t, region) for t in pd.unique(candidates)}
        values[has] = candidates.map(table).to_numpy(dtype=object)
        text = pd.Series(values, index=text.index, dtype=schema.STRING)
    return messages.assign(**{schema.TEXT: text.astype(messages[schema.TEXT].dtype)})


def _redact_phones(text: str, region: str | None) -> str:
    import phonenumbers

    parts: list[str] = []
    end = 0
    for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
        parts.append(text[end : match.start])
        parts.append(PHONE_PLACEHOLDER)
        end = match.end
    if not parts:
        return text
    parts.append(text[end:])
    return "".join(parts)


def _infer_region(messages: pd.DataFrame) -> str | None:
    import phonenumbers

    if schema.SENDER_ID not in messages.columns:
        return None
    ids = messages[schema.SENDER_ID].dropna().astype(str)
    ids = ids[ids.str.startswith("+")]
    counts: Counter[str] = Counter()
    for value, n in ids.value_counts().items():
        try:
            number = phonenumbers.parse(str(value), None)
        except phonenumbers.NumberParseException:
            continue
        code = phonenumbers.region_code_for_number(number)
        if code and code != "ZZ":
            counts[code] += int(n)
    return counts.most_common(1)[0][0] if counts else None


def new_key(path: str | os.PathLike[str] | None = None) -> bytes:
    """Return a new random 32-byte key, optionally writing it (hex) to a new file only you can read.

    Args:
        path: Where to write the key (64 hex digits and a newline, mode 0600). The file must not
            exist yet: overwriting a key would make earlier pseudonyms unmatchable.

    Returns:
        The key bytes (what :func:`load_key` returns for the file).

    Raises:
        ConfigError: ``path`` already exists.
    """
    raw = secrets.token_hex(32)
    if path is not None:
        p = Path(path)
        try:
            fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError as exc:
            raise ConfigError(f"{p}: the key file already exists; it was not overwritten") from exc
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(raw + "\n")
    return raw.encode("ascii")


def load_key(path: str | os.PathLike[str]) -> bytes:
    """Read a key file for :func:`pseudonymise` (the CLI's ``--pseudonymise KEYFILE``).

    The file's bytes are the key, with surrounding whitespace (a trailing newline) removed; any
    content of at least :data:`MIN_KEY_BYTES` bytes works, e.g. the hex key of :func:`new_key`.

    Args:
        path: The key file.

    Returns:
        The key bytes.

    Raises:
        ConfigError: The file cannot be read or holds too short a key.
    """
    p = Path(path)
    try:
        key = p.read_bytes().strip()
    except OSError as exc:
        raise ConfigError(f"{p}: the key file cannot be read ({exc.strerror or exc})") from exc
    try:
        return as_key(key)
    except ConfigError as exc:
        raise ConfigError(f"{p}: {exc.message}") from exc
