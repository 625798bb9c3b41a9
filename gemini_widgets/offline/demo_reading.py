"""What a request asks the demo writer for: topic, length, language, persona, attachments.

Kept apart from the writing so each rule ("be brief" shrinks the answer, "answer in French"
switches the phrasebook) is one line to read and one line to test.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Literal

from google.genai import types

from .demo_phrases import Phrasebook, fill
from .demo_phrases_intl import PHRASEBOOKS
from .demo_topic import (
    arithmetic_answer,
    code_language,
    is_greeting,
    is_thanks,
    key_phrases,
    keywords,
    requested_language,
    requested_word_count,
    topic_of,
    wants_brevity,
    wants_no_code,
    wants_one_sentence,
)
from .wire import ParsedRequest, parts_text

__all__ = ["Attachment", "Reading", "read_request"]

# A "100000-word" request is still answered, but not with megabytes more than that.
MAX_WORDS = 100_000

Kind = Literal["greeting", "thanks", "arithmetic", "one_sentence", "answer"]

_PERSONA = re.compile(r"\byou are\s+((?:an?|the)\s+)?([^.,;:!?\n]{2,48})", re.IGNORECASE)
_GENERIC_PERSONA = re.compile(r"\b(assistant|ai|model|chatbot|bot|language model)\b", re.I)
_PIRATE = re.compile(r"\bpirates?\b", re.IGNORECASE)


@dataclass(frozen=True)
class Attachment:
    """One non-text part of the prompt, as the answer describes it."""

    kind: str  # a key of Phrasebook.kinds, or "function"
    mime: str = ""
    size: int | None = None
    uri: str = ""
    name: str = ""

    def describe(self, book: Phrasebook) -> str:
        """One list line: what arrived, its type and size (the server never looks inside)."""
        kind = book.kinds.get(self.kind, self.kind)
        kind = kind[:1].upper() + kind[1:]
        if self.kind == "function":
            return f"{kind}: `{self.name}`"
        mime = self.mime or book.kinds["unknown"]
        if self.uri:
            return fill(book.file_part, {"kind": kind, "uri": self.uri, "mime": mime})
        return fill(book.inline_part, {"kind": kind, "mime": mime, "size": _size(self.size or 0)})


@dataclass(frozen=True)
class Reading:
    """The request, reduced to the decisions the writer makes."""

    prompt: str
    topic: str
    words: list[str]
    kind: Kind
    target: int
    book: Phrasebook
    explicit_length: bool = False
    brief: bool = False
    companion: str = ""  # stands in for a second key word when the prompt has only one
    language: str = "en"
    code_lang: str = "python"
    allow_code: bool = True
    earlier_topic: str = ""
    instruction: str = ""
    persona: str = ""
    pirate: bool = False
    arithmetic: str = ""
    attachments: list[Attachment] = field(default_factory=list)


READ_AT_MOST = 20_000
"""Characters of a prompt (and of the system text) the demo reads. Its topic and keyword
scans cost about 5 s a MB on the server's one thread, where every stream waits; what a
demo answer depends on is at the start of a prompt."""


def read_request(request: ParsedRequest, rng: random.Random) -> Reading:
    """Decide topic, length and tone from the last user turn, the history and the system text."""
    prompt = request.prompt_text.strip()[:READ_AT_MOST]
    system = " ".join(request.system_text[:READ_AT_MOST].split())
    language = requested_language(f"{system} {prompt}")
    attachments = _attachments(_last_user_parts(request))
    earlier = _earlier_topic(request.contents)

    topic = topic_of(prompt)
    words = [w for w in keywords(prompt) if w.lower() not in _LANGUAGE_NAMES]
    if not words and earlier:
        topic, words = earlier, keywords(earlier)
    if attachments and (not topic or _names_the_attachment(topic)):
        topic = _attachment_topic(attachments, language)
    if not topic:
        topic = " ".join(words[:3]) or _FALLBACK_TOPIC.get(language, "this question")
    words = key_phrases(topic, words) or keywords(topic) or ["ideas", "examples"]
    if len(words) > 2:  # "recursion in Python" is about recursion: the language is the medium
        words = [w for w in words if w.lower() not in _CODE_WORDS] or words

    arithmetic = arithmetic_answer(prompt) or ""
    kind: Kind = "answer"
    if arithmetic:
        kind = "arithmetic"
    elif is_greeting(prompt) and not attachments:
        kind = "greeting"
    elif is_thanks(prompt) and not attachments:
        kind = "thanks"
    elif wants_one_sentence(prompt):
        kind = "one_sentence"

    return Reading(
        prompt=prompt,
        topic=topic,
        words=words,
        kind=kind,
        target=_target_words(prompt, system, rng),
        explicit_length=bool(requested_word_count(prompt) or requested_word_count(system)),
        brief=wants_brevity(prompt) or wants_brevity(system),
        companion=_COMPANION[language],
        book=PHRASEBOOKS[language],
        language=language,
        code_lang=code_language(prompt) or code_language(system) or "python",
        allow_code=not (wants_no_code(prompt) or wants_no_code(system)),
        earlier_topic=earlier,
        instruction=_shorten(system, 120),
        persona=_persona(system),
        pirate=bool(_PIRATE.search(system) or _PIRATE.search(prompt)),
        arithmetic=arithmetic,
        attachments=attachments,
    )


def _target_words(prompt: str, system: str, rng: random.Random) -> int:
    """Explicit length first, then brevity, then a default that suits the prompt's size."""
    explicit = requested_word_count(prompt) or requested_word_count(system)
    if explicit:
        return min(explicit, MAX_WORDS)
    if wants_brevity(prompt) or wants_brevity(system):
        return rng.randint(50, 80)
    return rng.randint(190, 250)


