"""The scanner of the key-leak tests: counts the API key, and every ``WINDOW``-character
piece of it, in any artifact (a Jupyter message with its buffers, a saved notebook with its
widget buffers decoded, a file); and the fake key itself, recognisable and random per run."""

from __future__ import annotations

import base64
import json
import random
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

WINDOW = 12
"""Any run of this many characters of the key counts as a leak."""


def fake_key() -> str:
    """Shaped like a Gemini key (39 characters), recognisable, random per run; assembled here
    so no key-shaped literal sits in the repository."""
    pick = random.SystemRandom().choice
    alphanumeric = string.ascii_letters + string.digits
    # No '_' and no trailing '-': the offline demo writer, which echoes the control
    # prompt's key, reads '_' as emphasis and strips a final '-', which left the positive
    # control short of whole keys now and then (80 of 80 such keys echo whole).
    tail = "".join(pick(alphanumeric + "-") for _ in range(22)) + pick(alphanumeric)
    return "AI" + "za" + "Sy" + "LEAKCANARY" + tail


# ---- the scanner ---------------------------------------------------------------------------


@dataclass
class Finding:
    artifact: str
    needle: str
    context: str


@dataclass
class Scanner:
    """Counts the key, and every ``WINDOW``-character piece of it, case-insensitively."""

    secret: str
    artifacts: int = 0
    bytes: int = 0
    full_hits: int = 0
    fragment_hits: int = 0
    findings: list[Finding] = field(default_factory=list)
    kinds: dict[str, list[int]] = field(default_factory=dict)
    """Artifacts and bytes per kind (the artifact name up to its first ``[``, ``/`` or ``:``)."""

    def __post_init__(self) -> None:
        lowered = self.secret.lower()
        self._needles = sorted({lowered[i : i + WINDOW] for i in range(len(lowered) - WINDOW + 1)})

    def scan(self, name: str, data: str | bytes) -> int:
        """Scan one artifact; return how many key pieces it holds."""
        text = data.decode("latin-1") if isinstance(data, bytes | bytearray) else data
        self.artifacts += 1
        self.bytes += len(data)
        kind = re.split(r"[\[/:]", name, maxsplit=1)[0]
        counts = self.kinds.setdefault(kind, [0, 0])
        counts[0] += 1
        counts[1] += len(data)
        lowered = text.lower()
        self.full_hits += lowered.count(self.secret.lower())
        hits = 0
        for needle in self._needles:
            at = lowered.find(needle)
            while at != -1:
                hits += 1
                if len(self.findings) < 20:
                    self.findings.append(Finding(name, needle, text[max(0, at - 80) : at + 80]))
                at = lowered.find(needle, at + 1)
        self.fragment_hits += hits
        return hits

    def report(self) -> str:
        lines = [
            f"{self.artifacts} artifacts, {self.bytes:,} bytes scanned: "
            f"{self.full_hits} whole keys, {self.fragment_hits} {WINDOW}-char pieces"
        ]
        lines += [f"  {kind}: {n} ({size:,} bytes)" for kind, (n, size) in self.kinds.items()]
        lines += [f"  found in {f.artifact}: ...{f.context!r}..." for f in self.findings]
        return "\n".join(lines)


def message_parts(message: dict[str, Any]) -> Iterator[tuple[str, str | bytes]]:
    """A Jupyter message as JSON text, plus each binary buffer on its own."""
    buffers = message.get("buffers") or []
    frames = {k: message.get(k) for k in ("header", "parent_header", "metadata", "content")}
    yield "json", json.dumps(frames, default=str)
    for index, buffer in enumerate(buffers):
        yield f"buffer{index}", bytes(buffer)


def notebook_parts(path: Path) -> Iterator[tuple[str, str | bytes]]:
    """The saved file as written, plus every base64 widget buffer decoded."""
    yield path.name, path.read_bytes()
    nb = json.loads(path.read_text(encoding="utf-8"))
    widgets = nb.get("metadata", {}).get("widgets", {})
    state = widgets.get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    for model_id, model in state.items():
        for buffer in model.get("buffers", []):
            if buffer.get("encoding") == "base64":
                yield f"{path.name}:{model_id}:buffer", base64.b64decode(buffer["data"])


def files_under(root: Path) -> Iterator[tuple[str, bytes]]:
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        yield str(path.relative_to(root)), path.read_bytes()
