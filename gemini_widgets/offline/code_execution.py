"""Answers for the ``codeExecution`` tool, as Gemini streams them: text, an ``executableCode``
part, its ``codeExecutionResult``, (a chart for a prompt that asks to plot,) then text that
uses the output.

The program comes from the server's own templates (arithmetic, statistics, primes,
Fibonacci, factorials, reversing digits, a sum of squares), chosen by the prompt's words.
Numbers found in the prompt are its only input, written into the code as ``repr`` of an
``int`` or ``float``: no other text from a prompt ever reaches the code. It then really runs
(``code_runner.py``), so the output is what Python prints, failures included (``5 / 0``).
"""

from __future__ import annotations

import base64
import math
import random
import re
from dataclasses import dataclass

from .chunking import Answer, Piece, split_into_pieces
from .code_runner import CodeLimits, CodeRun, run_python
from .png import bar_chart
from .wire import ParsedRequest, count_tokens

__all__ = ["Program", "code_answer", "numbers_in", "write_program"]

_NUMBER = re.compile(r"(?<![\w.])(-?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w])")
_MAX_DIGITS = 30  # a longer "number" is not arithmetic anyone asks for: it is skipped
_PLOT = re.compile(r"\b(plot|chart|graph|draw|visuali[sz]e|histogram)", re.I)


@dataclass(frozen=True)
class Program:
    intro: str  # the sentence before the code
    code: str
    plot: list[float] | None = None  # values the chart shows, when the prompt asks for one


async def code_answer(
    request: ParsedRequest, rng: random.Random, limits: CodeLimits, thinks: bool
) -> Answer:
    program = write_program(request.prompt_text)
    run = await run_python(program.code, limits)
    result: dict[str, str] = {"outcome": run.outcome}
    if run.output:  # Gemini leaves an empty output out
        result["output"] = run.output
    pieces: list[Piece] = [*split_into_pieces(program.intro, rng)]
    pieces += [{"executableCode": {"language": "PYTHON", "code": program.code}}]
    pieces += [{"codeExecutionResult": result}]
    if program.plot is not None and run.outcome == "OUTCOME_OK":
        png = base64.b64encode(bar_chart(program.plot)).decode("ascii")
        pieces.append({"inlineData": {"mimeType": "image/png", "data": png}})
    pieces += split_into_pieces(_conclusion(run, limits), rng)
    thoughts = "I'll write a short Python program, run it, and read the answer off its output."
    return Answer(
        pieces=pieces,
        thoughts=split_into_pieces(thoughts, rng, (6, 14)) if thinks else [],
        tool_prompt_tokens=count_tokens(run.output),
    )


def numbers_in(text: str) -> list[int | float]:
    """The numbers a prompt names, in order ("1,000" is 1000; "3.5" a float; "v2.5" none)."""
    found: list[int | float] = []
    for match in _NUMBER.finditer(text):
        sign, whole, fraction = match.groups()
        digits = whole.replace(",", "")
        if len(digits) > _MAX_DIGITS:
            continue
        value = float(sign + digits + fraction) if fraction else int(sign + digits)
        if isinstance(value, float) and not math.isfinite(value):
            continue
        found.append(value)
    return found


def write_program(prompt: str) -> Program:
    """The template the prompt's words ask for, filled with its numbers (as literals)."""
    numbers = numbers_in(prompt)
    ints = [n for n in numbers if isinstance(n, int)]
    first = ints[0] if ints else None
    low = prompt.lower()
    plot = _PLOT.search(prompt) is not None
    if re.search(r"\bis\s+-?\d[\d,]*\s+(?:a\s+)?prime", low) and first is not None:
        return Program(f"I'll check whether {first} is prime by trial division.", _IS_PRIME % first)
    if "prime" in low:
        limit = first if first is not None else 100
        return Program(f"Let me count the primes up to {limit} with a sieve.", _SIEVE % limit)
    if "fibonacci" in low:
        n = first if first is not None else 10
        return Program(f"I'll compute the first {n} Fibonacci numbers.", _FIBONACCI % n)
    if "factorial" in low or re.search(r"\d!", prompt):
        n = first if first is not None else 10
        return Program(f"Let me compute {n}! exactly.", _FACTORIAL % n)
    if "reverse" in low and first is not None:
        return Program(f"I'll reverse the digits of {first}.", _REVERSE % first)
    if len(numbers) == 2 and not plot:
        a, b = (repr(n) for n in numbers)
        return Program("Let me work that out in Python.", _ARITHMETIC % (a, b))
    if len(numbers) >= 2:
        data = repr(numbers)
        intro = "I'll compute the summary statistics of these numbers."
        code = _STATISTICS % data + (_TEXT_CHART if plot else "")
        return Program(intro, code, numbers if plot else None)
    squares = [n * n for n in range(1, 11)]
    intro = "Here is a small computation to show code execution: the squares of 1 to 10."
    return Program(intro, _SQUARES + (_TEXT_CHART if plot else ""), squares if plot else None)


