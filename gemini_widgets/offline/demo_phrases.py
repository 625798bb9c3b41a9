"""The wording of the demo answers: templates the writer fills with the prompt's words.

Placeholders are «name» (not ``{name}``) because code and LaTeX are full of braces. Each
code snippet is small, runs as written, and uses the topic's words as names and data, so
the code block looks like it belongs to the answer.
"""

from __future__ import annotations

__all__ = [
    "CLOSINGS",
    "FORMULAS",
    "GREETING",
    "HEADINGS",
    "INTROS",
    "LIST_ITEMS",
    "SECTION_TITLES",
    "SENTENCES",
    "SNIPPETS",
    "TABLES",
]


def _lines(text: str) -> list[str]:
    """One phrase a line."""
    return [line.strip() for line in text.strip().splitlines()]


GREETING = (
    "Hello! I'm the offline demo server: I write answers locally, without calling a model. "
    "Ask me about any topic (for example *explain recursion in Python* or *a 300-word essay "
    "on tides*) and I'll stream a Markdown answer."
)
HEADINGS = _lines("""
    Understanding «Topic»
    «Topic»: An Overview
    «Topic», Explained
    A Closer Look at «Topic»
    «Topic» in Practice
""")
INTROS = _lines("""
    «Topic» looks simple from a distance and gets more interesting the closer you look.
    Here is a practical tour of «topic», from the core ideas to the details that matter.
    At its heart, «topic» is about how «kw» and «kw2» fit together.
    Most questions about «topic» come down to «aspect», so that is where we start.
""")
SENTENCES = _lines("""
    A useful way to think about «kw» is as a balance between «a» and «b».
    In practice, most of the difficulty with «topic» comes from «aspect», not the basic idea.
    When «kw» changes, «kw2» usually follows, although the effect can take time to show.
    People new to «topic» often focus on «kw» first, which is a reasonable place to begin.
    The key insight is that «kw» rarely acts alone; it interacts with «kw2» in subtle ways.
    Experts tend to judge «topic» by «aspect», because that is where the trade-offs appear.
    There is no single right answer here: the best choice depends on «a» versus «b».
    A small, concrete example usually teaches more about «kw» than a long definition.
    It helps to separate what «kw» is from what it is used for.
    Good results with «topic» come from steady iteration rather than one big decision.
    If you remember one thing, remember that «kw» and «kw2» are linked.
    Common misconceptions about «topic» usually come from ignoring «aspect».
    Measuring «kw» carefully is often the fastest way to understand it.
    Context matters: what works well for one «kw» can fail for another.
    A simple mental model treats «kw» as an input and «kw2» as the outcome.
    Trade-offs between «a» and «b» are at the centre of most decisions about «topic».
    Clear vocabulary helps: many debates about «topic» are really about terms.
    Real-world cases of «topic» are messier than textbook ones, and that is fine.
    Whenever «kw2» behaves unexpectedly, look first at «aspect».
    Start small with «kw», then refine.
    Good habits around «kw» pay off.
    «Kw» rewards careful attention.
""")
LIST_ITEMS = _lines("""
    **Start with the basics**: learn what «kw» means before optimising it.
    **Measure first**: track «kw2» so that changes are visible.
    **Mind the trade-offs**: «a» and «b» pull in different directions.
    **Look at «aspect»**: it explains most surprises.
    **Use small examples**: one concrete case of «kw» beats ten abstractions.
    **Iterate**: revisit «topic» as you learn more.
""")
TABLES = [  # header row, then rows
    _lines("""
        Aspect | What it means | Why it matters
        «Kw» | The central idea | Everything else builds on it
        «Kw2» | The visible outcome | It is what people notice
        «Aspect» | The wider context | It explains the exceptions
    """),
    _lines("""
        Approach | Strength | Watch out for
        Incremental | Low risk, easy to measure | Slow to show big gains
        Data-driven | Grounded in «kw» | Needs good measurements
        Expert-led | Fast, uses experience | Can miss «aspect»
    """),
]
SECTION_TITLES = _lines("""
    Background
    Key Concepts
    How «Topic» Works
    Practical Applications
    Common Pitfalls
    Trade-offs
    A Worked Example
    Case Study: «Kw»
    The Role of «Kw2»
    Looking Ahead
""")
CLOSINGS = _lines("""
    In short, «topic» rewards patience: understand «kw», measure «kw2», improve step by step.
    The bottom line: «topic» is manageable once you see how «kw» and «kw2» connect.
    That is the big picture of «topic»; ask a follow-up if you want to go deeper.
""")
FORMULAS = [  # (inline, display): plain LaTeX, shown as $...$ and $$...$$
    (r"\bar{x} = \frac{1}{n}\sum_i x_i", r"\sigma^2 = \frac{1}{n}\sum_{i=1}^{n} (x_i - \bar{x})^2"),
    (r"N(t) = N_0 e^{rt}", r"\frac{dN}{dt} = rN\left(1 - \frac{N}{K}\right)"),
    (r"P(A \mid B)", r"P(A \mid B) = \frac{P(B \mid A)\,P(A)}{P(B)}"),
    (r"T(n) = O(n \log n)", r"T(n) = 2\,T\!\left(\frac{n}{2}\right) + O(n)"),
]
SNIPPETS = {
    "python": '''from collections import Counter


def summarize_«slug»(items: list[str]) -> dict[str, int]:
    """Count how often each term appears."""
    return dict(Counter(items).most_common())


print(summarize_«slug»(["«w1»", "«w2»", "«w1»", "«w3»"]))''',
    "javascript": """const counts = ["«w1»", "«w2»", "«w1»", "«w3»"].reduce((acc, term) => {
  acc[term] = (acc[term] ?? 0) + 1;
  return acc;
}, {});

console.log(counts);""",
    "sql": """SELECT name, COUNT(*) AS mentions
FROM «slug»
WHERE name IN ('«w1»', '«w2»', '«w3»')
GROUP BY name
ORDER BY mentions DESC;""",
    "bash": """#!/usr/bin/env bash
set -euo pipefail

# Count the lines mentioning «w1» in every text file below this directory.
grep -ric "«w1»" --include='*.txt' . | sort -t: -k2 -nr""",
    "rust": """use std::collections::HashMap;

fn main() {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for w in ["«w1»", "«w2»", "«w1»", "«w3»"] {
        *counts.entry(w).or_insert(0) += 1;
    }
    println!("{:?}", counts);
}""",
}
