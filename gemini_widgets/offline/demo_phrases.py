"""The wording of the demo answers: templates the writer fills with the prompt's words.

Placeholders are «name» (not ``{name}``) because code and LaTeX are full of braces. Each
code snippet is small, runs as written, and uses the topic's words as names and data, so
the code block looks like it belongs to the answer.
"""

from __future__ import annotations


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
    A Closer Look at «Topic»
""")
INTROS = _lines("""
    «Topic» looks simple from a distance and gets more interesting the closer you look.
    Here is a practical tour of «topic», from the core ideas to the details that matter.
    At its heart, «topic» is about how «kw» and «kw2» fit together.
""")
SENTENCES = _lines("""
    A useful way to think about «kw» is as a balance between «a» and «b».
    In practice, most of the difficulty with «topic» comes from «aspect», not the basic idea.
    When «kw» changes, «kw2» usually follows, although the effect can take time to show.
    The key insight is that «kw» rarely acts alone; it interacts with «kw2» in subtle ways.
    There is no single right answer here: the best choice depends on «a» versus «b».
    A small, concrete example usually teaches more about «kw» than a long definition.
    It helps to separate what «kw» is from what it is used for.
    If you remember one thing, remember that «kw» and «kw2» are linked.
    Common misconceptions about «topic» usually come from ignoring «aspect».
    Context matters: what works well for one «kw» can fail for another.
    A simple mental model treats «kw» as an input and «kw2» as the outcome.
    Trade-offs between «a» and «b» are at the centre of most decisions about «topic».
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
""")
TABLE = _lines("""
    Aspect | What it means | Why it matters
    «Kw» | The central idea | Everything else builds on it
    «Kw2» | The visible outcome | It is what people notice
    «Aspect» | The wider context | It explains the exceptions
""")  # header row, then rows
SECTION_TITLES = _lines("""
    Background
    Key Concepts
    How «Topic» Works
    Common Pitfalls
    Trade-offs
    Case Study: «Kw»
""")
CLOSINGS = _lines("""
    In short, «topic» rewards patience: understand «kw», measure «kw2», improve step by step.
    The bottom line: «topic» is manageable once you see how «kw» and «kw2» connect.
""")
FORMULAS = [  # (inline, display): plain LaTeX, shown as $...$ and $$...$$
    (r"\bar{x} = \frac{1}{n}\sum_i x_i", r"\sigma^2 = \frac{1}{n}\sum_{i=1}^{n} (x_i - \bar{x})^2"),
    (r"N(t) = N_0 e^{rt}", r"\frac{dN}{dt} = rN\left(1 - \frac{N}{K}\right)"),
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
    "bash": """# Count the lines mentioning «w1» in every text file below this directory.
grep -ric "«w1»" --include='*.txt' . | sort -t: -k2 -nr""",
    "rust": """fn main() {
    for (i, term) in ["«w1»", "«w2»", "«w3»"].iter().enumerate() {
        println!("{i}: {term}");
    }
}""",
}
