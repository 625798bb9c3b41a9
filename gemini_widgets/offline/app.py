"""The tornado application: Gemini's REST routes, SSE streaming, faults.

Streams use chunked transfer encoding (tornado's default for a flushed HTTP/1.1 response
without a length): with a close-delimited body a dropped connection would look to the SDK
like a normal end of stream.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import json
import random
import threading
from dataclasses import dataclass, field
from typing import Any

import tornado.iostream
import tornado.web

from .catalogue import MODELS, OfflineModel, find_model
from .chunking import merge_chunks
from .faults import FAULT_HEADER, Fault, FaultQueue
from .pacing import Pacing
from .responders import DemoResponder, Reply, ScriptedResponder
from .wire import ApiError, ParsedRequest, error_body, loads_body, parse_generate_request

__all__ = ["RecordedRequest", "ServerState", "make_app"]

API_VERSIONS = r"(v1|v1beta|v1alpha)"
OFFLINE_HEADER = "x-gemini-offline"
_SECRET_HEADERS = {"x-goog-api-key", "authorization"}


@dataclass
class RecordedRequest:
    """A request as the server received it; secrets are redacted before it is stored."""

    method: str
    path: str
    api_version: str | None
    model: str | None
    action: str | None
    headers: dict[str, str]
    body: Any
    status: int = 200
    had_key: bool = False

    @property
    def config(self) -> dict[str, Any]:
        """The ``generationConfig`` the SDK sent (camelCase keys, as on the wire)."""
        if not isinstance(self.body, dict):
            return {}
        return self.body.get("generationConfig") or self.body.get("generation_config") or {}

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
    api_keys: frozenset[str] | None = None
    """Keys that are accepted; ``None`` accepts any non-empty key."""
    deterministic: bool = False
    """Seed unseeded requests from their content, so a re-run gives the same answer."""
    scripts: ScriptedResponder = field(default_factory=ScriptedResponder)
    replays: list[Any] = field(default_factory=list)
    demo: DemoResponder = field(default_factory=DemoResponder)
    faults: FaultQueue = field(default_factory=FaultQueue)
    requests: list[RecordedRequest] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def reply_for(self, request: ParsedRequest, model: OfflineModel) -> Reply:
        rng = self._rng_for(request)
        for responder in (self.scripts, *self.replays):
            reply = responder.respond(request, model, rng)
            if reply is not None:
                return reply
        return self.demo.respond(request, model, rng)

    def _rng_for(self, request: ParsedRequest) -> random.Random:
        config = request.config
        if config.seed is None and not self.deterministic and config.temperature != 0:
            return random.Random()
        canonical = json.dumps(request.raw, sort_keys=True, default=str)
        digest = hashlib.sha256(f"{config.seed}|{canonical}".encode()).digest()
        return random.Random(int.from_bytes(digest[:8], "big"))


class _GeminiHandler(tornado.web.RequestHandler):
    state: ServerState

    def initialize(self, state: ServerState) -> None:
        self.state = state
        self.recorded: RecordedRequest | None = None

    def check_xsrf_cookie(self) -> None:  # an API, not a form
        pass

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
        except (json.JSONDecodeError, UnicodeDecodeError):
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
        self.state.record(self.recorded)

    def on_finish(self) -> None:
        if self.recorded is not None:
            self.recorded.status = self.get_status()

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

    def _send_api_error(self, error: ApiError) -> None:
        self.set_status(error.code)
        self._send_json(error.body())


class ModelListHandler(_GeminiHandler):
    def get(self, version: str) -> None:
        self._record(version, None, "list")
        try:
            self._check_key()
        except ApiError as error:
            return self._send_api_error(error)
        self._send_json({"models": [m.resource() for m in MODELS]})


class ModelHandler(_GeminiHandler):
    def get(self, version: str, name: str) -> None:
        self._record(version, name, "get")
        try:
            self._check_key()
            model = self._model(version, name)
        except ApiError as error:
            return self._send_api_error(error)
        self._send_json(model.resource())


class ActionHandler(_GeminiHandler):
    """``POST /{version}/models/{model}:{action}``."""

    async def post(self, version: str, name: str, action: str) -> None:
        self._record(version, name, action)
        try:
            self._check_key()
            if action not in ("generateContent", "streamGenerateContent", "countTokens"):
                raise ApiError(404, f"Method {action} is not served by the offline server.")
            model = self._model(version, name, action)
            request = parse_generate_request(model.name, loads_body(self.request.body))
            fault = self._fault_for(request)
            if fault.status is not None:
                raise _fault_error(fault)
        except ApiError as error:
            return self._send_api_error(error)

        if action == "countTokens":
            return self._send_json(_count_tokens_body(request))
        reply = self._shape_reply(self.state.reply_for(request, model), fault)
        if action == "generateContent":
            await asyncio.sleep(self._first_delay(fault))
            return self._send_json(_merge_reply(reply))
        await self._stream(reply, fault)

    def _fault_for(self, request: ParsedRequest) -> Fault:
        fault = self.state.faults.take(request.model, request.prompt_text) or Fault()
        header = self.request.headers.get(FAULT_HEADER)
        if header:
            try:
                fault = fault.merged(Fault.from_header(header))
            except (ValueError, TypeError) as exc:
                raise ApiError(400, str(exc)) from None
        return fault

    def _shape_reply(self, reply: Reply, fault: Fault) -> Reply:
        if fault.block_reason is not None:
            return Reply([_blocked_chunk(reply.chunks, fault.block_reason)])
        if fault.finish_reason is not None:
            return _finish_early(reply, fault.finish_reason, fault.finish_after)
        return reply

    def _first_delay(self, fault: Fault) -> float:
        if fault.first_chunk_delay is not None:
            return fault.first_chunk_delay
        return self.state.pacing.first_chunk

    async def _stream(self, reply: Reply, fault: Fault) -> None:
        self.set_header("Content-Type", "text/event-stream")
        rng = random.Random()
        for sent, chunk in enumerate(reply.chunks):
            if sent == fault.drop_after:
                await self._flush_quietly()
                self.request.connection.stream.close()  # type: ignore[union-attr]
                return
            if sent == fault.malformed_after:
                self.write('data: {"candidates": [{"content": {"parts": [{"text": \r\n\r\n')
                break
            if sent == fault.error_after:
                self.write(_event(error_body(fault.error_status, _status_message(fault))))
                break
            delay = self._delay_before(sent, reply, fault, rng)
            if delay > 0:
                await asyncio.sleep(delay)
            self.write(_event(chunk))
            if not await self._flush_quietly():
                return  # the client went away (a Stop): nothing more to send
        else:
            if fault.drop_after is not None and fault.drop_after >= len(reply.chunks):
                await self._flush_quietly()
                self.request.connection.stream.close()  # type: ignore[union-attr]
                return
        if not self.request.connection.stream.closed():  # type: ignore[union-attr]
            self.finish()

    def _delay_before(self, sent: int, reply: Reply, fault: Fault, rng: random.Random) -> float:
        """A fault's delay wins, then the recorded one (replays), then the server's pacing."""
        if sent == 0 and fault.first_chunk_delay is not None:
            return fault.first_chunk_delay
        if sent > 0 and fault.chunk_delay is not None:
            return fault.chunk_delay
        if reply.delays is not None and sent < len(reply.delays):
            return reply.delays[sent]
        return self.state.pacing.first_chunk if sent == 0 else self.state.pacing.gap(rng)

    async def _flush_quietly(self) -> bool:
        try:
            await self.flush()
        except tornado.iostream.StreamClosedError:
            return False
        return True


class NotFoundHandler(_GeminiHandler):
    def prepare(self) -> None:
        self._record(None, None, None)
        self.set_status(404)
        self._send_json(error_body(404, f"The requested URL {self.request.path} was not found."))


def make_app(state: ServerState) -> tornado.web.Application:
    args = {"state": state}
    return tornado.web.Application(
        [
            (rf"/{API_VERSIONS}/models/?", ModelListHandler, args),
            (rf"/{API_VERSIONS}/models/([^/:]+)", ModelHandler, args),
            (rf"/{API_VERSIONS}/models/([^/:]+):(\w+)", ActionHandler, args),
        ],
        default_handler_class=NotFoundHandler,
        default_handler_args=args,
        log_function=lambda handler: None,  # request lines would be noise in a notebook
    )


def _event(payload: Any) -> str:
    return f"data: {json.dumps(payload, separators=(',', ':'))}\r\n\r\n"


def _status_message(fault: Fault) -> str:
    return fault.message or {
        400: "Request contains an invalid argument.",
        403: "The caller does not have permission.",
        404: "Requested entity was not found.",
        429: "Resource has been exhausted (e.g. check quota).",
        500: "An internal error has occurred. Please retry or report in "
        "https://developers.generativeai.google/guide/troubleshooting",
        503: "The model is overloaded. Please try again later.",
    }.get(fault.status or fault.error_status, "The offline server injected this error.")


def _fault_error(fault: Fault) -> ApiError:
    status = fault.status or 500
    details: list[dict[str, Any]] = []
    if status == 429:
        details.append(
            {
                "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                "violations": [
                    {
                        "quotaMetric": "generativelanguage.googleapis.com/"
                        "generate_content_free_tier_requests",
                        "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                    }
                ],
            }
        )
    if fault.retry_after is not None or status == 429:
        seconds = fault.retry_after if fault.retry_after is not None else 1.0
        details.append(
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": f"{seconds:g}s"}
        )
    return ApiError(status, _status_message(fault), details=details)


def _count_tokens_body(request: ParsedRequest) -> dict[str, Any]:
    total = request.prompt_token_count()
    return {
        "totalTokens": total,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": total}],
    }


def _merge_reply(reply: Reply) -> dict[str, Any]:
    return merge_chunks(reply.chunks)


_SAFETY_CATEGORIES = (
    "HARM_CATEGORY_HATE_SPEECH",
    "HARM_CATEGORY_DANGEROUS_CONTENT",
    "HARM_CATEGORY_HARASSMENT",
    "HARM_CATEGORY_SEXUALLY_EXPLICIT",
)


def _safety_ratings(blocked_category: str | None) -> list[dict[str, Any]]:
    ratings = []
    for category in _SAFETY_CATEGORIES:
        rating: dict[str, Any] = {"category": category, "probability": "NEGLIGIBLE"}
        if category == blocked_category:
            rating.update(probability="HIGH", blocked=True)
        ratings.append(rating)
    return ratings


def _blocked_chunk(chunks: list[dict[str, Any]], reason: str) -> dict[str, Any]:
    usage = chunks[0].get("usageMetadata", {}) if chunks else {}
    prompt_tokens = usage.get("promptTokenCount", 0)
    return {
        "promptFeedback": {
            "blockReason": reason,
            "safetyRatings": _safety_ratings("HARM_CATEGORY_DANGEROUS_CONTENT"),
        },
        "usageMetadata": {"promptTokenCount": prompt_tokens, "totalTokenCount": prompt_tokens},
        "modelVersion": chunks[0].get("modelVersion") if chunks else None,
    }


def _finish_early(reply: Reply, reason: str, after: int | None) -> Reply:
    """Keep ``after`` chunks, then end as Gemini ends a SAFETY/RECITATION/... answer."""
    chunks = [copy.deepcopy(c) for c in reply.chunks]
    keep = len(chunks) // 2 if after is None else min(after, len(chunks))
    kept = chunks[:keep]
    last_usage = dict((kept[-1] if kept else chunks[-1]).get("usageMetadata", {}))
    prompt_tokens = last_usage.get("promptTokenCount", 0)
    thoughts = chunks[-1].get("usageMetadata", {}).get("thoughtsTokenCount", 0)
    last_usage["candidatesTokenCount"] = max(
        0, last_usage.get("totalTokenCount", 0) - prompt_tokens - thoughts
    )
    candidate: dict[str, Any] = {"finishReason": reason, "index": 0}
    if reason == "SAFETY":
        candidate["safetyRatings"] = _safety_ratings("HARM_CATEGORY_DANGEROUS_CONTENT")
    if reason == "RECITATION":
        candidate["citationMetadata"] = {
            "citationSources": [{"startIndex": 0, "endIndex": 120, "uri": "https://example.com"}]
        }
    final = {
        "candidates": [candidate],
        "usageMetadata": last_usage,
        "modelVersion": chunks[-1].get("modelVersion"),
        "responseId": chunks[-1].get("responseId"),
    }
    for chunk in kept:  # a chunk cut from the middle must not already say STOP
        for c in chunk.get("candidates", []):
            c.pop("finishReason", None)
    delays = reply.delays[: keep + 1] if reply.delays else None
    return Reply([*kept, final], delays)
