"""WhatsApp message bodies: placeholders → kind / attachment / edited, system events, chat ids.

Pure functions over strings. Only bodies that the vectorised prefilter :data:`CANDIDATE_PATTERN`
flags reach :func:`classify_body`, and each distinct body is classified once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath, PureWindowsPath
from typing import Any, cast

from ._whatsapp_grammar import INVISIBLE

__all__ = [
    "CANDIDATE_PATTERN",
    "SYSTEM_SENDER_PATTERN",
    "BodyInfo",
    "chat_id_from_name",
    "classify_body",
    "is_system_sender",
]

_I = f"[{INVISIBLE}]*"


class _LazyPattern:
    """A regex compiled on first use (these are only needed when a body looks like a placeholder;
    compiling them all at import costs ~0.1 s on every ``read_chat`` of a fresh process)."""

    __slots__ = ("_args", "_compiled")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            self._compiled = re.compile(*self._args)
        return getattr(self._compiled, name)


def _lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return cast("re.Pattern[str]", _LazyPattern(pattern, flags))


# Android "media omitted" placeholders (whole body), English and common translations.
_MEDIA_OMITTED = (
    "Media omitted|Video message omitted|Video note omitted|Medien ausgeschlossen|Medien weggelassen|"
    "Multimedia omitido|Archivo omitido|Mídia oculta|Arquivo de mídia oculto|Mídia omitida|Médias omis|"
    "Fichier omis|Media omessi|Media weggelaten|Без медиафайлов|Medya dahil edilmedi|"
    "Media tidak disertakan|Pominięto multimedia"
)
# iOS "<type> omitted" placeholders: English and a few translations, type → kind.
_IOS_OMITTED = {
    "image": "media",
    "video": "media",
    "audio": "media",
    "GIF": "media",
    "document": "media",
    "sticker": "sticker",
    "Contact card": "contact",
    "Bild": "media",
    "Video": "media",
    "Audio": "media",
    "Sticker": "sticker",
    "imagen": "media",
}
_IOS_OMITTED_WORDS = "omitted|omitida|omitido|weggelassen|ausgelassen|omis|omessi"
_ATTACHED_WORDS = "attached|Anhang|adjunto|anexado|pièce jointe|allegato|bijlage"
_FILE_ATTACHED = (
    "file attached|Datei angehängt|archivo adjunto|arquivo anexado|fichier joint|file allegato|"
    "bestand bijgevoegd"
)
_DELETED = (
    "This message was deleted|You deleted this message|Diese Nachricht wurde gelöscht|"
    "Du hast diese Nachricht gelöscht|Se eliminó este mensaje|Eliminaste este mensaje|"
    "Esta mensagem foi apagada|Você apagou esta mensagem|Ce message a été supprimé|"
    "Vous avez supprimé ce message|Questo messaggio è stato eliminato|Hai eliminato questo messaggio"
)
_EDITED = (
    "This message was edited|Diese Nachricht wurde bearbeitet|Se editó este mensaje\\.|"
    "Mensagem editada|Ce message a été modifié|Questo messaggio è stato modificato"
)
_LOCATION = "location|Location|Standort|ubicación|Ubicación|localização|Localização|position|Position"
_LIVE_LOCATION = "[Ll]ive location shared|Live-Standort geteilt|Ubicación en tiempo real compartida"
_CALL = (
    "Missed (?:group )?(?:voice|video) call|Voice call|Video call|Verpasster (?:Sprach|Video)anruf|"
    "Llamada (?:de voz|de video|perdida)(?: perdida)?"
)
_E2E = (
    "Messages and calls are end-to-end encrypted|Messages to this group are now secured with end-to-end|"
    "Messages you send to this (?:chat|group) .*end-to-end|Nachrichten und Anrufe sind Ende-zu-Ende|"
    "Los mensajes y las llamadas están cifrados de extremo a extremo|"
    "As mensagens e as chamadas são protegidas com a criptografia de ponta a ponta|"
    "Les messages et les appels sont chiffrés de bout en bout|"
    "I messaggi e le chiamate sono crittografati end-to-end"
)
# iOS writes group events "as if sent by" the group (or contact) name, with a leading U+200E.
_IOS_EVENT = (
    r"(?:You|.+?) created group|.+? added .+|.+? removed .+|.+? left|You were added|"
    r".+? joined using this group's invite link|Your security code with .+? changed|"
    r".+? changed (?:the subject|this group's icon|the group description|the group name|their phone number)|"
    r".+? turned (?:on|off) disappearing messages|You (?:blocked|unblocked) this contact"
)

#: RE2/Python pattern that every body needing :func:`classify_body` matches (a cheap prefilter).
CANDIDATE_PATTERN = (
    rf"^{_I}<|>\s*$|(?:{_IOS_OMITTED_WORDS})\s*$|\((?:{_FILE_ATTACHED})\)|^{_I}(?:{_DELETED})|"
    rf"^{_I}(?:{_LOCATION}): |^{_I}(?:{_LIVE_LOCATION})|^{_I}(?:{_CALL})|^POLL:|"
    rf"^{_I}(?:{_E2E})|^" + "\u200e"
)

_RE_MEDIA_OMITTED = _lazy(rf"{_I}<(?:{_MEDIA_OMITTED})>", re.IGNORECASE)
_RE_IOS_OMITTED = _lazy(
    rf"{_I}(?:(?P<type>{'|'.join(_IOS_OMITTED)})|(?P<doc>.+?) (?:• .+ )?document) "
    rf"(?:{_IOS_OMITTED_WORDS})",
    re.IGNORECASE,
)
_RE_ATTACHED = _lazy(rf"(?P<pre>.*?){_I}<(?:{_ATTACHED_WORDS}): (?P<name>[^<>\n]+)>(?P<post>.*)", re.DOTALL)
_RE_OLD_ATTACHED = _lazy(rf"{_I}(?P<name>[^\n<>]+?) <attached>(?P<post>.*)", re.DOTALL)
_RE_FILE_ATTACHED = _lazy(rf"{_I}(?P<name>[^\n]+?) \((?:{_FILE_ATTACHED})\)(?:\n(?P<post>.*))?", re.DOTALL)
_RE_DELETED = _lazy(rf"{_I}(?:{_DELETED})\.?")
_RE_EDITED = _lazy(rf"[ {INVISIBLE}]*<(?:{_EDITED})>\s*$")
_RE_LOCATION = _lazy(rf"{_I}(?:(?:{_LOCATION}): \S+|(?:{_LIVE_LOCATION}))", re.DOTALL)
_RE_CALL = _lazy(rf"{_I}(?:{_CALL})(?:[.,].*)?", re.DOTALL)
_RE_POLL = _lazy(r"POLL:\n.*\nOPTION: ", re.DOTALL)
_RE_E2E = _lazy(rf"{_I}(?:{_E2E})", re.DOTALL)
_RE_IOS_EVENT = _lazy("\u200e(?:" + _IOS_EVENT + r")(?:[.,]|\s|$)")

#: Senders that are really the start of a system event whose text contains ``": "``.
SYSTEM_SENDER_PATTERN = _lazy(
    r"(?:^|\s)(?:changed the subject|changed the group (?:name|description)|changed this group's|"
    r"created group|hat den Betreff|cambió el asunto|a modifié le sujet)\b"
)


_MAX_PLACEHOLDER = 400


@dataclass(frozen=True, slots=True)
class BodyInfo:
    """What a message body means: its kind, the text left after removing markers, attachment."""

    kind: str
    text: str | None
    attachment: str | None = None
    edited: bool = False


def _attachment_kind(name: str) -> str:
    upper = name.upper()
    if "STICKER" in upper or upper.startswith("STK-") or upper.endswith(".WEBP"):
        return "sticker"
    if upper.endswith(".VCF"):
        return "contact"
    return "media"


def _caption(post: str | None) -> str | None:
    if post is None:
        return None
    post = post.lstrip("\n").strip(" ")
    return post or None


def classify_body(body: str) -> BodyInfo:
    """Classify one message body (text after ``"Name: "``) by WhatsApp's placeholders.

    The placeholder is removed from ``text`` (the kind and attachment carry it); a caption that
    follows an attachment stays as ``text``; location bodies are kept verbatim (the link is content);
    a trailing ``<This message was edited>`` sets ``edited`` and is removed.

    Args:
        body: The message body as exported (possibly multi-line).

    Returns:
        The classification; ``kind="system"`` for the end-to-end notice and iOS group events that
        exports attribute to the chat name.
    """
    edited = False
    m = _RE_EDITED.search(body)
    if m is not None:
        edited = True
        body = body[: m.start()]
    info = _classify(body)
    if edited:
        return BodyInfo(info.kind, info.text, info.attachment, True)
    return info


def _classify(body: str) -> BodyInfo:
    if _RE_MEDIA_OMITTED.fullmatch(body):
        return BodyInfo("media", None)
    # Placeholders are short; the length guard also keeps the nested quantifiers cheap.
    m = _RE_IOS_OMITTED.fullmatch(body) if len(body) <= _MAX_PLACEHOLDER else None
    if m is not None:
        if m["doc"] is not None:
            return BodyInfo("media", None, m["doc"].strip(INVISIBLE + " "))
        kind = next((v for k, v in _IOS_OMITTED.items() if k.lower() == m["type"].lower()), "media")
        return BodyInfo(kind, None)
    m = _RE_ATTACHED.fullmatch(body)
    if m is not None:
        name = m["name"].strip()
        return BodyInfo(_attachment_kind(name), _caption(m["post"]), name)
    m = _RE_OLD_ATTACHED.fullmatch(body)
    if m is not None:
        name = m["name"].strip()
        return BodyInfo(_attachment_kind(name), _caption(m["post"]), name)
    m = _RE_FILE_ATTACHED.fullmatch(body)
    if m is not None:
        name = m["name"].strip()
        return BodyInfo(_attachment_kind(name), _caption(m["post"]), name)
    if _RE_DELETED.fullmatch(body):
        return BodyInfo("deleted", None)
    if _RE_LOCATION.fullmatch(body):
        return BodyInfo("location", body)
    if _RE_CALL.fullmatch(body):
        return BodyInfo("call", None)
    if _RE_POLL.match(body):
        return BodyInfo("poll", body)
    if _RE_E2E.match(body) or _RE_IOS_EVENT.match(body):
        return BodyInfo("system", body.lstrip(INVISIBLE))
    return BodyInfo("text", body)


def is_system_sender(sender: str) -> bool:
    """True when a parsed "sender" is really the start of a system event containing ``": "``."""
    return SYSTEM_SENDER_PATTERN.search(sender) is not None


_PREFIX = _lazy(
    r"^(?:WhatsApp[ _]Chat[ _](?:with|mit|met|med|con|avec|com|z|ile|dengan)[ _]|WhatsApp[ _]Chat[ _]-[ _]|"
    r"WhatsApp-Chat[ _]mit[ _]|WhatsApp-chat[ _]met[ _]|Chat[ _]de[ _]WhatsApp[ _]con[ _]|"
    r"Chat[ _]WhatsApp[ _]con[ _]|Conversa[ _]do[ _]WhatsApp[ _]com[ _]|Discussion[ _]WhatsApp[ _]avec[ _]|"
    r"Чат[ _]WhatsApp[ _]с[ _])",
    re.IGNORECASE,
)


def chat_id_from_name(name: str | None, *, archive: str | None = None) -> str:
    """Derive a stable chat id from an export's file name.

    ``WhatsApp Chat with Ana.txt`` → ``Ana`` (localized prefixes too: ``WhatsApp Chat mit``,
    ``Chat de WhatsApp con``, ``Conversa do WhatsApp com``, ``WhatsApp Chat - `` of iOS zips, ...);
    the iOS member ``_chat.txt`` takes its archive's name (``WhatsApp Chat - Ana.zip`` → ``Ana``);
    any other file → its stem.

    Args:
        name: The file name or path (or a zip member, or ``archive.zip:member``).
        archive: The archive's name when ``name`` is a member of it.

    Returns:
        The chat id (``"whatsapp"`` when nothing usable is left).
    """
    text = str(name or "")
    if archive is None:
        cut = text.lower().rfind(".zip:")
        if cut >= 0:
            archive, text = text[: cut + 4], text[cut + 5 :]
    if archive is not None and _stem(text) in ("_chat", ""):
        text = archive
    stem = _stem(text)
    stripped = _PREFIX.sub("", stem).strip()
    return stripped or stem or "whatsapp"


def _stem(name: str) -> str:
    base = PurePath(PureWindowsPath(name).as_posix()).name
    for suffix in (".txt", ".zip"):
        if base.lower().endswith(suffix):
            return base[: -len(suffix)]
    return base
