"""What a request asks the demo writer for: topic, key words, length, code, earlier turn,
system instruction and attachments.

Plain regular expressions, no model: good enough that the answer is visibly *about* what was
asked, cheap enough for every request. Kept apart from the writing so each rule ("be brief"
shrinks the answer) is one line to read and to test.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from .wire import ParsedRequest, parts_text

__all__ = ["Reading", "key_phrases", "keywords", "read_request", "topic_of"]

READ_AT_MOST = 20_000
"""Characters of a prompt (and of the system text) the demo reads. Its topic and keyword
scans cost about 5 s a MB on the server's one thread, where every stream waits; what a
demo answer depends on is at the start of a prompt."""
MAX_WORDS = 100_000  # a "1000000-word" request is still answered, but not with megabytes

_STOPWORDS = """a an the and or but if then than so of to in on at by for with from into onto
    over under about above below between through during before after as is are was were be
    been being am do does did doing done have has had having i me my mine we us our you your
    yours he him his she her they them their it its this that these those there here what
    which who whom whose when where why how all any both each few more most other some such no
    nor not only own same too very can could will would shall should may might must just also
    again further once up down out off still even ever lot lots thing things something
    anything really quite much many way ways get got let lets like make makes made use using
    used want wants need needs keep know tell give show help please thanks thank hey hi hello
    ok okay yes yeah sure now well one two three four five six seven eight nine ten"""
# Words that say what kind of answer is wanted, not what it is about.
_REQUEST_WORDS = """write explain explaining describe describing summarize summarise summary
    essay report article answer answers word words paragraph paragraphs sentence sentences
    short brief briefly long detailed detail overview introduction intro guide list table
    example examples snippet discuss discussion compare comparison outline draft blog post
    story poem elaborate continue go on more further again respond reply translate concise
    succinct quick simple simply beginner beginners response text page pages"""
SKIPPED = frozenset(_STOPWORDS.split()) | frozenset(_REQUEST_WORDS.split())
_TOPIC_END = SKIPPED | {"work", "works", "happen", "happens", "mean", "matter", "function"}
# "Recursion in Python" is about recursion: the language is the medium.
_CODE_WORDS = {"python", "javascript", "js", "typescript", "sql", "bash", "shell", "rust", "node"}

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'+#.-]*[A-Za-z0-9+#]|[A-Za-z]")
_COUNT = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(k\b)?\s*[- ]?\s*words?\b", re.I)
_LENGTH_PHRASE = re.compile(
    r"\b(?:in\s+)?(?:(?:about|around|roughly|exactly)\s+)?(?:an?\s+)?" + _COUNT.pattern, re.I
)
_SENTENCES = re.compile(r"\b(one|a|single|two|three)\s+sentences?\b", re.IGNORECASE)
_BRIEF = re.compile(r"\b(short|brief|briefly|concise|concisely|succinct|tl;?dr)\b", re.I)
_NO_CODE = re.compile(r"\b(no|without|skip the|don't include|do not include)\s+code\b", re.I)
_GREETING = re.compile(
    r"^\s*(hi|hello|hey|howdy|good (morning|afternoon|evening)|greetings)\b[\s!.,?]*"
    r"(there|all|everyone)?[\s!.,?]*$",
    re.IGNORECASE,
)
# Ordered by how strongly the phrase announces the topic.
_TOPIC_MARKERS = [
    r"\b(?:about|regarding|concerning|on the topic of|on the subject of)\s+(.+)",
    r"\b(?:explain|describe|summari[sz]e|discuss|outline|introduce|compare)\s+(.+)",
    r"\b(?:what|who)\s+(?:is|are|was|were)\s+(.+)",
    r"\b(?:how|why)\s+(?:does|do|did|is|are|can|could|should|would|to)\s+(.+)",
    r"\b(?:introduction|guide|overview|history)\s+(?:to|of)\s+(.+)",
    r"\b(?:essay|report|article|post|story|poem|summary)\s+on\s+(.+)",
    r"\b(?:query|script|function|program|code|snippet|command)\s+(?:to|that|which|for)\s+(.+)",
    r"\btell me\s+(.+)",
]
_LEADING_FILLER = re.compile(
    r"^(?:(?:the|a|an|my|our|your|some|me|us|it|i|we|you|in|this|these|that|those|how|what|"
    r"why|in detail|briefly|simply)\s+)+",
    re.IGNORECASE,
)
# The code block's language: the last one the request names, of those the demo writes.
_CODE_LANGUAGES = {
    "javascript": r"\bjavascript\b|\bjs\b|\bnode(?:\.?js)?\b|\breact\b|\btypescript\b",
    "sql": r"\bsql\b|\bpostgres(?:ql)?\b|\bmysql\b|\bsqlite\b",
    "bash": r"\bbash\b|\bshell\b|\bterminal\b|\bcommand[- ]line\b",
    "rust": r"\brust\b|\bcargo\b",
    "python": r"\bpython\b|\bpandas\b|\bnumpy\b",
}
_MEDIA_TEXT = "picture image photo file document pdf attachment audio video clip chart this it"
_MEDIA_WORDS = frozenset(_MEDIA_TEXT.split())


@dataclass(frozen=True)
class Reading:
    """The request, reduced to the decisions the writer makes."""

    topic: str
    words: list[str]
    target: int
    kind: str = "answer"  # or "greeting", "one_sentence"
    exact: bool = False  # the length was asked for (or brevity): it does not bend
    code_lang: str = "python"
    allow_code: bool = True
    earlier_topic: str = ""
    instruction: str = ""
    attachments: list[str] = field(default_factory=list)  # one Markdown line each


def read_request(request: ParsedRequest, rng: random.Random, length: float = 1.0) -> Reading:
    """Decide topic, length and shape from the last user turn, the history and the system.
    ``length`` scales a length the prompt does not name (the model's ``ModelPace``)."""
    prompt = request.prompt_text.strip()[:READ_AT_MOST]
    system = " ".join(request.system_text[:READ_AT_MOST].split())
    both = f"{system} {prompt}"
    user_turns = [parts_text(c.parts or []) for c in request.contents if c.role != "model"]
    earlier = next(
        (t for text in reversed(user_turns[:-1]) if (t := _topic_of_turn(text[:READ_AT_MOST]))),
        "",
    )
    media, kinds = _attachments(request)
    topic, words = topic_of(prompt), keywords(prompt)
    if not words and earlier:
        topic, words = earlier, keywords(earlier)
    if media and (not topic or all(w.lower() in _MEDIA_WORDS for w in topic.split())):
        topic = f"the attached {kinds[0]}"
    topic = topic or " ".join(words[:3]) or "this question"
    words = key_phrases(topic, words) or keywords(topic) or ["ideas", "examples"]
    if len(words) > 2:
        words = [w for w in words if w.lower() not in _CODE_WORDS] or words
    asked = _requested_words(prompt) or _requested_words(system)
    brief = bool(_BRIEF.search(both))
    if asked:
        target = min(asked, MAX_WORDS)
    else:
        target = round((rng.randint(50, 80) if brief else rng.randint(190, 250)) * length)
    kind = "greeting" if _GREETING.match(prompt) and not media else "answer"
    if re.search(r"\b(one|a|single)\s+sentence\b", prompt, re.IGNORECASE):
        kind = "one_sentence"
    named = [(-1, "python")]
    for lang, pattern in _CODE_LANGUAGES.items():
        named += [(m.start(), lang) for m in re.finditer(pattern, both, re.IGNORECASE)]
    return Reading(
        topic=topic,
        words=words,
        target=target,
        kind=kind,
        exact=bool(asked or brief),
        code_lang=max(named)[1],
        allow_code=not _NO_CODE.search(both),
        earlier_topic=earlier,
        instruction=system if len(system) <= 120 else system[:119].rstrip() + "…",
        attachments=media,
    )


def keywords(text: str, limit: int = 8) -> list[str]:
    """Content words in order of first appearance: the words an answer should reuse."""
    seen: set[str] = set()
    found: list[str] = []
    cleaned = _LENGTH_PHRASE.sub(" ", text)
    for match in _WORD.finditer(cleaned):
        word = match.group().strip(".'-")
        low = word.lower()
        if len(low) < 3 or low in SKIPPED or low in seen:
            continue
        seen.add(low)
        # Keep the case of names (Paris, SQL, JavaScript), not of a sentence's first word.
        before = cleaned[: match.start()].rstrip()
        proper = word[:1].isupper() and bool(before) and before[-1] not in ".?!:\n"
        found.append(word if proper or word[1:] != word[1:].lower() else low)
        if len(found) >= limit:
            break
    return found


def key_phrases(topic: str, extra: list[str], limit: int = 6) -> list[str]:
    """Runs of content words in the topic ("printing press"), then the prompt's other words.

    Templates read better with "the printing press" than with "printing" and "press" apart.
    """
    phrases: list[str] = []
    run: list[str] = []
    for word in [*topic.split(), "."]:
        low = word.lower().strip(",.;:!?")
        if low and low not in SKIPPED:
            run.append(word.strip(",.;:!?"))
            if word[-1] not in ",;:":
                continue
        if run:
            phrases.append(" ".join(run[:3]))
        run = []
    covered = " ".join(phrases).lower().split()
    phrases += [w for w in extra if w.lower() not in covered and w not in _TOPIC_END]
    return list(dict.fromkeys(phrases))[:limit]


def topic_of(text: str, max_words: int = 7) -> str:
    """The phrase the prompt is about ("the history of tides"), or '' when it names none."""
    cleaned = _LENGTH_PHRASE.sub(" ", text.replace("\n", ". "))
    for marker in _TOPIC_MARKERS:
        if (match := re.search(marker, cleaned, re.IGNORECASE)) is None:
            continue
        # A comma before a request word ends the topic ("binary search trees, with
        # examples"); a list stays whole ("Paris, London and Rome").
        phrase = re.split(
            r"[.?!;:\n]|\s*,\s*(?:with|and|but|then|please|in|for|using|including|as|so)\b",
            match.group(1),
        )[0]
        phrase = _LEADING_FILLER.sub("", phrase.strip())
        phrase = re.sub(r"\s+(?:please|for me|for us|in detail|briefly)$", "", phrase, flags=re.I)
        words = [w.strip("\"'`*()[],") for w in phrase.split()][:max_words]
        while words and words[-1].lower() in _TOPIC_END:
            words.pop()
        if keywords(phrase := " ".join(w for w in words if w)):
            return phrase
    return " ".join(keywords(text, limit=3))


def _topic_of_turn(text: str) -> str:
    return "" if not text.strip() or _GREETING.match(text) else topic_of(text.strip())


def _requested_words(text: str) -> int | None:
    """The length asked for ("300 words", "a 1,000-word essay", "2k words", "two sentences")."""
    if match := _COUNT.search(text):
        return max(1, int(float(match.group(1).replace(",", "")) * (1000 if match[2] else 1)))
    if match := _SENTENCES.search(text):
        return 18 * {"two": 2, "three": 3}.get(match.group(1).lower(), 1)
    return None


def _attachments(request: ParsedRequest) -> tuple[list[str], list[str]]:
    """A Markdown line for each non-text part of the last user turn, and what kind each is."""
    last = next((c for c in reversed(request.contents) if c.role != "model"), None)
    lines, kinds = [], []
    for part in last.parts or [] if last else []:
        blob, file = part.inline_data, part.file_data
        if blob is None and file is None:
            continue
        mime = (blob or file).mime_type or "unknown type"  # type: ignore[union-attr]
        kind = "PDF" if mime == "application/pdf" else mime.split("/")[0]
        kind = kind if kind in ("image", "audio", "video", "text", "PDF") else "file"
        kinds.append(kind)
        article = "An" if kind in ("image", "audio") else "A"
        if file is not None:
            lines.append(f"{article} {kind} by reference: `{file.file_uri}` (`{mime}`)")
        else:
            size = len(blob.data or b"")  # type: ignore[union-attr]
            kb = f" ({size / 1024:.1f} KB)" if size >= 1024 else ""
            lines.append(f"{article} {kind}: `{mime}`, {size:,} bytes{kb}")
    return lines, kinds
