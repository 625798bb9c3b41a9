"""compare() without a kernel: the columns a call asks for, the summary's marks, and a script
that compares (the answers and the summary printed when all have ended)."""

from __future__ import annotations

import _thread
import threading

import pytest

from gemini_widgets import CompareResult, SettingsError, compare
from gemini_widgets.compare_summary import summary_markdown, summary_table
from gemini_widgets.comparison import contenders
from gemini_widgets.offline import Fault
from gemini_widgets.stream import StreamState


def _columns(models=None, variants=None, **settings):
    chosen = contenders(models, variants, model="gemini-2.5-flash", config=None, settings=settings)
    return [(c.label, c.model, c.config.temperature) for c in chosen]


def test_models_are_labelled_by_name_and_share_the_settings():
    assert _columns(["gemini-2.5-flash", "gemini-2.5-pro"], temperature=0.5) == [
        ("gemini-2.5-flash", "gemini-2.5-flash", 0.5),
        ("gemini-2.5-pro", "gemini-2.5-pro", 0.5),
    ]
    assert _columns("gemini-2.5-flash, gemini-2.5-pro")[1][1] == "gemini-2.5-pro"


def test_variants_lay_their_settings_over_the_shared_ones():
    variants = {"cold": {"temperature": 0}, "pro": {"model": "gemini-2.5-pro"}}
    assert _columns(variants=variants, temperature=1) == [
        ("cold", "gemini-2.5-flash", 0),
        ("pro", "gemini-2.5-pro", 1),
    ]


def test_models_with_variants_ask_each_model_each_way():
    columns = _columns(["a-model", "b-model"], {"t=0": {"temperature": 0}, "t=1": {}})
    assert [label for label, _, _ in columns] == [
        "a-model · t=0",
        "a-model · t=1",
        "b-model · t=0",
        "b-model · t=1",
    ]


@pytest.mark.parametrize(
    ("models", "variants", "says"),
    [
        (None, None, "Nothing to compare"),
        (["gemini-2.5-flash"], None, "two or more"),
        (["a", "a"], None, "asked twice"),
        (None, {"x": {"temperature": 7}}, "variant 'x': temperature"),
        (None, {"x": {"nonsense": 1}, "y": {}}, "variant 'x'"),
        (["a", "b"], {"x": {"model": "c"}}, "names a model"),
    ],
)
def test_a_bad_compare_is_refused_before_anything_is_sent(models, variants, says):
    with pytest.raises(SettingsError, match=says):
        _columns(models, variants)


def _state(text: str, ttft: float, end: float, **stats) -> StreamState:
    state = StreamState(model="m", clock=lambda: 0.0)
    state.first_token_at, state.ended_at = ttft, end
    state._text = [text]
    return state


def test_the_best_of_each_row_is_marked_among_whole_answers_only():
    quick, slow = _state("a", 0.1, 1.0), _state("b", 0.5, 3.0)
    failed = _state("c", 0.01, 0.2)
    failed.stopped = True
    table = summary_table({"quick": quick, "slow": slow, "failed": failed, "waiting": None})
    rows = {row["key"]: row for row in table["rows"]}
    assert rows["time_to_first_token"]["cells"] == ["0.10 s", "0.50 s", "0.01 s", "…"]
    assert rows["time_to_first_token"]["best"] == [True, False, False, False]
    assert rows["elapsed"]["best"] == [True, False, False, False]
    assert rows["finish"]["cells"][2] == "stopped"
    assert rows["cost"]["cells"][:3] == ["—", "—", "—"]  # no price known: absent, not 0
    assert not any(rows["prompt_tokens"]["best"])  # no usage: nothing to compare


def test_equal_values_mark_none_and_labels_cannot_break_the_table():
    same = {"a|b": _state("x", 0.1, 1.0), "c\nd": _state("y", 0.1, 1.0)}
    table = summary_table(same)
    assert not any(any(row["best"]) for row in table["rows"])
    markdown = summary_markdown(table)
    assert "| | a\\|b | c d |" in markdown


def test_a_script_prints_every_answer_and_the_summary_at_the_end(client, server, capsys):
    server.fail_next(Fault.http(400, "Bad model."), model="gemini-2.5-pro")
    result = compare("Explain tides.", ["gemini-2.5-flash", "gemini-2.5-pro"], client=client)
    assert isinstance(result, CompareResult) and list(result) == [
        "gemini-2.5-flash",
        "gemini-2.5-pro",
    ]
    assert result["gemini-2.5-flash"].ok and result["gemini-2.5-flash"].text
    assert result["gemini-2.5-pro"].error is not None
    printed = capsys.readouterr().out
    assert printed == result.markdown()
    assert printed.index("### gemini-2.5-flash") < printed.index("### gemini-2.5-pro")
    assert "*Error: 400 INVALID_ARGUMENT" in printed and "Gemini said: Bad model.*" in printed
    assert "| finish | STOP | error |" in printed
    assert sorted(r.model for r in server.requests) == ["gemini-2.5-flash", "gemini-2.5-pro"]


def test_a_cost_reads_as_in_the_status_bar():
    from gemini_widgets.compare_summary import MEASURES

    cost = next(m for m in MEASURES if m.key == "cost")
    shown = [cost.show(v) for v in (0, 1e-7, 0.000186, 0.001433, 0.0123, 0.15, 2.345)]
    assert shown == ["$0", "< $0.000001", "$0.00019", "$0.0014", "$0.012", "$0.15", "$2.35"]


def test_ctrl_c_in_a_script_stops_every_answer_and_prints_what_each_had(
    client, server, capsys, wait_for_requests
):
    server.script(*[f"word{i} " for i in range(200)], prompt="slow")
    server.fail_next(Fault.slow(between=0.2), times=None)

    def interrupt_once_both_asked() -> None:
        wait_for_requests(server, 2)
        _thread.interrupt_main()  # what Ctrl-C does

    threading.Thread(target=interrupt_once_both_asked, daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        compare("slow", ["gemini-2.5-flash", "gemini-2.5-pro"], client=client)
    printed = capsys.readouterr().out
    assert "### gemini-2.5-flash" in printed and "### gemini-2.5-pro" in printed
    assert printed.count("Stopped; the partial answer is kept.") == 2
    assert "| finish | stopped | stopped |" in printed


def test_a_script_prints_no_terminal_control_characters_from_the_answers(client, server, capsys):
    server.script("Fine \x1b]52;c;c2VjcmV0\x07text \x1b[2Jhere\tand\nthere.", prompt="escape")
    result = compare("escape", ["gemini-2.5-flash", "gemini-2.5-pro"], client=client)
    printed = capsys.readouterr().out
    assert "\x1b" not in printed and "\x07" not in printed
    assert printed.count("Fine ]52;c;c2VjcmV0text [2Jhere\tand\nthere.") == 2
    assert "\x1b" in result["gemini-2.5-pro"].text  # the result keeps the text as sent
