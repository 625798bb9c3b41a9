"""The English wording of the demo answers: sentence templates the writer fills and varies.

Placeholders are «name» (not ``{name}``) because code and LaTeX are full of braces.
Other languages live in ``demo_phrases_intl.py`` with the same shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["ENGLISH", "Phrasebook", "fill", "pirate_tone"]


@dataclass(frozen=True)
class Phrasebook:
    """Everything language-specific the demo writer says."""

    headings: list[str]
    intros: list[str]
    followups: list[str]
    followup_more: str
    sentences: list[str]
    aspects: list[str]
    pairs: list[tuple[str, str]]
    list_leads: list[str]
    list_items: list[str]
    table_leads: list[str]
    tables: list[tuple[tuple[str, str, str], list[tuple[str, str, str]]]]
    code_leads: list[str]
    math_leads: list[str]
    section_titles: list[str]
    closings: list[str]
    one_sentence: list[str]
    fillers: dict[int, list[str]]
    ack: str
    persona: str
    footer: str
    greeting: str
    thanks: str
    arithmetic: str
    attachments_title: str
    attachments_note: str
    inline_part: str
    file_part: str
    kinds: dict[str, str] = field(default_factory=dict)


def fill(template: str, values: dict[str, str]) -> str:
    """Replace each «name» with its value (templates are trusted, values are plain text)."""
    if "«" not in template:
        return template
    for name, value in values.items():
        template = template.replace(f"«{name}»", value)
    return template


def pirate_tone(text: str) -> str:
    """ "You are a pirate": the same words, a recognisable accent (word count unchanged)."""
    return _PIRATE_WORDS.sub(lambda m: _pirate_word(m.group()), text)


_PIRATE_MAP = {
    "you": "ye",
    "your": "yer",
    "my": "me",
    "is": "be",
    "are": "be",
    "hello": "ahoy",
    "friend": "matey",
    "yes": "aye",
}
_PIRATE_WORDS = re.compile(r"\b(" + "|".join(_PIRATE_MAP) + r")\b", re.IGNORECASE)


def _pirate_word(word: str) -> str:
    swapped = _PIRATE_MAP[word.lower()]
    return swapped.capitalize() if word[:1].isupper() else swapped


ENGLISH = Phrasebook(
    headings=[
        "Understanding «Topic»",
        "«Topic»: An Overview",
        "«Topic», Explained",
        "A Closer Look at «Topic»",
        "«Topic» in Practice",
        "What to Know About «Topic»",
    ],
    intros=[
        "«Topic» is one of those subjects that looks simple from a distance and gets more "
        "interesting the closer you look.",
        "Here is a practical tour of «topic», from the core ideas to the details that matter "
        "in practice.",
        "At its heart, «topic» is about how «kw» and «kw2» fit together.",
        "Let's break «topic» down into a few clear ideas and then look at how they play out.",
        "Most questions about «topic» come down to «aspect», so that is where we start.",
    ],
    followups=[
        "Following up on the «earlier» we discussed, here is how «topic» fits into the picture.",
        "Building on our earlier discussion of «earlier», let's turn to «topic».",
        "Following up on the «earlier» we discussed: «topic» adds a useful new angle.",
    ],
    followup_more="Following up on the «earlier» we discussed, here is more detail.",
    sentences=[
        "A useful way to think about «kw» is as a balance between «a» and «b».",
        "In practice, most of the difficulty with «topic» comes from «aspect», not from the "
        "basic idea.",
        "When «kw» changes, «kw2» usually follows, although the effect can take time to show.",
        "People new to «topic» often focus on «kw» first, which is a reasonable place to begin.",
        "The key insight is that «kw» rarely acts alone; it interacts with «kw2» in ways that "
        "are easy to overlook.",
        "Experts tend to judge «topic» by «aspect», because that is where the real "
        "trade-offs appear.",
        "There is no single right answer here: the best choice depends on «a» versus «b».",
        "A small, concrete example usually teaches more about «kw» than a long abstract "
        "definition.",
        "Over the years, thinking about «topic» has shifted from rules of thumb toward careful "
        "measurement.",
        "It helps to separate what «kw» is from what it is used for.",
        "Good results with «topic» come from steady iteration rather than one big decision.",
        "The same pattern shows up at very different scales, from a single «kw» to an entire "
        "system.",
        "If you remember one thing, remember that «kw» and «kw2» are linked.",
        "Common misconceptions about «topic» usually come from ignoring «aspect».",
        "Measuring «kw» carefully is often the fastest way to understand it.",
        "Context matters: what works well for one «kw» can fail for another.",
        "A simple mental model is to treat «kw» as an input and «kw2» as the outcome.",
        "The story behind «topic» explains many of the conventions we still follow today.",
        "Start small with «kw», then refine.",
        "Context shapes «kw» more than it seems.",
        "Good habits around «kw» pay off.",
        "«Kw» rewards careful attention.",
        "Few things about «kw2» are truly fixed.",
        "Small improvements in «kw» add up surprisingly quickly over time.",
        "Trade-offs between «a» and «b» are at the centre of most decisions about «topic».",
        "It is worth checking assumptions about «kw» early, before they become expensive.",
        "Clear vocabulary helps: many debates about «topic» are really disagreements about terms.",
        "Looking at «aspect» side by side with «kw» makes the overall picture much clearer.",
        "The details vary, but the underlying principles of «topic» are remarkably stable.",
        "Real-world cases of «topic» are messier than textbook ones, and that is fine.",
        "Start with the simplest version of «kw» that could work, then refine it.",
        "Whenever «kw2» behaves unexpectedly, look first at «aspect».",
        "Seen from a distance, «topic» is a story about «a» meeting «b».",
    ],
    aspects=[
        "its history",
        "the core mechanism",
        "everyday use",
        "common misconceptions",
        "the trade-offs involved",
        "how it is measured",
        "the people it affects",
        "cost and effort",
        "where it is heading",
        "its limits",
        "the key terms",
        "practical first steps",
    ],
    pairs=[
        ("speed", "accuracy"),
        ("simplicity", "flexibility"),
        ("cost", "quality"),
        ("short-term gains", "long-term stability"),
        ("control", "convenience"),
        ("depth", "breadth"),
        ("precision", "robustness"),
        ("theory", "practice"),
    ],
    list_leads=[
        "A few points stand out:",
        "The essentials, in short:",
        "Here is what matters most:",
        "Keep these ideas in mind:",
    ],
    list_items=[
        "**Start with the basics**: learn what «kw» means before optimising it.",
        "**Measure first**: track «kw2» so that changes are visible.",
        "**Mind the trade-offs**: «a» and «b» pull in different directions.",
        "**Look at «aspect»**: it explains most surprises.",
        "**Use small examples**: one concrete case of «kw» beats ten abstractions.",
        "**Iterate**: revisit «topic» as you learn more.",
        "**Check the context**: what works for one «kw» may not work for another.",
        "**Keep it simple**: the plain approach to «kw2» is often the right one.",
        "**Write it down**: a short note on «kw» saves time later.",
    ],
    table_leads=[
        "The table below summarises the main aspects:",
        "Side by side, the options compare like this:",
        "A quick reference:",
    ],
    tables=[
        (
            ("Aspect", "What it means", "Why it matters"),
            [
                ("«Kw»", "The central idea", "Everything else builds on it"),
                ("«Kw2»", "The visible outcome", "It is what people notice"),
                ("«Aspect»", "The wider context", "It explains the exceptions"),
            ],
        ),
        (
            ("Approach", "Strength", "Watch out for"),
            [
                ("Incremental", "Low risk, easy to measure", "Slow to show big gains"),
                ("Data-driven", "Grounded in «kw»", "Needs good measurements"),
                ("Expert-led", "Fast, uses experience", "Can miss «aspect»"),
            ],
        ),
        (
            ("Scenario", "Effect on «kw»", "Confidence"),
            [
                ("Best case", "Clear improvement", "Medium"),
                ("Typical case", "Steady, modest change", "High"),
                ("Worst case", "Little or no change", "Medium"),
            ],
        ),
    ],
    code_leads=[
        "Here is a small «lang» example that puts «topic» into code:",
        "A short «lang» sketch makes the idea concrete:",
        "To experiment with «kw» yourself, try this «lang» snippet:",
    ],
    math_leads=[
        "To put numbers on «kw», a simple model is «inline», which generalises to:",
        "Quantitatively, «kw» is often described by «inline»; written out in full:",
        "A compact way to reason about «kw2» is «inline», or more formally:",
    ],
    section_titles=[
        "Background",
        "Key Concepts",
        "How «Topic» Works",
        "Practical Applications",
        "Common Pitfalls",
        "Trade-offs",
        "Measuring Progress",
        "A Worked Example",
        "Case Study: «Kw»",
        "Looking Ahead",
        "Open Questions",
        "Getting Started",
        "The Role of «Kw2»",
        "Lessons Learned",
    ],
    closings=[
        "In short, «topic» rewards patience: understand «kw», measure «kw2», and improve step "
        "by step.",
        "The bottom line: «topic» is manageable once you see how «kw» and «kw2» connect.",
        "To sum up, focus on «kw», keep an eye on «aspect», and the rest of «topic» follows.",
        "That is the big picture of «topic»; ask a follow-up if you want to go deeper.",
    ],
    one_sentence=[
        "«Topic» comes down to how «kw» and «kw2» interact, balancing «a» against «b».",
        "In one sentence: «topic» is about «kw», shaped mostly by «aspect».",
    ],
    fillers={
        1: ["Indeed.", "Exactly.", "Naturally."],
        2: ["That matters.", "Worth noting.", "Keep going."],
        3: ["This is key.", "Details matter here.", "Context helps here."],
        4: ["Keep that in mind.", "That is the point.", "It adds up quickly."],
        5: ["It is well worth remembering.", "This is easy to miss.", "Small steps help a lot."],
        6: ["The details matter a lot here.", "That is where practice helps most."],
    },
    ack="_Following your system instruction: “«instruction»”._",
    persona="Speaking as «persona»: ",
    footer="_Written by the offline demo server; no model was called._",
    greeting="Hello! I'm the offline demo server: I write answers locally, without calling a "
    "model. Ask me about any topic (for example *explain recursion in Python* or *a 300-word "
    "essay on tides*) and I'll stream a Markdown answer.",
    thanks="You're welcome! Ask another question whenever you like; the offline demo server "
    "is ready.",
    arithmetic="**«result»**\n\nThat is plain arithmetic, so even the offline demo server can "
    "get it exactly right: $«latex»$.",
    attachments_title="**What I received**",
    attachments_note="The offline demo server cannot look inside attachments, so it only "
    "reports what arrived.",
    inline_part="«kind»: `«mime»`, «size»",
    file_part="«kind» by reference: `«uri»` (`«mime»`)",
    kinds={
        "image": "an image",
        "audio": "an audio clip",
        "video": "a video",
        "pdf": "a PDF document",
        "text": "a text file",
        "file": "a file",
        "unknown": "unknown type",
        "function": "a function result",
    },
)
