"""``compare()``: one prompt to several models (or settings) at once, side by side.

Each answer streams into a column of its own (a normal ``StreamView``, its own status),
all at the same time, each on its own ``Runner`` (``runner_group.py`` starts and stops them
together); a summary under them compares their numbers. The same in a Jupyter kernel and in
a marimo notebook (``widgets/compare_view.py`` lays it out for each). Where no widget can be
shown, the answers and the summary are printed when all have ended.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from google import genai
from google.genai import types

from .client import current_backend, get_client
from .comparison import CompareResult, Contender, contenders
from .request import StreamRequest
from .retry import RetrySetting
from .runner import Runner, RunSink
from .runner_group import RunnerGroup
from .setting_keywords import takes_settings
from .settings import DEFAULT_MODEL, DEFAULT_TIMEOUT, StreamOptions, stream_options
from .stream import Delta, StreamState
from .text_views import FrontEnd, front_end, printable, say_offline

if TYPE_CHECKING:  # shown only in a kernel: a script that compares loads no widgets
    from .widgets.compare_view import CompareView

__all__ = ["BackgroundCompare", "compare", "run_compare"]


@dataclass(frozen=True)
class BackgroundCompare:
    """A compare running as tasks on the kernel's loop: stop it, await it, or read it."""

    group: RunnerGroup
    labels: tuple[str, ...]
    tasks: tuple[asyncio.Task[StreamState], ...]

    def stop(self) -> None:
        """Stop every answer; the text so far is kept (same as a column's Stop button)."""
        self.group.stop()

    def done(self) -> bool:
        return all(task.done() for task in self.tasks)

    def result(self) -> CompareResult:
        """Each label's answer: finished, or so far (``.text`` grows) while it streams."""
        states = [runner.state for runner in self.group.runners]
        return CompareResult(dict(zip(self.labels, states, strict=True)))  # type: ignore[arg-type]

    async def _all(self) -> CompareResult:
        await asyncio.gather(*self.tasks)
        return self.result()

    def __await__(self):  # type: ignore[no-untyped-def]
        return self._all().__await__()

    def __repr__(self) -> str:
        status = "done" if self.done() else "streaming"
        return f"<BackgroundCompare {status}: {', '.join(self.labels)}>"


@takes_settings
def compare(
    contents: types.ContentListUnion | types.ContentListUnionDict,
    models: Sequence[str] | str | None = None,
    *,
    variants: Mapping[str, Mapping[str, Any]] | None = None,
    model: str | None = None,
    client: genai.Client | None = None,
    config: types.GenerateContentConfig | dict[str, Any] | None = None,
    background: bool = False,
    retry: RetrySetting = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    **settings: Any,
) -> CompareResult | BackgroundCompare:
    """Ask several models, or one model with several settings, the same thing at once.

    ``compare("Explain RAID", models=["gemini-2.5-flash", "gemini-2.5-pro"])`` streams both
    answers side by side; ``variants={"t=0": dict(temperature=0), "t=1":
    dict(temperature=1)}`` asks ``model`` with each variant's settings laid over the shared
    ones (a variant may name its own ``model``); both together ask each model with each
    variant. Under the columns a summary compares time to first token, tokens/s, tokens
    in/out/thinking, finish reason and estimated cost, the best of each marked.

    Returns a ``CompareResult``: each label's full result (``result["gemini-2.5-pro"].text``).
    An answer that fails leaves the others streaming. Kernel -> Interrupt (or, with
    ``background=True``, any column's Stop button or ``.stop()``) stops them all, keeping
    what arrived. ``retry``, ``timeout`` and the settings are ``stream()``'s.
    """
    chosen = contenders(
        models, variants, model=model or DEFAULT_MODEL, config=config, settings=settings
    )
    options = stream_options(retry, timeout)
    return run_compare(contents, chosen, options, client=client, background=background)


def run_compare(
    contents: Any,
    chosen: Sequence[Contender],
    options: StreamOptions,
    *,
    client: genai.Client | None = None,
    background: bool = False,
) -> CompareResult | BackgroundCompare:
    """Show the columns of ``chosen`` and stream them all at once (``compare()`` and
    ``%%gemini -m a,b`` / ``--compare`` both end here)."""
    if client is None:
        client = get_client()  # first: it starts the offline server the label names
        backend = current_backend().label
    else:
        backend = "custom client"
    shown_in = front_end()
    view = _shown_view(chosen, backend, shown_in) if shown_in != "text" else None
    runs = []
    for contender in chosen:
        sink: RunSink = view.sink_for(contender.label) if view is not None else _Unshown()
        runner = Runner(sink, options=options, model=contender.model)
        runs.append((runner, StreamRequest(client, contender.model, contents, contender.config)))
    group = RunnerGroup(runs)
    if view is not None:
        view.act_with(group)
    labels = tuple(c.label for c in chosen)
    if background:
        return BackgroundCompare(group, labels, tuple(group.start()))
    if view is None:
        say_offline(backend, sys.stderr)
    try:
        states = group.run()
    except KeyboardInterrupt:
        if view is None:  # Ctrl-C in a terminal: what each answer had is still printed
            _print_markdown(labels, [runner.state for runner in group.runners])
        raise
    if view is None:
        _print_markdown(labels, states)
    return CompareResult(dict(zip(labels, states, strict=True)))


def _print_markdown(labels: Sequence[str], states: Sequence[StreamState | None]) -> None:
    kept = {label: state for label, state in zip(labels, states, strict=True) if state}
    print(printable(CompareResult(kept).markdown()), end="", flush=True)


def _shown_view(chosen: Sequence[Contender], backend: str, shown_in: FrontEnd) -> CompareView:
    """The columns, in the running cell's output (``show_widget``: IPython's ``display`` or
    marimo's output, which lay them out with their own means)."""
    from .widgets import CompareView, show_widget, view_settings

    columns = [(c.label, c.model) for c in chosen]
    view = CompareView(columns, backend=backend, **view_settings(shown_in))
    show_widget(view, shown_in)
    return view


class _Unshown:
    """A column where nothing is shown as it streams (a terminal cannot put answers side by
    side): the answers are printed together at the end."""

    def on_start(self, state: StreamState, *, background: bool) -> None:
        pass

    def on_delta(self, delta: Delta, state: StreamState) -> None:
        pass

    def on_end(self, state: StreamState) -> None:
        pass
