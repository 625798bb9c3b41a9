"""``stream()``: prompt in, a live StreamView out (or the answer printed, where no widget can
be shown: ``text_views``), the result returned. One call does it all."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from google import genai
from google.genai import types

from .client import current_backend, get_client
from .request import StreamRequest
from .retry import RetrySetting
from .runner import Runner
from .setting_keywords import takes_settings
from .settings import (
    DEFAULT_MODEL,
    DEFAULT_TIMEOUT,
    StreamOptions,
    build_config,
    stream_options,
)
from .stream import StreamState
from .text_views import TextView, front_end

if TYPE_CHECKING:  # imported when shown: a script that prints its answers loads no widgets
    from .widgets import StreamView

__all__ = ["BackgroundStream", "run_in_view", "shown_view", "stream"]


@dataclass(frozen=True)
class BackgroundStream:
    """A stream running as a task on the kernel's loop: stop it, await it, or read it."""

    view: StreamView | TextView
    task: asyncio.Task[StreamState]

    def stop(self) -> None:
        """Stop the stream; the text so far is kept (same as the Stop button)."""
        self.view.stop()

    def continue_answer(self) -> BackgroundStream:
        """Continue a cut-short answer in the same view (the Continue button); a new handle
        to await or stop."""
        return BackgroundStream(self.view, self.view.start_continuation())

    def done(self) -> bool:
        return self.task.done()

    def result(self) -> StreamState:
        """The finished result; the state so far (``.text`` grows) while it streams."""
        if self.task.done():
            return self.task.result()
        assert self.view.state is not None
        return self.view.state

    def __await__(self):  # type: ignore[no-untyped-def]
        return self.task.__await__()

    def __repr__(self) -> str:
        state = self.result()
        status = "done" if self.done() else "streaming"
        return f"<BackgroundStream {status}, {len(state.text)} chars>"


@takes_settings
def stream(
    contents: types.ContentListUnion | types.ContentListUnionDict,
    *,
    model: str | None = None,
    client: genai.Client | None = None,
    config: types.GenerateContentConfig | dict[str, Any] | None = None,
    background: bool = False,
    view: StreamView | TextView | None = None,
    retry: RetrySetting = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    **settings: Any,
) -> StreamState | BackgroundStream:
    """Stream ``contents`` from Gemini into a new StreamView and return the result.

    Where no widget can be shown (plain ``python``, terminal IPython, a pipe) the answer is
    printed as it streams instead (``text_views.front_end``; ``GEMINI_WIDGETS_DISPLAY=text``
    or ``widget`` chooses); the result is the same.

    ``contents`` is anything ``generate_content_stream`` takes: text, ``types.Part``,
    images, bytes parts, PIL images, a list of them. ``settings`` are the short names of
    ``gemini_widgets.settings.SETTINGS`` (temperature, system, max_output_tokens, ...) or any
    ``GenerateContentConfig`` field. With ``background=True`` the cell returns at once with
    a ``BackgroundStream`` (stop it, await it), the stream goes on, and the Stop button acts
    immediately. With ``json=True`` or ``schema=`` the result's ``.parsed`` holds the value
    (for a Python schema type, validated into it).

    A request that fails before its first token with 429 or 503 is retried with backoff
    (``retry``: ``False``, a number of attempts, or ``types.HttpRetryOptions``); a stream
    that sends nothing for ``timeout`` seconds ends with a message. A cut-short answer can
    be continued with the view's Continue button or ``view.continue_answer()``.
    """
    generation_config = build_config(config, **settings)
    options = stream_options(retry, timeout)
    model = model or DEFAULT_MODEL
    if view is None:
        view, client = shown_view(model, client)
    client = client or get_client()
    return run_in_view(
        view,
        StreamRequest(client, model, contents, generation_config),
        options,
        background=background,
    )


def shown_view(
    model: str, client: genai.Client | None
) -> tuple[StreamView | TextView, genai.Client]:
    """A displayed StreamView labelled with the backend that answers, and its client; a
    ``TextView`` that prints the answer where no widget front end runs."""
    if client is None:
        client = get_client()  # first: it starts the offline server the label names
        backend = current_backend().label
    else:
        backend = "custom client"
    shown_in = front_end()
    if shown_in == "text":
        return TextView(backend=backend), client
    from .widgets import StreamView, show_widget, view_settings

    view = StreamView(model=model, backend=backend, **view_settings(shown_in))
    show_widget(view, shown_in)
    return view, client


def run_in_view(
    view: StreamView | TextView, request: StreamRequest, options: StreamOptions, *, background: bool
) -> StreamState | BackgroundStream:
    """Run ``request`` into ``view`` on a runner of its own: the answer when it ends, or a
    ``BackgroundStream`` at once."""
    runner = Runner(view, options=options, model=request.model)
    view.actions = runner
    if background:
        return BackgroundStream(view, runner.start(request))
    return runner.run(request)