def _conclusion(run: CodeRun, limits: CodeLimits) -> str:
    if run.outcome == "OUTCOME_DEADLINE_EXCEEDED":
        return (
            f"\n\nThe program did not finish within the {limits.seconds:g}-second limit, so "
            "I have no result to report. A faster method, or smaller numbers, would be needed."
        )
    reason = run.output.strip().splitlines()[-1] if run.output.strip() else "no message"
    if run.outcome == "OUTCOME_FAILED":
        return f"\n\nThe code failed with `{reason}`, so it produced no answer."
    # The text chart's rows ("   3 | ###") say nothing the chart does not.
    lines = [line for line in run.output.strip().splitlines() if line.strip() and " | " not in line]
    if not lines:
        return "\n\nThe code ran without printing anything."
    shown = "\n".join(f"- {line}" for line in lines[:8])
    return f"\n\nThe code ran successfully. From its output:\n\n{shown}\n"


_IS_PRIME = """\
n = %r


def is_prime(n):
    if n < 2:
        return False
    divisor = 2
    while divisor * divisor <= n:
        if n %% divisor == 0:
            return False
        divisor += 1
    return True


print(f"{n} is prime: {is_prime(n)}")
"""

_SIEVE = """\
limit = %r
sieve = bytearray([1]) * (limit + 1)
sieve[:2] = bytes(len(sieve[:2]))
for i in range(2, int(limit**0.5) + 1):
    if sieve[i]:
        sieve[i * i :: i] = bytes(len(sieve[i * i :: i]))
primes = [i for i, flag in enumerate(sieve) if flag]
print(f"There are {len(primes)} primes up to {limit}.")
print("The largest of them:", primes[-5:])
"""

_FIBONACCI = """\
n = %r
a, b = 0, 1
sequence = []
for _ in range(n):
    sequence.append(a)
    a, b = b, a + b
print(f"The first {n} Fibonacci numbers:", sequence if n <= 20 else sequence[-3:])
"""

_FACTORIAL = """\
import math

n = %r
value = math.factorial(n)
print(f"{n}! has {len(str(value))} digits.")
print(f"{n}! = {value}" if value < 10**60 else f"It starts with {str(value)[:20]}...")
"""

_REVERSE = """\
n = %r
reversed_digits = str(abs(n))[::-1]
print(f"{n} reversed is {'-' if n < 0 else ''}{reversed_digits}")
"""

_ARITHMETIC = """\
a, b = %s, %s
print(f"{a} + {b} = {a + b}")
print(f"{a} - {b} = {a - b}")
print(f"{a} * {b} = {a * b}")
print(f"{a} / {b} = {a / b}")
"""

_STATISTICS = """\
import statistics

data = %s
print("count:", len(data))
print("mean:", statistics.mean(data))
print("median:", statistics.median(data))
print("standard deviation:", round(statistics.stdev(data), 4))
"""

_SQUARES = """\
data = [n * n for n in range(1, 11)]
print("squares:", data)
print("their sum:", sum(data))
"""

# Appended when the prompt asks for a plot: the chart as text (no plotting library is
# needed), while the answer also carries it as a PNG drawn by the server.
_TEXT_CHART = """
largest = max(abs(x) for x in data) or 1
for x in data:
    print(f"{x:>10} | {'#' * round(abs(x) / largest * 30)}")
"""
