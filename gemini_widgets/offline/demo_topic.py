"""Reading a prompt the way the demo writer needs it: topic, key words, length, code language.

Plain regular expressions, no model: good enough that the answer is visibly *about* what
was asked, and cheap enough to run on every request.
"""

from __future__ import annotations

import re

__all__ = [
    "arithmetic_answer",
    "code_language",
    "is_greeting",
    "is_thanks",
    "key_phrases",
    "keywords",
    "requested_language",
    "requested_word_count",
    "slug",
    "title_case",
    "topic_of",
    "wants_brevity",
    "wants_no_code",
    "wants_one_sentence",
]

_STOPWORD_TEXT = """
    a an the and or but if then than so of to in on at by for with from into onto over
    under about above below between through during before after as is are was were be been
    being am do does did doing done have has had having i me my mine we us our you your yours
    he him his she her they them their it its this that these those there here what which who
    whom whose when where why how all any both each few more most other some such no nor not
    only own same too very can could will would shall should may might must just also again
    further once up down out off still even ever lot lots thing things something anything
    really quite much many way ways get got let lets like make makes made use using used
    want wants need needs keep know tell give show help please thanks thank hey hi hello ok okay
    yes yeah sure now well one two three four five six seven eight nine ten"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

# Words that say what kind of answer is wanted, not what it is about.
_REQUEST_WORD_TEXT = """
    write explain explaining describe describing summarize summarise summary essay report
    article answer answers word words paragraph paragraphs sentence sentences short brief
    briefly long detailed detail overview introduction intro guide list table example
    examples snippet discuss discussion compare comparison outline draft blog post story poem
    elaborate continue go on more further again respond reply translate concise succinct
    quick simple simply beginner beginners response text page pages"""
REQUEST_WORDS = frozenset(_REQUEST_WORD_TEXT.split())

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'+#.-]*[A-Za-z0-9+#]|[A-Za-z]")

_COUNT = re.compile(
    r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(k\b)?\s*[- ]?\s*words?\b", re.IGNORECASE
)
_SENTENCES = re.compile(
    r"\b(one|a|single|1|two|2|three|3|four|4|five|5)\s+sentences?\b", re.IGNORECASE
)
_NUMBER_WORDS = {"one": 1, "a": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_BRIEF = re.compile(
    r"\b(short|shorter|brief|briefly|concise|concisely|succinct|tl;?dr|in a nutshell|"
    r"keep it short|few words)\b",
    re.IGNORECASE,
)
_NO_CODE = re.compile(r"\b(no|without|skip the|don't include|do not include)\s+code\b", re.I)
_GREETING = re.compile(
    r"^\s*(hi|hello|hey|hiya|howdy|good (morning|afternoon|evening)|greetings|yo|hallo|"
    r"bonjour|hola)\b[\s!.,?]*(there|all|everyone)?[\s!.,?]*$",
    re.IGNORECASE,
)
_THANKS = re.compile(r"^\s*(thanks|thank you|thx|cheers)\b[\w\s!.,]*$", re.IGNORECASE)
_ARITHMETIC = re.compile(
    r"(-?\d+(?:\.\d+)?)\s*([-+*/x×÷^])\s*(-?\d+(?:\.\d+)?)(?!\s*[-a-z])", re.IGNORECASE
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
_LENGTH_PHRASE = re.compile(
    r"\b(?:in\s+)?(?:about\s+|around\s+|roughly\s+|exactly\s+)?(?:an?\s+)?"
    r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*k?\s*[- ]?\s*words?\b",
    re.IGNORECASE,
)

# "How does X work?" is about X.
_TRAILING_VERBS = frozenset({"work", "works", "happen", "happens", "mean", "matter", "function"})

_CODE_LANGUAGES = [
    ("typescript", r"\btypescript\b|\bts\b|\.tsx?\b"),
    ("javascript", r"\bjavascript\b|\bjs\b|\bnode(?:\.?js)?\b|\breact\b|\bjsx\b"),
    ("sql", r"\bsql\b|\bpostgres(?:ql)?\b|\bmysql\b|\bsqlite\b|\bselect statement"),
    ("bash", r"\bbash\b|\bshell\b|\bterminal\b|\bcommand[- ]line\b|\bzsh\b"),
    ("rust", r"\brust\b|\bcargo\b"),
    ("go", r"\bgolang\b|\bin go\b|\bgo (?:code|program|function|module)s?\b"),
    ("java", r"\bjava\b(?!script)"),
    ("cpp", r"(?<!\w)c\+\+|\bcpp\b"),
    ("csharp", r"(?<!\w)c#|\bcsharp\b|\.net\b"),
    ("r", r"\bin R\b|\bR (?:code|script|language)\b"),
    ("html", r"\bhtml\b"),
    ("css", r"\bcss\b"),
    ("json", r"\bjson\b"),
    ("yaml", r"\bya?ml\b"),
    ("python", r"\bpython\b|\bpandas\b|\bnumpy\b|\bdjango\b|\bflask\b|\bpy\b"),
]

_HUMAN_LANGUAGES = re.compile(
    r"\b(?:in|into|speak|speaks|en|auf)\s+(french|fran[cç]ais|spanish|espa[nñ]ol|"
    r"castellano|german|deutsch)\b",
    re.IGNORECASE,
)


def keywords(text: str, limit: int = 8) -> list[str]:
    """Content words in order of first appearance: the words an answer should reuse."""
    seen: set[str] = set()
    found: list[str] = []
    cleaned = _LENGTH_PHRASE.sub(" ", text)
    for match in _WORD.finditer(cleaned):
        word = match.group().strip(".'-")
        low = word.lower()
        if len(low) < 3 or low in STOPWORDS or low in REQUEST_WORDS or low in seen:
            continue
        if low.isdigit():
            continue
        seen.add(low)
        found.append(word if _is_proper(word, cleaned[: match.start()]) else low)
        if len(found) >= limit:
            break
    return found


def key_phrases(topic: str, extra: list[str], limit: int = 6) -> list[str]:
    """Runs of content words in the topic ("printing press"), then the prompt's other key words.

    Templates read better with "the printing press" than with "printing" and "press" apart.
    """
    phrases: list[str] = []
    run: list[str] = []
    for word in [*topic.split(), "."]:
        low = word.lower().strip(",.;:!?")
        if low and low not in STOPWORDS and low not in REQUEST_WORDS and word[-1] not in ",;:":
            run.append(word.strip(",.;:!?"))
            continue
        if low and low not in STOPWORDS and low not in REQUEST_WORDS:
            run.append(word.strip(",.;:!?"))
        if run:
            phrases.append(" ".join(run[:3]))
        run = []
    covered = " ".join(phrases).lower().split()
    phrases += [w for w in extra if w.lower() not in covered and w not in _TRAILING_VERBS]
    return list(dict.fromkeys(phrases))[:limit]


def topic_of(text: str, max_words: int = 7) -> str:
    """The phrase the prompt is about ("the history of tides"), or '' when it names none."""
    cleaned = _LENGTH_PHRASE.sub(" ", text.replace("\n", ". "))
    for marker in _TOPIC_MARKERS:
        match = re.search(marker, cleaned, re.IGNORECASE)
        if match is None:
            continue
        phrase = _trim_phrase(match.group(1), max_words)
        if keywords(phrase):
            return phrase
    return " ".join(keywords(text, limit=3))


def requested_word_count(text: str) -> int | None:
    """The explicit length asked for ("300 words", "a 1,000-word essay", "2k words")."""
    match = _COUNT.search(text)
    if match is not None:
        number = float(match.group(1).replace(",", ""))
        if match.group(2):
            number *= 1000
        return max(1, int(number))
    match = _SENTENCES.search(text)
    if match is not None:
        word = match.group(1).lower()
        count = _NUMBER_WORDS.get(word) or int(word)
        return 18 * count
    return None


def wants_one_sentence(text: str) -> bool:
    return re.search(r"\b(one|a|single|1)\s+sentence\b", text, re.IGNORECASE) is not None


def wants_brevity(text: str) -> bool:
    return _BRIEF.search(text) is not None


def wants_no_code(text: str) -> bool:
    return _NO_CODE.search(text) is not None


def is_greeting(text: str) -> bool:
    return _GREETING.match(text) is not None


def is_thanks(text: str) -> bool:
    return _THANKS.match(text) is not None and len(text.split()) <= 6


def arithmetic_answer(text: str) -> str | None:
    """'2 + 2 = 4' for a short arithmetic question; None for anything else."""
    if len(text.split()) > 8:
        return None
    match = _ARITHMETIC.search(text)
    if match is None:
        return None
    left, op, right = float(match.group(1)), match.group(2).lower(), float(match.group(3))
    if op in "x×*":
        value, shown = left * right, "×"
    elif op in "/÷":
        if right == 0:
            return None
        value, shown = left / right, "÷"
    elif op == "^":
        if abs(right) > 64:
            return None
        value, shown = left**right, "^"
    elif op == "+":
        value, shown = left + right, "+"
    else:
        value, shown = left - right, "−"
    return f"{_number(left)} {shown} {_number(right)} = {_number(value)}"


def code_language(text: str) -> str | None:
    """The programming language the prompt names last, or None when it names none."""
    best: tuple[int, str] | None = None
    for language, pattern in _CODE_LANGUAGES:
        flags = 0 if language == "r" else re.IGNORECASE
        for match in re.finditer(pattern, text, flags):
            if best is None or match.start() > best[0]:
                best = (match.start(), language)
    return None if best is None else best[1]


def requested_language(text: str) -> str:
    """'fr', 'es' or 'de' when the text asks for that language; 'en' otherwise."""
    match = _HUMAN_LANGUAGES.search(text)
    if match is None:
        return "en"
    name = match.group(1).lower()
    if name.startswith(("fr",)):
        return "fr"
    if name.startswith(("sp", "es", "ca")):
        return "es"
    return "de"


def title_case(phrase: str) -> str:
    """Headline capitalisation that leaves acronyms and names (SQL, iPhone) alone."""
    small = {"a", "an", "the", "and", "or", "of", "in", "on", "to", "for", "with", "vs"}
    words = phrase.split()
    out = []
    for index, word in enumerate(words):
        if word != word.lower() or (index and word in small):
            out.append(word)
        else:
            out.append(word[:1].upper() + word[1:])
    return " ".join(out)


def slug(words: list[str], default: str = "topic") -> str:
    """A snake_case identifier made of the given words (safe in any language's code)."""
    parts = [re.sub(r"[^a-z0-9]", "", w.lower()) for phrase in words for w in phrase.split()]
    parts = [p for p in parts if p][:3]
    name = "_".join(parts) or default
    return f"x_{name}" if name[0].isdigit() else name


def _trim_phrase(phrase: str, max_words: int) -> str:
    # A comma before a request word ends the topic ("binary search trees, with examples");
    # a list stays whole ("Paris, London and Rome").
    phrase = re.split(
        r"[.?!;:\n]|\s*,\s*(?:with|and|but|then|please|in|for|using|including|as|so)\b",
        phrase,
    )[0]
    phrase = _LEADING_FILLER.sub("", phrase.strip())
    phrase = re.sub(r"\s+(?:please|for me|for us|in detail|briefly)$", "", phrase, flags=re.I)
    words = [w.strip("\"'`*()[],") for w in phrase.split()][:max_words]
    while words and (
        words[-1].lower() in STOPWORDS
        or words[-1].lower() in REQUEST_WORDS
        or words[-1].lower() in _TRAILING_VERBS
    ):
        words.pop()
    return " ".join(w for w in words if w)


def _is_proper(word: str, before: str) -> bool:
    """Keep the case of names (Paris, SQL, JavaScript) but not of a sentence's first word."""
    if any(c.isupper() for c in word[1:]):
        return True
    sentence_start = not before.strip() or before.rstrip()[-1] in ".?!:\n"
    return word[:1].isupper() and not sentence_start


def _number(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6g}"
