"""The models the offline server knows, described as ``GET /models`` describes Gemini's, and
how each answers: its pace and its length (``ModelPace``), so a compare of models shows
differences people expect (pro slower and longer, flash-lite fastest)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["FLASH_PACE", "MODELS", "ModelPace", "OfflineModel", "find_model"]


@dataclass(frozen=True)
class ModelPace:
    """How one model answers beside the others, as factors of the server's ``Pacing`` and of
    the demo writer's length (1: gemini-2.5-flash). A length the prompt asks for ("300
    words") is met by every model; only the unasked length follows ``length``."""

    first_chunk: float = 1.0
    """Times the pacing's wait before the first chunk (thinking models wait longer)."""
    between: float = 1.0
    """Times the pacing's gap between chunks (a larger model streams fewer tokens/s)."""
    length: float = 1.0
    """Times the demo answer's word count when the prompt names none."""


FLASH_PACE = ModelPace()


@dataclass(frozen=True)
class OfflineModel:
    name: str
    display_name: str
    thinks: bool
    input_token_limit: int = 1_048_576
    output_token_limit: int = 65_536
    makes_images: bool = False  # answers with an image part whatever responseModalities say
    pace: ModelPace = FLASH_PACE

    def resource(self) -> dict[str, Any]:
        """The JSON a ``GET /{version}/models/{name}`` answers with."""
        return {
            "name": f"models/{self.name}",
            "version": "offline",
            "displayName": f"{self.display_name} (offline demo)",
            "description": (
                "Served by gemini-widgets' offline server: answers are written locally, "
                "no model is called."
            ),
            "inputTokenLimit": self.input_token_limit,
            "outputTokenLimit": self.output_token_limit,
            "supportedGenerationMethods": [
                "generateContent",
                "streamGenerateContent",
                "countTokens",
            ],
            "temperature": 1.0,
            "maxTemperature": 2.0,
            "topP": 0.95,
            "topK": 64,
            "thinking": self.thinks,
        }


# Paces in the proportions Gemini's models show (time to first token, output tokens/s,
# length of an unprompted answer): pro thinks longer, streams slower and writes more;
# flash-lite is quickest and tersest. Believable, not measured to the millisecond.
MODELS: tuple[OfflineModel, ...] = (
    OfflineModel("gemini-2.5-flash", "Gemini 2.5 Flash", thinks=True),
    OfflineModel("gemini-2.5-pro", "Gemini 2.5 Pro", thinks=True, pace=ModelPace(3.0, 1.8, 1.6)),
    OfflineModel(
        "gemini-2.5-flash-lite",
        "Gemini 2.5 Flash-Lite",
        thinks=True,
        pace=ModelPace(0.5, 0.55, 0.7),
    ),
    OfflineModel(
        "gemini-3-flash-preview",
        "Gemini 3 Flash Preview",
        thinks=True,
        pace=ModelPace(1.3, 0.9, 1.15),
    ),
    OfflineModel(
        "gemini-3-pro-preview", "Gemini 3 Pro Preview", thinks=True, pace=ModelPace(3.5, 1.6, 1.8)
    ),
    OfflineModel(
        "gemini-2.0-flash",
        "Gemini 2.0 Flash",
        thinks=False,
        output_token_limit=8192,
        pace=ModelPace(0.6, 0.8, 0.85),
    ),
    OfflineModel(
        "gemini-2.0-flash-lite",
        "Gemini 2.0 Flash-Lite",
        thinks=False,
        output_token_limit=8192,
        pace=ModelPace(0.4, 0.5, 0.65),
    ),
    OfflineModel(
        "gemini-2.5-flash-image",
        "Nano Banana (Gemini 2.5 Flash Image)",
        thinks=False,
        input_token_limit=32_768,
        output_token_limit=32_768,
        makes_images=True,
    ),
)

_BY_NAME = {m.name: m for m in MODELS}


def find_model(name: str) -> OfflineModel | None:
    """The model for a path segment such as ``gemini-2.5-flash`` or ``models/gemini-2.5-flash``."""
    return _BY_NAME.get(name.removeprefix("models/"))
