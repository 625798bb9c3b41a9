"""The demo answer: believable Markdown about the prompt, written with no model.

Headings, lists, a GFM table, a fenced code block and math appear in every full answer so
the renderer is exercised the way a real model's answer would exercise it. The length is
met exactly (prose is filled to a word budget left over by the fixed blocks), which is what
lets "a 30000-word report" serve as a benchmark input.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from .demo_code import DISPLAY_NAMES, FENCE_NAMES, FORMULAS, SNIPPETS
from .demo_phrases import Phrasebook, fill, pirate_tone
from .demo_reading import Reading, read_request
from .demo_topic import slug, title_case
from .wire import ParsedRequest

__all__ = ["DemoAnswer", "write_demo_answer"]

# Below these sizes a full answer's fixed blocks would not fit the word budget.
_FULL_ANSWER_WORDS = 100
_REPORT_WORDS = 900
_WORDS_PER_SECTION = 450


@dataclass(frozen=True)
class DemoAnswer:
    text: str  # the Markdown answer
    thoughts: str  # a short "thinking" summary, streamed as thought parts when asked for


def write_demo_answer(request: ParsedRequest, rng: random.Random) -> DemoAnswer:
    """Answer the request; the same seed and request always give the same answer."""
    reading = read_request(request, rng)
    writer = _Writer(reading, rng)
    return DemoAnswer(text=writer.answer(), thoughts=writer.thoughts())


@dataclass
class _Prose:
    """A paragraph whose length is decided once the fixed blocks are counted."""

    lead: str = ""
    weight: float = 1.0


class _Feature(str):
    """A list, table, code or math block: what ``_fit`` may drop when words run short."""


_Block = str | _Prose


def _words(text: str) -> int:
    return len(text.split())


class _Writer:
    def __init__(self, reading: Reading, rng: random.Random) -> None:
        self.r = reading
        self.rng = rng
        self.book: Phrasebook = reading.book
        self.sentences = list(self.book.sentences)
        self.rng.shuffle(self.sentences)
        self.next_sentence = 0
        self.target = reading.target

    # -- the answer ---------------------------------------------------------------------------

    def answer(self) -> str:
        kind = self.r.kind
        if kind in ("greeting", "thanks", "arithmetic", "one_sentence"):
            return self._join([*self._head(heading=False), self._short(kind)])
        if self.r.target < 40:
            return self._join(self._render([*self._head(heading=False), _Prose(self._intro())]))
        return self._join(self._render(self._plan()))

    def thoughts(self) -> str:
        r, rng = self.r, self.rng
        seen = f"The question is about {r.topic}"
        if r.earlier_topic:
            seen += f", following up on the {r.earlier_topic} from earlier"
        notes = [seen + "."]
        if r.instruction:
            notes.append(f"The system instruction says: “{r.instruction}”, so I'll follow it.")
        if r.attachments:
            notes.append(f"There are {len(r.attachments)} attachment(s) to acknowledge.")
        shape = rng.choice(
            [
                "open with the core idea, then a list, a comparison table, a {lang} example "
                "and a formula",
                "start from a concrete framing, add a {lang} snippet, a table and the key math",
            ]
        ).format(lang=r.code_lang)
        if r.kind != "answer" or self.target < _FULL_ANSWER_WORDS:
            shape = "keep it short and direct"
        plan = f"I'll {shape}, aiming for about {self.target} words."
        return "\n\n".join(
            [
                "**" + rng.choice(["Reading the request", "Understanding the question"]) + "**",
                " ".join(notes),
                "**" + rng.choice(["Planning the answer", "Structuring the response"]) + "**",
                plan,
            ]
        )

    # -- structure ------------------------------------------------------------------------------

    def _plan(self) -> list[_Block]:
        r = self.r
        blocks: list[_Block] = [*self._head(heading=True), _Prose(self._intro(), 1.2)]
        if r.target >= _REPORT_WORDS:
            blocks += self._sections()
        else:
            features = self._features(full=r.target >= _FULL_ANSWER_WORDS)
            for index, feature in enumerate(features):
                blocks.append(_Feature(feature()))
                if index % 2 == 0 and index < len(features) - 1:
                    blocks.append(_Prose())
        blocks.append(self._closing())
        if r.target >= 60:
            blocks.append(self.book.footer)
        return self._fit(blocks)

    def _head(self, heading: bool) -> list[_Block]:
        blocks: list[_Block] = []
        if self.r.instruction:
            blocks.append(fill(self.book.ack, {"instruction": self.r.instruction}))
        if heading:
            blocks.append("# " + self._fill(self.rng.choice(self.book.headings)))
        if self.r.attachments:
            blocks.append(self._attachments())
        return blocks

    def _features(self, full: bool) -> list[Callable[[], str]]:
        if not full:
            return [self._list]
        features = [self._list, self._table, self._math]
        if self.r.allow_code:
            features.append(self._code)
        self.rng.shuffle(features)
        return features

    def _sections(self) -> list[_Block]:
        """A long report: numbered sections, each with prose around one feature block."""
        count = max(3, round(self.r.target / _WORDS_PER_SECTION))
        titles = list(self.book.section_titles)
        self.rng.shuffle(titles)
        features: list[Callable[[], str]] = []
        blocks: list[_Block] = []
        for index in range(count):
            if not features:
                features = [*self._features(full=True), self._quote]
            title = self._fill(titles[index % len(titles)])
            feature = _Feature(features.pop()())
            blocks += [f"## {index + 1}. {title}", _Prose(), feature, _Prose(), _Prose()]
        return blocks

    def _fit(self, blocks: list[_Block]) -> list[_Block]:
        """Drop feature blocks (last first) until the prose has room to breathe."""
        fixed = [b for b in blocks if isinstance(b, str)]
        prose = [b for b in blocks if isinstance(b, _Prose)]
        needed = sum(_words(b) for b in fixed) + sum(_words(p.lead) + 8 for p in prose)
        if needed <= self.target:
            return blocks
        if not (self.r.explicit_length or self.r.brief):  # a default length bends, not these
            self.target = needed + self.rng.randint(10, 30)
            return blocks
        droppable = [i for i, b in enumerate(blocks) if isinstance(b, _Feature)]
        if not droppable:
            return blocks
        drop = droppable[-1]
        follower = (
            drop + 1 if drop + 1 < len(blocks) and isinstance(blocks[drop + 1], _Prose) else drop
        )
        return self._fit([b for i, b in enumerate(blocks) if i not in (drop, follower)])

    def _render(self, blocks: list[_Block]) -> list[str]:
        """Give each paragraph its share of the words the fixed blocks leave over.

        Paragraphs end on whole sentences and pass what they over- or under-shoot to the
        next one; only the last is filled to the exact word, so the total lands on target.
        """
        fixed = sum(_words(b) for b in blocks if isinstance(b, str))
        prose = [b for b in blocks if isinstance(b, _Prose)]
        budget = max(0, self.target - fixed)
        weights = [p.weight * self.rng.uniform(0.7, 1.3) for p in prose]
        total = sum(weights) or 1.0
        shares = [round(budget * w / total) for w in weights]
        # The largest paragraph is written last and exactly, so its filler (if any) is diluted.
        exact = max(range(len(prose)), key=shares.__getitem__) if prose else -1
        written: dict[int, str] = {}
        for index, block in enumerate(prose):
            if index != exact:
                written[index] = self._paragraph(shares[index], block.lead)
        if prose:
            rest = self.target - fixed - sum(_words(p) for p in written.values())
            written[exact] = self._paragraph(rest, prose[exact].lead, exact=True)
        texts = iter(written[i] for i in range(len(prose)))
        out = [b if isinstance(b, str) else next(texts) for b in blocks]
        return [b for b in out if b]

    # -- blocks ---------------------------------------------------------------------------------

    def _intro(self) -> str:
        r, book = self.r, self.book
        if r.earlier_topic and r.earlier_topic.lower() == r.topic.lower():
            lead = self._fill(book.followup_more)
        elif r.earlier_topic:
            lead = self._fill(self.rng.choice(book.followups))
        else:
            lead = self._fill(self.rng.choice(book.intros))
        if r.persona:
            lead = fill(book.persona, {"persona": r.persona}) + lead
        if r.pirate and r.language == "en":
            lead = "Arr, matey! " + lead
        return lead

    def _closing(self) -> str:
        closing = self._fill(self.rng.choice(self.book.closings))
        if self.r.pirate and self.r.language == "en":
            closing += " Fair winds, matey!"
        return self._tone(closing)

    def _short(self, kind: str) -> str:
        book = self.book
        if kind == "greeting":
            text = book.greeting
        elif kind == "thanks":
            text = book.thanks
        elif kind == "arithmetic":
            latex = self.r.arithmetic.replace("×", r"\times").replace("÷", r"\div")
            text = fill(book.arithmetic, {"result": self.r.arithmetic, "latex": latex})
        else:
            text = self._fill(self.rng.choice(book.one_sentence))
        if self.r.pirate and self.r.language == "en":
            text = "Arr! " + self._tone(text)
        return text

    def _list(self) -> str:
        count = 3 if self.target < 400 else self.rng.randint(3, 5)
        items = self.rng.sample(self.book.list_items, k=min(len(self.book.list_items), count))
        numbered = self.rng.random() < 0.4
        lines = [f"{i + 1}. " if numbered else "- " for i in range(len(items))]
        body = "\n".join(
            marker + self._fill(item) for marker, item in zip(lines, items, strict=True)
        )
        return self._fill(self.rng.choice(self.book.list_leads)) + "\n\n" + body

    def _table(self) -> str:
        header, rows = self.rng.choice(self.book.tables)
        values = self._values()
        align = self.rng.choice(["| --- | --- | --- |", "| :--- | :--- | :--- |"])
        lines = ["| " + " | ".join(fill(c, values) for c in header) + " |", align]
        lines += ["| " + " | ".join(fill(c, values) for c in row) + " |" for row in rows]
        return self._fill(self.rng.choice(self.book.table_leads)) + "\n\n" + "\n".join(lines)

    def _code(self) -> str:
        r = self.r
        snippet = self.rng.choice(SNIPPETS.get(r.code_lang, SNIPPETS["python"]))
        safe = [_safe(w) for w in r.words] + ["alpha", "beta", "gamma"]
        name = slug(r.words)
        camel = "".join(p.capitalize() for p in name.split("_"))
        code = fill(
            snippet,
            {
                "slug": name,
                "Camel": camel,
                "camel": camel[:1].lower() + camel[1:],
                "topic": _safe(r.topic),
                "Topic": title_case(_safe(r.topic)),
                "w1": safe[0],
                "w2": safe[1],
                "w3": safe[2],
            },
        )
        lead = fill(
            self.rng.choice(self.book.code_leads),
            {**self._values(), "lang": DISPLAY_NAMES.get(r.code_lang, r.code_lang)},
        )
        return f"{lead}\n\n```{FENCE_NAMES.get(r.code_lang, r.code_lang)}\n{code}\n```"

    def _math(self) -> str:
        inline, display = self.rng.choice(FORMULAS)
        lead = fill(
            self.rng.choice(self.book.math_leads), {**self._values(), "inline": f"${inline}$"}
        )
        return f"{lead}\n\n$$\n{display}\n$$"

    def _quote(self) -> str:
        return "> " + self._tone(self._sentence())

    def _attachments(self) -> str:
        book = self.book
        lines = [book.attachments_title, ""]
        for item in self.r.attachments:
            lines.append("- " + item.describe(book))
        return "\n".join(lines) + "\n\n" + book.attachments_note

    # -- prose ----------------------------------------------------------------------------------

    def _paragraph(self, size: int, lead: str = "", *, exact: bool = False) -> str:
        """About ``size`` words of whole sentences; exactly ``size`` when ``exact``.

        Exact paragraphs finish with sentences that fit, then at most a short filler.
        """
        parts = [self._tone(lead)] if lead else []
        used = _words(lead)
        while size - used > (6 if exact else 0):
            room = size - used
            sentence = self._fitting_sentence(room) if exact else self._tone(self._sentence())
            if sentence is None or (not exact and _words(sentence) > 2 * room and used):
                break
            parts.append(sentence)
            used += _words(sentence)
        while exact and size - used > 0:
            gap = min(6, size - used)
            parts.append(self.rng.choice(self.book.fillers[gap]))
            used += gap
        return " ".join(parts)

    def _fitting_sentence(self, room: int) -> str | None:
        for _ in range(6):
            sentence = self._tone(self._sentence())
            if _words(sentence) <= room:
                return sentence
        return None

    def _sentence(self) -> str:
        # Walk a shuffled deck so consecutive sentences differ; reshuffle when it runs out.
        if self.next_sentence >= len(self.sentences):
            self.rng.shuffle(self.sentences)
            self.next_sentence = 0
        template = self.sentences[self.next_sentence]
        self.next_sentence += 1
        return self._fill(template)

    def _tone(self, text: str) -> str:
        if not (self.r.pirate and self.r.language == "en"):
            return text
        return pirate_tone(text)

    def _fill(self, template: str) -> str:
        return fill(template, self._values())

    def _values(self) -> dict[str, str]:
        r, rng = self.r, self.rng
        kw, kw2 = rng.sample(r.words, 2) if len(r.words) > 1 else (r.words[0], r.companion)
        aspect = rng.choice(self.book.aspects)
        a, b = rng.choice(self.book.pairs)
        return {
            "Topic": _capitalised_topic(r),
            "topic": r.topic,
            "Kw": kw[:1].upper() + kw[1:],
            "kw": kw,
            "Kw2": kw2[:1].upper() + kw2[1:],
            "kw2": kw2,
            "Aspect": aspect[:1].upper() + aspect[1:],
            "aspect": aspect,
            "a": a,
            "b": b,
            "earlier": r.earlier_topic,
        }

    @staticmethod
    def _join(blocks: list[str]) -> str:
        return "\n\n".join(b for b in blocks if b) + "\n"


def _capitalised_topic(r: Reading) -> str:
    if r.language == "en":
        return title_case(r.topic)
    return _cap(r.topic)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _safe(text: str) -> str:
    """Words that can sit inside a string literal or a YAML value in any of the snippets."""
    return re.sub(r"[^A-Za-z0-9 _-]", "", text).strip() or "item"
