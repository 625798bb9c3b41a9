"""The models the offline server knows, described as ``GET /models`` describes Gemini's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["MODELS", "OfflineModel", "find_model"]


@dataclass(frozen=True)
class OfflineModel:
    name: str
    display_name: str
    thinks: bool
    input_token_limit: int = 1_048_576
    output_token_limit: int = 65_536
    makes_images: bool = False  # answers with an image part whatever responseModalities say

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


MODELS: tuple[OfflineModel, ...] = (
    OfflineModel("gemini-2.5-flash", "Gemini 2.5 Flash", thinks=True),
    OfflineModel("gemini-2.5-pro", "Gemini 2.5 Pro", thinks=True),
    OfflineModel("gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite", thinks=True),
    OfflineModel("gemini-3-flash-preview", "Gemini 3 Flash Preview", thinks=True),
    OfflineModel("gemini-3-pro-preview", "Gemini 3 Pro Preview", thinks=True),
    OfflineModel("gemini-2.0-flash", "Gemini 2.0 Flash", thinks=False, output_token_limit=8192),
    OfflineModel(
        "gemini-2.0-flash-lite", "Gemini 2.0 Flash-Lite", thinks=False, output_token_limit=8192
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
