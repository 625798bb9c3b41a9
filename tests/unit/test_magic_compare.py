"""%%gemini -m a,b and --compare: a cell compared side by side, through a real IPython shell
on the process's offline server (no kernel here, so the answers are printed at the end)."""

from __future__ import annotations

import pytest
from IPython.core.error import UsageError
from shell_cells import run

from gemini_widgets import CompareResult


def test_comma_separated_models_are_compared_with_the_line_settings(ipython, offline, capsys):
    result = run(
        ipython, "%%gemini -m gemini-2.5-flash,gemini-2.5-pro -t 0.3 -o both\nExplain tides"
    )
    assert isinstance(result, CompareResult) and ipython.user_ns["both"] is result
    assert list(result) == ["gemini-2.5-flash", "gemini-2.5-pro"]
    assert sorted((r.model, r.config["temperature"]) for r in offline.requests) == [
        ("gemini-2.5-flash", 0.3),
        ("gemini-2.5-pro", 0.3),
    ]
    printed = capsys.readouterr().out
    assert "### gemini-2.5-flash" in printed and "| tokens/s |" in printed


def test_each_compare_option_is_a_column_over_the_line(ipython, offline):
    result = run(
        ipython,
        '%%gemini -m gemini-2.5-flash --seed 4 --compare "-t 0" --compare "-t 1  -m gemini-2.5-pro"'
        "\nExplain tides",
    )
    assert list(result) == ["-t 0", "-t 1 -m gemini-2.5-pro"]
    asked = sorted((r.model, r.config["temperature"], r.config["seed"]) for r in offline.requests)
    assert asked == [("gemini-2.5-flash", 0, 4), ("gemini-2.5-pro", 1, 4)]


@pytest.mark.parametrize(
    ("cell", "first_line"),
    [
        ("%%gemini -m gemini-2.5-flash,\nhi", "-m 'gemini-2.5-flash,': an empty model name"),
        (
            '%%gemini --compare "-t 0" --compare "--chat x"\nhi',
            "--compare '--chat x': --chat applies",
        ),
        ('%%gemini --compare "-t 9" --compare "-t 1"\nhi', "variant '-t 9': temperature must"),
        ('%%gemini --compare "--bogus" --compare "-t 1"\nhi', "--compare '--bogus': unrecognized"),
        ('%%gemini --compare "-t 0"\nhi', "A compare needs two or more"),
        ("%%gemini -m gemini-2.5-flash,gemini-2.5-pro --chat c\nhi", "--chat continues one"),
        ("%%gemini -m gemini-2.5-flash,gemini-2.5-pro --format code\nhi", "--format code takes"),
    ],
)
def test_a_bad_compare_gives_one_sentence_and_the_usage_line(ipython, offline, cell, first_line):
    with pytest.raises(UsageError) as caught:
        run(ipython, cell)
    lines = str(caught.value).splitlines()
    assert lines[0].startswith(first_line), lines
    assert lines[1].startswith("usage: %gemini [-m MODEL[,MODEL...]]")
    assert "[--compare OPTIONS]" in lines[1]
    assert len(lines) == 2 and not offline.requests
