"""Code snippets and formulas for the demo answers, filled with the prompt's words.

Each snippet is small, runs as written, and uses the topic's words as names and data, so
the code block looks like it belongs to the answer.
"""

from __future__ import annotations

__all__ = ["DISPLAY_NAMES", "FENCE_NAMES", "FORMULAS", "SNIPPETS"]

# How the answer names the language in prose.
DISPLAY_NAMES = {
    "python": "Python",
    "javascript": "JavaScript",
    "typescript": "TypeScript",
    "sql": "SQL",
    "bash": "Bash",
    "rust": "Rust",
    "go": "Go",
    "java": "Java",
    "cpp": "C++",
    "csharp": "C#",
    "r": "R",
    "html": "HTML",
    "css": "CSS",
    "json": "JSON",
    "yaml": "YAML",
}

# Info string after the opening fence: what highlighters recognise.
FENCE_NAMES = {"cpp": "cpp", "csharp": "csharp", "go": "go", "r": "r"}

SNIPPETS: dict[str, list[str]] = {
    "python": [
        '''from collections import Counter


def summarize_«slug»(items: list[str]) -> dict[str, int]:
    """Count how often each «topic» term appears."""
    return dict(Counter(items).most_common())


print(summarize_«slug»(["«w1»", "«w2»", "«w1»", "«w3»"]))''',
        """from dataclasses import dataclass


@dataclass
class «Camel»:
    name: str
    score: float

    def improved(self, step: float = 0.1) -> "«Camel»":
        return «Camel»(self.name, round(self.score * (1 + step), 3))


item = «Camel»("«w1»", 1.0)
for _ in range(3):
    item = item.improved()
print(item)""",
        """import statistics

«slug» = {"«w1»": [3.2, 4.1, 3.8], "«w2»": [2.9, 3.5, 3.1]}

for name, values in «slug».items():
    mean = statistics.mean(values)
    spread = statistics.stdev(values)
    print(f"{name:>12}: mean={mean:.2f} sd={spread:.2f}")""",
    ],
    "javascript": [
        """const «camel» = ["«w1»", "«w2»", "«w1»", "«w3»"];

const counts = «camel».reduce((acc, term) => {
  acc[term] = (acc[term] ?? 0) + 1;
  return acc;
}, {});

console.log(counts);""",
        """async function load«Camel»(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const data = await response.json();
  return data.filter((item) => item.tags.includes("«w1»"));
}""",
    ],
    "typescript": [
        """interface «Camel» {
  name: string;
  score: number;
}

function best(items: «Camel»[]): «Camel» | undefined {
  return [...items].sort((a, b) => b.score - a.score)[0];
}

console.log(best([{ name: "«w1»", score: 3 }, { name: "«w2»", score: 5 }]));""",
    ],
    "sql": [
        """SELECT «slug»_name, COUNT(*) AS mentions
FROM «slug»
WHERE created_at >= DATE '2024-01-01'
GROUP BY «slug»_name
HAVING COUNT(*) > 1
ORDER BY mentions DESC;""",
        """CREATE TABLE «slug» (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    score REAL DEFAULT 0
);

INSERT INTO «slug» (name, score) VALUES ('«w1»', 4.5), ('«w2»', 3.9);

SELECT name, score FROM «slug» ORDER BY score DESC;""",
    ],
    "bash": [
        """#!/usr/bin/env bash
set -euo pipefail

# Count lines mentioning «w1» in every text file below the current directory.
grep -ril "«w1»" --include='*.txt' . | while read -r file; do
  printf '%s: %s\\n' "$file" "$(grep -ci '«w1»' "$file")"
done""",
        """mkdir -p «slug»/{data,notes}
echo "«topic»" > «slug»/notes/README.md
ls -R «slug»""",
    ],
    "rust": [
        """use std::collections::HashMap;

fn main() {
    let words = ["«w1»", "«w2»", "«w1»"];
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for w in words {
        *counts.entry(w).or_insert(0) += 1;
    }
    println!("{:?}", counts);
}""",
    ],
    "go": [
        """package main

import "fmt"

func main() {
	counts := map[string]int{}
	for _, w := range []string{"«w1»", "«w2»", "«w1»"} {
		counts[w]++
	}
	fmt.Println(counts)
}""",
    ],
    "java": [
        """import java.util.*;

public class «Camel» {
    public static void main(String[] args) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String w : List.of("«w1»", "«w2»", "«w1»")) {
            counts.merge(w, 1, Integer::sum);
        }
        System.out.println(counts);
    }
}""",
    ],
    "cpp": [
        """#include <iostream>
#include <map>
#include <string>

int main() {
    std::map<std::string, int> counts;
    for (const char* w : {"«w1»", "«w2»", "«w1»"}) counts[w]++;
    for (const auto& [word, n] : counts) std::cout << word << ": " << n << "\\n";
}""",
    ],
    "csharp": [
        """var words = new[] { "«w1»", "«w2»", "«w1»" };
var counts = words.GroupBy(w => w).ToDictionary(g => g.Key, g => g.Count());
foreach (var (word, n) in counts) Console.WriteLine($"{word}: {n}");""",
    ],
    "r": [
        """«slug» <- c("«w1»", "«w2»", "«w1»", "«w3»")
counts <- table(«slug»)
print(sort(counts, decreasing = TRUE))""",
    ],
    "html": [
        """<article class="«slug»">
  <h2>«Topic»</h2>
  <ul>
    <li>«w1»</li>
    <li>«w2»</li>
  </ul>
</article>""",
    ],
    "css": [
        """.«slug» {
  display: grid;
  gap: 0.75rem;
  padding: 1rem;
}

.«slug» h2 {
  font-size: 1.25rem;
}""",
    ],
    "json": [
        """{
  "topic": "«topic»",
  "keywords": ["«w1»", "«w2»", "«w3»"],
  "score": 0.87
}""",
    ],
    "yaml": [
        """topic: «topic»
keywords:
  - «w1»
  - «w2»
settings:
  enabled: true
  retries: 3""",
    ],
}

# (inline formula, display formula): both plain LaTeX, shown as $...$ and $$...$$.
FORMULAS: list[tuple[str, str]] = [
    (
        r"\bar{x} = \frac{1}{n}\sum_{i=1}^{n} x_i",
        r"\sigma^2 = \frac{1}{n}\sum_{i=1}^{n} \left(x_i - \bar{x}\right)^2",
    ),
    (
        r"N(t) = N_0 e^{rt}",
        r"\frac{dN}{dt} = rN\left(1 - \frac{N}{K}\right)",
    ),
    (
        r"P(A \mid B)",
        r"P(A \mid B) = \frac{P(B \mid A)\,P(A)}{P(B)}",
    ),
    (
        r"s = \sum_i w_i x_i",
        r"s = \sum_{i=1}^{k} w_i x_i, \qquad \sum_{i=1}^{k} w_i = 1",
    ),
    (
        r"T(n) = O(n \log n)",
        r"T(n) = 2\,T\!\left(\frac{n}{2}\right) + O(n)",
    ),
    (
        r"e^{-\lambda t}",
        r"t_{1/2} = \frac{\ln 2}{\lambda}",
    ),
]