def _earlier_topic(contents: list[types.Content]) -> str:
    """The topic of the user turn before the last one, so a follow-up can name it."""
    user_turns = [c for c in contents if c.role in (None, "user")]
    for content in reversed(user_turns[:-1]):
        text = parts_text(content.parts or []).strip()
        if text and not (is_greeting(text) or is_thanks(text)):
            topic = topic_of(text)
            if topic:
                return topic
    return ""


def _last_user_parts(request: ParsedRequest) -> list[types.Part]:
    for content in reversed(request.contents):
        if content.role in (None, "user"):
            return content.parts or []
    return []


def _attachments(parts: list[types.Part]) -> list[Attachment]:
    found = []
    for part in parts:
        if part.inline_data is not None:
            mime = part.inline_data.mime_type or ""
            size = len(part.inline_data.data or b"")
            found.append(Attachment(kind=_kind_of(mime), mime=mime, size=size))
        elif part.file_data is not None:
            mime = part.file_data.mime_type or ""
            uri = part.file_data.file_uri or ""
            found.append(Attachment(kind=_kind_of(mime, uri), mime=mime, uri=uri))
        elif part.function_response is not None:
            found.append(Attachment(kind="function", name=part.function_response.name or ""))
    return found


def _kind_of(mime: str, uri: str = "") -> str:
    major = mime.split("/")[0]
    if major in ("image", "audio", "video", "text"):
        return major
    if mime == "application/pdf":
        return "pdf"
    if "youtube.com" in uri or "youtu.be" in uri:
        return "video"
    return "file"


def _attachment_topic(attachments: list[Attachment], language: str) -> str:
    english = {"image": "the attached image", "audio": "the attached audio", "pdf": "the PDF"}
    if language == "en":
        return english.get(attachments[0].kind, "the attached file")
    return _FALLBACK_TOPIC[language]


def _names_the_attachment(topic: str) -> bool:
    """'What is in this picture?' is about the attachment, not about pictures."""
    return all(w.lower().strip("?.!") in _ATTACHMENT_WORDS for w in keywords(topic) or [topic])


def _persona(system: str) -> str:
    match = _PERSONA.search(system)
    if match is None:
        return ""
    persona = (match.group(1) or "") + match.group(2).strip()
    if _GENERIC_PERSONA.search(persona) or _PIRATE.search(persona):
        return ""
    return persona


def _size(count: int) -> str:
    if count < 1024:
        return f"{count:,} bytes"
    return f"{count:,} bytes ({count / 1024:.1f} KB)"


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_ATTACHMENT_WORDS = {
    "picture", "image", "photo", "photograph", "file", "document", "pdf", "attachment",
    "audio", "video", "clip", "recording", "screenshot", "this", "it", "these",
}  # fmt: skip
# The second key word when the prompt has only one, so templates still read naturally.
_COMPANION = {"en": "the context", "fr": "le contexte", "es": "el contexto", "de": "der Kontext"}
_CODE_WORDS = {
    "python", "javascript", "js", "typescript", "sql", "bash", "shell", "rust", "golang",
    "java", "c++", "cpp", "c#", "html", "css", "json", "yaml", "node", "react",
}  # fmt: skip
_LANGUAGE_NAMES = {"french", "spanish", "german", "français", "español", "deutsch"}
_FALLBACK_TOPIC = {
    "en": "this question",
    "fr": "cette question",
    "es": "esta pregunta",
    "de": "diese Frage",
}
