"""The demo answer: believable Markdown about the prompt, written with no model.

Headings, a list, a GFM table, a fenced code block and math appear in every full answer so
the renderer is exercised the way a real model's answer would exercise it. The length is
met exactly (prose is filled to the word budget the fixed blocks leave over), which is what
lets "a 30000-word report" serve as a benchmark input. It writes English only, in one
voice: other languages and tones would show the renderer nothing new.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from . import demo_phrases as say
from .demo_reading import Reading, read_request
from .wire import ParsedRequest

__all__ = ["DemoAnswer", "write_demo_answer"]

# Below these sizes a full answer's fixed blocks would not fit the word budget.
_FULL_ANSWER_WORDS = 100
_REPORT_WORDS = 900
_WORDS_PER_SECTION = 450
FOOTER = "_Written by the offline demo server; no model was called._"
_FILLERS = ["", "Indeed.", "That matters.", "Details matter here.", "Keep that in mind.",
            "That is well worth remembering."]  # fmt: skip
_ASPECTS = ["its history", "the core mechanism", "everyday use", "common misconceptions",
            "the trade-offs involved", "how it is measured", "its limits"]  # fmt: skip
_PAIRS = [("speed", "accuracy"), ("simplicity", "flexibility"), ("cost", "quality"),
          ("depth", "breadth"), ("theory", "practice")]  # fmt: skip
_SMALL_WORDS = {"a", "an", "the", "and", "or", "of", "in", "on", "to", "for", "with", "vs"}


@dataclass(frozen=True)
class DemoAnswer:
    text: str  # the Markdown answer
    thoughts: str  # a short "thinking" summary, streamed as thought parts when asked for


def write_demo_answer(
    request: ParsedRequest, rng: random.Random, length: float = 1.0
) -> DemoAnswer:
    """Answer the request; the same seed and request always give the same answer.
    ``length`` scales the word count when the prompt names none (pro writes more)."""
    writer = _Writer(read_request(request, rng, length), rng, length)
    return DemoAnswer(text=writer.answer(), thoughts=writer.thoughts())


@dataclass
class _Prose:
    """A paragraph whose length is decided once the fixed blocks are counted."""

    lead: str = ""


class _Feature(str):
    """A list, table, code or math block: what ``_fit`` may drop when words run short."""


_Block = str | _Prose


def _words(text: str) -> int:
    return len(text.split())


class _Writer:
    def __init__(self, reading: Reading, rng: random.Random, length: float = 1.0) -> None:
        self.r = reading
        self.length = length
        self.rng = rng
        self.target = reading.target
        self.deck = list(say.SENTENCES)  # dealt in a shuffled order, so neighbours differ
        self.dealt = len(self.deck)
        self.title = " ".join(  # headline case that leaves acronyms and names (SQL) alone
            w if w != w.lower() or (i and w in _SMALL_WORDS) else w[:1].upper() + w[1:]
            for i, w in enumerate(reading.topic.split())
        )

    def answer(self) -> str:
        head = self._head(heading=False)
        if self.r.kind == "greeting":
            blocks = [*head, say.GREETING]
        elif self.r.kind == "one_sentence":
            blocks = [*head, self._fill("«Topic» comes down to how «kw» and «kw2» interact.")]
        elif self.target < 40:
            blocks = self._render([*head, _Prose(self._intro())])
        else:
            blocks = self._render(self._plan())
        return "\n\n".join(b for b in blocks if b) + "\n"

    def thoughts(self) -> str:
        r = self.r
        seen = f"The question is about {r.topic}"
        seen += f", following up on the {r.earlier_topic} from earlier." if r.earlier_topic else "."
        seen = "A greeting." if r.kind == "greeting" else seen
        if r.instruction:
            seen += f" The system instruction says: “{r.instruction}”, so I'll follow it."
        if r.attachments:
            seen += f" There are {len(r.attachments)} attachment(s) to acknowledge."
        shape = f"open with the core idea, then a list, a table, a {r.code_lang} example and math"
        if r.kind != "answer" or self.target < _FULL_ANSWER_WORDS:
            shape = "keep it short and direct"
        plan = f"I'll {shape}, aiming for about {self.target} words."
        return f"**Reading the request**\n\n{seen}\n\n**Planning the answer**\n\n{plan}"

    # -- structure ------------------------------------------------------------------------------

    def _plan(self) -> list[_Block]:
        blocks: list[_Block] = [*self._head(heading=True), _Prose(self._intro())]
        if self.target >= _REPORT_WORDS:  # a report: numbered sections, one feature each
            titles = self.rng.sample(say.SECTION_TITLES, len(say.SECTION_TITLES))
            features: list[Callable[[], str]] = []
            for index in range(max(3, round(self.target / _WORDS_PER_SECTION))):
                features = features or [*self._features(), self._quote]
                title = self._fill(titles[index % len(titles)])
                blocks += [f"## {index + 1}. {title}", _Prose(), _Feature(features.pop()())]
                blocks += [_Prose(), _Prose()]
        else:
            features = self._features() if self.target >= _FULL_ANSWER_WORDS else [self._list]
            if self.length < 1 and not self.r.exact:  # a terser model shows fewer blocks
                features = features[: max(1, round(len(features) * self.length))]
            for index, feature in enumerate(features):
                blocks.append(_Feature(feature()))
                if index % 2 == 0 and index < len(features) - 1:
                    blocks.append(_Prose())
        blocks.append(self._fill(self.rng.choice(say.CLOSINGS)))
        if self.target >= 60:
            blocks.append(FOOTER)
        return self._fit(blocks)

    def _head(self, heading: bool) -> list[_Block]:
        blocks: list[_Block] = []
        if self.r.instruction:
            blocks.append(f"_Following your system instruction: “{self.r.instruction}”._")
        if heading:
            blocks.append("# " + self._fill(self.rng.choice(say.HEADINGS)))
        if self.r.attachments:
            lines = "\n".join("- " + line for line in self.r.attachments)
            blocks.append(
                f"**What I received**\n\n{lines}\n\nThe offline demo server cannot look inside "
                "attachments, so it only reports what arrived."
            )
        return blocks

    def _features(self) -> list[Callable[[], str]]:
        features = [self._list, self._table, self._math]
        features += [self._code] if self.r.allow_code else []
        self.rng.shuffle(features)
        return features

    def _fit(self, blocks: list[_Block]) -> list[_Block]:
        """Drop feature blocks (last first) until the prose has room to breathe."""
        fixed = sum(_words(b) for b in blocks if isinstance(b, str))
        needed = fixed + sum(_words(b.lead) + 8 for b in blocks if isinstance(b, _Prose))
        droppable = [i for i, b in enumerate(blocks) if isinstance(b, _Feature)]
        if needed <= self.target or not droppable:
            return blocks
        if not self.r.exact:  # a default length bends, an asked-for one does not
            self.target = needed + self.rng.randint(10, 30)
            return blocks
        drop = droppable[-1]  # with the paragraph after it
        after = drop + 1 if isinstance(blocks[drop + 1], _Prose) else drop
        return self._fit([b for i, b in enumerate(blocks) if i not in (drop, after)])

    def _render(self, blocks: list[_Block]) -> list[str]:
        """Share the words the fixed blocks leave over among the paragraphs.

        Each ends on a whole sentence and passes what it left unwritten to the next; the last
        is filled to the exact word, so the total lands on target.
        """
        left = self.target - sum(_words(b) for b in blocks if isinstance(b, str))
        paragraphs = sum(isinstance(b, _Prose) for b in blocks)
        out: list[str] = []
        for block in blocks:
            if isinstance(block, _Prose):
                share = round(left / paragraphs * self.rng.uniform(0.7, 1.3))
                paragraphs -= 1
                block = self._paragraph(share if paragraphs else left, block.lead, not paragraphs)
                left -= _words(block)
            out.append(block)
        return out

    # -- blocks ---------------------------------------------------------------------------------

    def _intro(self) -> str:
        r = self.r
        if not r.earlier_topic:
            return self._fill(self.rng.choice(say.INTROS))
        if r.earlier_topic.lower() == r.topic.lower():
            return self._fill("Following up on the «earlier» we discussed, here is more detail.")
        return self._fill("Following up on the «earlier» we discussed, let's turn to «topic».")

    def _list(self) -> str:
        items = self.rng.sample(say.LIST_ITEMS, k=3 if self.target < 400 else 5)
        numbered = self.rng.random() < 0.4
        lines = [f"{f'{i + 1}.' if numbered else '-'} {self._fill(x)}" for i, x in enumerate(items)]
        return "A few points stand out:\n\n" + "\n".join(lines)

    def _table(self) -> str:
        header, *rows = (f"| {self._fill(row)} |" for row in say.TABLE)
        align = self.rng.choice(["| --- | --- | --- |", "| :--- | :--- | :--- |"])
        return "The table below sums it up:\n\n" + "\n".join([header, align, *rows])

    def _code(self) -> str:
        lang = self.r.code_lang
        safe = [re.sub(r"[^A-Za-z0-9 _-]", "", w).strip() for w in self.r.words]
        safe = [w for w in safe if w] + ["alpha", "beta", "gamma"]
        slug = re.sub(r"\W+", "_", safe[0].lower())
        code = say.SNIPPETS[lang].replace("«slug»", slug if slug[0].isalpha() else f"x_{slug}")
        for index in (1, 2, 3):
            code = code.replace(f"«w{index}»", safe[index - 1])
        shown = {"javascript": "JavaScript", "sql": "SQL"}.get(lang, lang.capitalize())
        lead = self._fill(f"Here is a small {shown} example that puts «topic» into code:")
        return f"{lead}\n\n```{lang}\n{code}\n```"

    def _math(self) -> str:
        inline, display = self.rng.choice(say.FORMULAS)
        lead = self._fill("To put numbers on «kw», a simple model is ")
        return f"{lead}${inline}$, which generalises to:\n\n$$\n{display}\n$$"

    def _quote(self) -> str:
        return "> " + (self._sentence() or "")

    # -- prose ----------------------------------------------------------------------------------

    def _paragraph(self, size: int, lead: str = "", exact: bool = True) -> str:
        """Up to ``size`` words of whole sentences; ``exact``: a short filler makes up the
        rest, so the total lands on the word."""
        parts = [lead] if lead else []
        used = _words(lead)
        while size - used > 0:
            sentence = self._sentence(room=size - used)
            if sentence is None:
                break
            parts.append(sentence)
            used += _words(sentence)
        while exact and size - used > 0:  # the filler of that many words (five at most)
            parts.append(_FILLERS[min(5, size - used)])
            used += min(5, size - used)
        return " ".join(parts)

    def _sentence(self, room: int | None = None) -> str | None:
        """The next sentence of the deck (reshuffled when used up); with ``room``, the next
        that fits in it, or ``None`` when none does."""
        for _ in range(len(self.deck)):
            if self.dealt >= len(self.deck):
                self.rng.shuffle(self.deck)
                self.dealt = 0
            self.dealt += 1
            sentence = self._fill(self.deck[self.dealt - 1])
            if room is None or _words(sentence) <= room:
                return sentence
        return None

    def _fill(self, template: str) -> str:
        """The template with «topic», «kw» (a key word), «aspect», «a»/«b» (a trade-off)..."""
        r, rng = self.r, self.rng
        kw, kw2 = rng.sample(r.words, 2) if len(r.words) > 1 else (r.words[0], "the context")
        aspect = rng.choice(_ASPECTS)
        a, b = rng.choice(_PAIRS)
        values = {"Topic": self.title, "topic": r.topic, "earlier": r.earlier_topic, "a": a}
        values |= {"Kw": kw[:1].upper() + kw[1:], "kw": kw, "Kw2": kw2[:1].upper() + kw2[1:]}
        values |= {"kw2": kw2, "Aspect": aspect.capitalize(), "aspect": aspect, "b": b}
        for name, value in values.items():
            template = template.replace(f"«{name}»", value)
        return template
