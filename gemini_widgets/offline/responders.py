"""Who answers a request: scripted fixtures first, then recorded replays, then the demo writer.

A responder returns a :class:`Reply` (the chunk sequence as REST JSON, and optionally the
recorded pause before each chunk) or ``None`` to let the next responder answer.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .catalogue import OfflineModel
from .chunking import Answer, apply_config, build_chunks, split_into_pieces
from .code_runner import CodeLimits
from .demo import write_demo_answer
from .schema_answer import answer_for_schema
from .tool_answers import tool_answer
from .wire import ParsedRequest

__all__ = ["DemoResponder", "Reply", "Script", "ScriptedResponder", "reply_for_answers"]


@dataclass
class Reply:
    """The chunks of one answer, as the JSON objects the REST API streams."""

    chunks: list[dict[str, Any]]
    delays: list[float] | None = None
    """Recorded seconds before each chunk (replays); ``None`` uses the server's pacing."""
    whole_text: str | None = None
    """The first candidate's text before ``max_output_tokens`` or a stop sequence cut it
    (``None``: the chunks hold all of it), so a request to continue gets the rest."""


def _include_thoughts(request: ParsedRequest, model: OfflineModel) -> tuple[bool, bool]:
    """(the model thinks for this request, the thoughts are sent) as Gemini decides them."""
    thinking = request.config.thinking_config
    thinks = model.thinks and not (thinking and thinking.thinking_budget == 0)
    shown = thinks and bool(thinking and thinking.include_thoughts)
    return thinks, shown


def reply_for_answers(
    request: ParsedRequest, model: OfflineModel, answers: list[Answer], *, include_thoughts: bool
) -> Reply:
    """The chunks of ``answers`` (one per candidate), cut as the generation config says."""
    chunks = build_chunks(
        request,
        [apply_config(answer, request.config) for answer in answers],
        model_version=model.name,
        include_thoughts=include_thoughts,
    )
    return Reply(chunks, whole_text=answers[0].text)


@dataclass
class DemoResponder:
    """Writes a believable Markdown answer about the prompt (see ``demo.py``), or the answer
    of the tool the request asks for (``tool_answers.py``)."""

    code_limits: CodeLimits = field(default_factory=CodeLimits)

    async def respond(
        self, request: ParsedRequest, model: OfflineModel, rng: random.Random
    ) -> Reply:
        thinks, shown = _include_thoughts(request, model)
        answers = []
        for _ in range(request.config.candidate_count or 1):
            limits = self.code_limits
            if tooled := await tool_answer(request, model, rng, thinks=thinks, limits=limits):
                answers.append(tooled)
                continue
            mime = request.config.response_mime_type
            if mime in ("application/json", "text/x.enum"):
                schema = request.config.response_json_schema or request.config.response_schema
                value = answer_for_schema(schema, rng, request.prompt_text)
                # An enum answer is the bare value, as Gemini sends it for text/x.enum.
                is_enum = mime == "text/x.enum" and isinstance(value, str)
                text = value if is_enum else json.dumps(value, indent=2)
                thoughts = "Reading the schema and filling each field from the prompt."
            else:
                demo = write_demo_answer(request, rng, model.pace.length)
                text, thoughts = demo.text, demo.thoughts
            answer = Answer(
                pieces=split_into_pieces(text, rng),
                thoughts=split_into_pieces(thoughts, rng, (6, 14)) if thinks else [],
            )
            answers.append(answer)
        return reply_for_answers(request, model, answers, include_thoughts=shown)


PromptMatch = str | re.Pattern[str] | Callable[[ParsedRequest], bool] | None


@dataclass
class Script:
    """A fixed answer for a given prompt: exactly these chunks, in this order.

    ``match`` is the whole prompt (compared without surrounding space), a compiled regular
    expression searched in it, a callable on the request, or ``None`` for any prompt.
    """

    chunks: list[str]
    match: PromptMatch = None
    thoughts: list[str] = field(default_factory=list)
    finish_reason: str = "STOP"

    def matches(self, request: ParsedRequest) -> bool:
        if self.match is None:
            return True
        if isinstance(self.match, str):
            return request.prompt_text.strip() == self.match.strip()
        if isinstance(self.match, re.Pattern):
            return self.match.search(request.prompt_text) is not None
        return bool(self.match(request))


@dataclass
class ScriptedResponder:
    """Deterministic fixtures for tests and notebooks; the first matching script answers."""

    scripts: list[Script] = field(default_factory=list)

    def add(self, script: Script) -> None:
        self.scripts.append(script)

    def clear(self) -> None:
        self.scripts.clear()

    def respond(
        self, request: ParsedRequest, model: OfflineModel, rng: random.Random
    ) -> Reply | None:
        for script in self.scripts:
            if script.matches(request):
                _, shown = _include_thoughts(request, model)
                answer = Answer(list(script.chunks), list(script.thoughts), script.finish_reason)
                return reply_for_answers(request, model, [answer], include_thoughts=shown)
        return None

    @classmethod
    def from_file(cls, path: str | Path) -> ScriptedResponder:
        """Load fixtures: ``{"scripts": [{"prompt" | "pattern": ..., "chunks": [...]}]}``."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        scripts = []
        for entry in data.get("scripts", []):
            match: PromptMatch = entry.get("prompt")
            if "pattern" in entry:
                match = re.compile(entry["pattern"])
            thoughts = list(entry.get("thoughts", []))
            finish = entry.get("finish_reason", "STOP")
            scripts.append(Script(list(entry["chunks"]), match, thoughts, finish))
        return cls(scripts)
