"""Several answers at once, each on a ``Runner`` of its own: a compare of models or settings.

Every answer still runs through ``runner.py`` (retries, timeout, stop, continue); this only
starts them together and stops them together. Blocking (a cell), each runner's ``run()`` is
on a thread of its own and what it tells its sink is relayed to the calling thread, so
widgets and displays are touched only there, as in any cell, and Kernel -> Interrupt (which
only the main thread hears) stops them all. As tasks, each runner's ``start()`` is a task on
the running loop, so a Stop button acts at once. No IPython here.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable, Sequence
from typing import Any

from .request import StreamRequest
from .retry import RetryNotice
from .runner import Runner, RunSink
from .stream import Delta, StreamState

__all__ = ["MemberActions", "RunnerGroup"]

_POLL = 0.1  # how often the relaying thread looks up from an empty queue (Interrupt)


class RunnerGroup:
    """Runs one request on each runner, all at once; a failure in one leaves the others."""

    def __init__(self, runs: Sequence[tuple[Runner, StreamRequest]]) -> None:
        self.runs = list(runs)
        self.tasks: list[asyncio.Task[StreamState]] = []
        self._halted = threading.Event()
        """Set by ``stop``: a runner whose thread begins after it stops at once."""

    @property
    def runners(self) -> list[Runner]:
        return [runner for runner, _ in self.runs]

    def run(self) -> list[StreamState]:
        """Stream every request at once; return their answers when all have ended.

        Kernel -> Interrupt stops them all (what arrived is kept, each view hears its end),
        then propagates."""
        self._refuse_if_busy()
        self._halted.clear()
        relay = _Relay()
        sinks = [runner.sink for runner in self.runners]
        failures: list[BaseException] = []
        for runner in self.runners:
            runner.sink = _RelayedSink(runner, relay.put, self._halted)
        try:
            try:
                for runner, request in self.runs:
                    threading.Thread(
                        target=_run_one,
                        args=(runner, request, relay.put, failures),
                        name="gemini-compare",
                        daemon=True,
                    ).start()
                    relay.running += 1
                relay.deliver()
            except KeyboardInterrupt:
                self.stop()
                relay.deliver()  # each ends as stopped, and its views hear it
                raise
        finally:
            for runner, sink in zip(self.runners, sinks, strict=True):
                runner.sink = sink
        if failures:
            raise failures[0]
        return [runner.state for runner in self.runners]  # type: ignore[misc]

    def start(self) -> list[asyncio.Task[StreamState]]:
        """Stream every request as a task on the running loop; return the tasks."""
        self._refuse_if_busy()
        self.tasks = [runner.start(request) for runner, request in self.runs]
        return self.tasks

    def stop(self) -> None:
        """Stop every answer still streaming; what arrived is kept."""
        self._halted.set()
        for runner in self.runners:
            runner.stop()

    @property
    def stoppable_now(self) -> bool:
        return any(runner.stoppable_now for runner in self.runners)

    def _refuse_if_busy(self) -> None:
        if any(runner.busy for runner in self.runners):
            raise RuntimeError("Already streaming these answers: stop them or wait first.")


class MemberActions:
    """What one column's view asks (``widgets.StreamView``'s ``StreamActions``): Stop stops
    the whole group, Continue goes on with this column's answer only."""

    def __init__(self, group: RunnerGroup, runner: Runner) -> None:
        self.group = group
        self.runner = runner

    @property
    def stoppable_now(self) -> bool:
        return self.group.stoppable_now

    def stop(self) -> None:
        self.group.stop()

    def why_not_continue(self) -> str | None:
        return self.runner.why_not_continue()

    def continue_answer(self) -> StreamState:
        return self.runner.continue_answer()

    def start_continuation(self) -> asyncio.Task[StreamState]:
        return self.runner.start_continuation()


_Call = tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]


class _RelayedSink:
    """A runner's sink while it runs on a worker thread: each call is queued for the thread
    that relays them, in order."""

    def __init__(
        self, runner: Runner, put: Callable[[_Call], None], halted: threading.Event
    ) -> None:
        self.sink: RunSink = runner.sink
        self._runner = runner
        self._put = put
        self._halted = halted

    def on_start(self, state: StreamState, *, background: bool) -> None:
        if self._halted.is_set():  # stopped before this runner began, which clears its stop
            self._runner.stop()
        self._put((self.sink.on_start, (state,), {"background": background}))

    def on_delta(self, delta: Delta, state: StreamState) -> None:
        self._put((self.sink.on_delta, (delta, state), {}))

    def on_retry(self, notice: RetryNotice, state: StreamState) -> None:
        on_retry = getattr(self.sink, "on_retry", None)
        if on_retry is not None:
            self._put((on_retry, (notice, state), {}))

    def on_end(self, state: StreamState) -> None:
        self._put((self.sink.on_end, (state,), {}))


def _run_one(
    runner: Runner,
    request: StreamRequest,
    put: Callable[[_Call | None], None],
    failures: list[BaseException],
) -> None:
    try:
        runner.run(request)
    except BaseException as exc:  # our bug, not the stream's (that is state.error)
        failures.append(exc)
    finally:
        put(None)  # this runner is done


class _Relay:
    """Sink calls queued by the worker threads, made on the thread that calls ``deliver``."""

    def __init__(self) -> None:
        self.running = 0
        """Runner threads started and not yet done."""
        self._calls: queue.SimpleQueue[_Call | None] = queue.SimpleQueue()

    def put(self, call: _Call | None) -> None:
        """Queue a call; ``None`` says one runner is done."""
        self._calls.put(call)

    def deliver(self) -> None:
        """Make the queued calls here until every runner is done."""
        while self.running:
            try:
                item = self._calls.get(timeout=_POLL)
            except queue.Empty:
                continue
            if item is None:
                self.running -= 1
                continue
            call, args, kwargs = item
            call(*args, **kwargs)
