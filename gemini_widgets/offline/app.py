"""The tornado application: Gemini's REST routes, SSE streaming, faults.

Streams use chunked transfer encoding (tornado's default for a flushed HTTP/1.1 response
without a length): with a close-delimited body a dropped connection would look to the SDK
like a normal end of stream.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import time
from dataclasses import dataclass, field
from typing import Any

import tornado.iostream
import tornado.web

from .catalogue import MODELS, OfflineModel, find_model
from .chunking import merge_chunks
from .continuation import AnswerMemory, ContinuationResponder
from .faults import FAULT_HEADER, Fault, FaultQueue, apply_fault, fault_error, status_message
from .function_calls import check_signatures
from .pacing import Pacing
from .responders import DemoResponder, Reply, ScriptedResponder
from .tools import check_tool_combination
from .wire import (
    ApiError,
    ParsedRequest,
    check_input_tokens,
    error_body,
    loads_body,
    parse_generate_request,
)

__all__ = ["RecordedRequest", "ServerState", "make_app"]

API_VERSIONS = r"(v1|v1beta|v1alpha)"
OFFLINE_HEADER = "x-gemini-offline"
_SECRET_HEADERS = {"x-goog-api-key", "authorization"}


@dataclass
class RecordedRequest:
    """A request as the server received it; secrets are redacted before it is stored.

    ``started_at`` and ``ended_at`` are ``time.monotonic()`` readings of the server's process:
    when the request arrived, and when its answer ended (finished, dropped by a fault, or
    the client went away). A test reads from them whether streams overlapped.
    """

    method: str
    path: str
    api_version: str | None
    model: str | None
    action: str | None
    headers: dict[str, str]
    body: Any
    status: int = 200
    had_key: bool = False
    started_at: float = field(default_factory=time.monotonic)
    ended_at: float | None = None

    def overlaps(self, other: RecordedRequest) -> bool:
        """Both were being answered at some moment (an unfinished one runs on)."""
        inf = float("inf")
        mine = self.ended_at if self.ended_at is not None else inf
        theirs = other.ended_at if other.ended_at is not None else inf
        return self.started_at < theirs and other.started_at < mine

    @property
    def config(self) -> dict[str, Any]:
        """The ``generationConfig`` the SDK sent (camelCase keys, as on the wire)."""
        body = self.body if isinstance(self.body, dict) else {}
        return body.get("generationConfig") or body.get("generation_config") or {}

    @property
    def prompt_text(self) -> str:
        try:
            return parse_generate_request(self.model or "", self.body).prompt_text
        except ApiError:
            return ""


@dataclass
class ServerState:
    """Everything the handlers share. Tests read ``requests`` and arm ``faults``."""

    pacing: Pacing = field(default_factory=Pacing)
    require_key: bool = True
    api_keys: frozenset[str] | None = None  # None: any non-empty key
    deterministic: bool = False  # unseeded requests seeded from their content
    scripts: ScriptedResponder = field(default_factory=ScriptedResponder)
    replays: list[Any] = field(default_factory=list)
    demo: DemoResponder = field(default_factory=DemoResponder)
    faults: FaultQueue = field(default_factory=FaultQueue)
    requests: list[RecordedRequest] = field(default_factory=list)
    answers: AnswerMemory = field(default_factory=AnswerMemory)
    """What it wrote, so a request to continue a cut-short answer gets exactly the rest."""
    continue_prompts: frozenset[str] | None = None
    """The user turns that ask to continue; ``None``: any, after a cut-short answer."""

    async def reply_for(self, request: ParsedRequest, model: OfflineModel) -> Reply:
        rng = self._rng_for(request)
        asking = ContinuationResponder(self.answers, self.continue_prompts)
        continuation = asking.respond(request, model, rng)
        if continuation is not None:
            return continuation
        for responder in (self.scripts, *self.replays):
            reply = responder.respond(request, model, rng)
            if reply is not None:
                break
        else:
            reply = await self.demo.respond(request, model, rng)
        self.answers.remember(reply)
        return reply

    def pacing_rng(self, request: ParsedRequest) -> random.Random:
        """The gaps between chunks: as repeatable as the answer (a seeded or deterministic
        request streams at the same pace each time)."""
        return self._rng_for(request, "pacing")

    def _rng_for(self, request: ParsedRequest, use: str = "") -> random.Random:
        config = request.config
        if config.seed is None and not self.deterministic and config.temperature != 0:
            return random.Random()
        canonical = json.dumps(request.raw, sort_keys=True, default=str)
        digest = hashlib.sha256(f"{use}{config.seed}|{canonical}".encode()).digest()
        return random.Random(int.from_bytes(digest[:8], "big"))


class _GeminiHandler(tornado.web.RequestHandler):
    state: ServerState

    def initialize(self, state: ServerState) -> None:
        self.state = state
        self.recorded: RecordedRequest | None = None

    def set_default_headers(self) -> None:
        self.set_header("Content-Type", "application/json; charset=UTF-8")
        self.set_header(OFFLINE_HEADER, "1")
        self.set_header("Server", "gemini-widgets offline")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None))[1]
        if isinstance(exc, ApiError):
            self._send_json(exc.body())
        else:
            self._send_json(error_body(status_code, self._reason or "Internal error."))

    def _send_json(self, payload: Any) -> None:
        self.finish(json.dumps(payload))

    def _record(self, version: str | None, model: str | None, action: str | None) -> None:
        headers = {
            k.lower(): ("<redacted>" if k.lower() in _SECRET_HEADERS else v)
            for k, v in self.request.headers.get_all()
        }
        try:
            body = json.loads(self.request.body) if self.request.body else None
        except (ValueError, RecursionError):  # not JSON, not UTF-8, nested too deep
            body = self.request.body.decode("utf-8", "replace")
        self.recorded = RecordedRequest(
            method=self.request.method or "",
            path=self.request.path,
            api_version=version,
            model=model,
            action=action,
            headers=headers,
            body=body,
            had_key=self._api_key() is not None,
        )
        self.state.requests.append(self.recorded)  # on the server's one thread: no lock

    def on_finish(self) -> None:
        if self.recorded is not None:
            self.recorded.status = self.get_status()
        self._ended()

    def on_connection_close(self) -> None:
        self._ended()  # the client went away (a Stop), or a fault dropped the connection

    def _ended(self) -> None:
        if self.recorded is not None and self.recorded.ended_at is None:
            self.recorded.ended_at = time.monotonic()

    def _api_key(self) -> str | None:
        key = self.request.headers.get("x-goog-api-key") or self.get_query_argument("key", None)
        auth = self.request.headers.get("authorization", "")
        if not key and auth.lower().startswith("bearer "):
            key = auth[7:]
        return key or None

    def _check_key(self) -> None:
        if not self.state.require_key:
            return
        key = self._api_key()
        if key is None:
            raise ApiError(
                403,
                "Method doesn't allow unregistered callers (callers without established "
                "identity). Please use API Key or other form of API consumer identity to "
                "call this API.",
            )
        if self.state.api_keys is not None and key not in self.state.api_keys:
            raise ApiError(
                400,
                "API key not valid. Please pass a valid API key.",
                details=[
                    {
                        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                        "reason": "API_KEY_INVALID",
                        "domain": "googleapis.com",
                    }
                ],
            )

    def _model(self, version: str, name: str, action: str | None = None) -> OfflineModel:
        model = find_model(name)
        if model is None:
            verb = f" or is not supported for {action}" if action else ""
            raise ApiError(
                404,
                f"models/{name} is not found for API version {version}{verb}. "
                "Call ListModels to see the list of available models and their "
                "supported methods.",
            )
        return model


class ModelsHandler(_GeminiHandler):
    def get(self, version: str, name: str | None) -> None:
        self._record(version, name, "get" if name else "list")
        self._check_key()
        if name is None:
            return self._send_json({"models": [m.resource() for m in MODELS]})
        self._send_json(self._model(version, name).resource())


class ActionHandler(_GeminiHandler):
    """``POST /{version}/models/{model}:{action}``."""

    async def post(self, version: str, name: str, action: str) -> None:
        try:
            await self._answer(version, name, action)
        finally:
            self._ended()

    async def _answer(self, version: str, name: str, action: str) -> None:
        self._record(version, name, action)
        self._check_key()
        if action not in ("generateContent", "streamGenerateContent", "countTokens"):
            raise ApiError(404, f"Method {action} is not served by the offline server.")
        model = self._model(version, name, action)
        request = parse_generate_request(model.name, loads_body(self.request.body))
        if action != "countTokens":
            check_input_tokens(request, model.input_token_limit)
            check_tool_combination(request, model.name)
            check_signatures(request, model.name)
        fault = self._fault_for(request)
        if fault.status is not None:
            raise fault_error(fault)
        if action == "countTokens":
            total = request.prompt_token_count()
            details = [{"modality": "TEXT", "tokenCount": total}]
            return self._send_json({"totalTokens": total, "promptTokensDetails": details})
        reply = apply_fault(await self.state.reply_for(request, model), fault)
        pace = _Pace(model, self.state.pacing_rng(request))
        if action == "generateContent":
            await asyncio.sleep(self._delay_before(0, reply, fault, pace))
            self._ended()
            return self._send_json(merge_chunks(reply.chunks))
        await self._stream(reply, fault, pace)

    def _fault_for(self, request: ParsedRequest) -> Fault:
        fault = self.state.faults.take(request.model, request.prompt_text) or Fault()
        header = self.request.headers.get(FAULT_HEADER)
        if header:
            try:
                fault = fault.merged(Fault.from_header(header))
            except (ValueError, TypeError) as exc:
                raise ApiError(400, str(exc)) from None
        return fault

    async def _stream(self, reply: Reply, fault: Fault, pace: _Pace) -> None:
        self.set_header("Content-Type", "text/event-stream")
        drop = None if fault.drop_after is None else min(fault.drop_after, len(reply.chunks))
        for sent, chunk in enumerate([*reply.chunks, None]):
            if sent == drop:
                await self._flush_quietly()
                self._ended()  # before the client can see the end, so a log read then has it
                self.request.connection.stream.close()  # type: ignore[union-attr]
                return
            if chunk is None:
                break
            if sent == fault.malformed_after:
                self.write('data: {"candidates": [{"content": {"parts": [{"text": \r\n\r\n')
                break
            if sent == fault.error_after:
                self.write(_event(error_body(fault.error_status, status_message(fault))))
                break
            delay = self._delay_before(sent, reply, fault, pace)
            if delay > 0:
                await asyncio.sleep(delay)
            self.write(_event(chunk))
            if not await self._flush_quietly():
                return  # the client went away (a Stop): nothing more to send
        if not self.request.connection.stream.closed():  # type: ignore[union-attr]
            self._ended()
            self.finish()

    def _delay_before(self, sent: int, reply: Reply, fault: Fault, pace: _Pace) -> float:
        """A fault's delay wins, then the recorded one (replays), then the server's pacing
        at the model's pace."""
        if sent == 0 and fault.first_chunk_delay is not None:
            return fault.first_chunk_delay
        if sent > 0 and fault.chunk_delay is not None:
            return fault.chunk_delay
        if reply.delays is not None and sent < len(reply.delays):
            return reply.delays[sent]
        return self.state.pacing.delay(sent, pace.rng, pace.model.pace)

    async def _flush_quietly(self) -> bool:
        try:
            await self.flush()
        except tornado.iostream.StreamClosedError:
            return False
        return True


@dataclass(frozen=True)
class _Pace:
    """Who answers and the random gaps of this answer (seeded when the answer is)."""

    model: OfflineModel
    rng: random.Random


class NotFoundHandler(_GeminiHandler):
    def prepare(self) -> None:
        self._record(None, None, None)
        raise ApiError(404, f"The requested URL {self.request.path} was not found.")


def make_app(state: ServerState) -> tornado.web.Application:
    args = {"state": state}
    return tornado.web.Application(
        [
            (rf"/{API_VERSIONS}/models(?:/([^/:]+))?/?", ModelsHandler, args),
            (rf"/{API_VERSIONS}/models/([^/:]+):(\w+)", ActionHandler, args),
        ],
        default_handler_class=NotFoundHandler,
        default_handler_args=args,
        log_function=lambda handler: None,  # request lines would be noise in a notebook
    )


def _event(payload: Any) -> str:
    return f"data: {json.dumps(payload, separators=(',', ':'))}\r\n\r\n"
