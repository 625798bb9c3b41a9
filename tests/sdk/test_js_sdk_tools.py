"""The official JS SDK (``@google/genai``) reads a grounded answer from the offline server:
``node tests/sdk/js_client/grounded.mjs`` streams it and checks each support's UTF-8 byte
offsets in JavaScript, where string indices are UTF-16 units and an emoji takes two."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

CLIENT_DIR = Path(__file__).parent / "js_client"
NODE = shutil.which("node")

if NODE is None:
    pytest.skip("node is not installed: the JS SDK tests need Node.js", allow_module_level=True)
if not (CLIENT_DIR / "node_modules" / "@google" / "genai").is_dir():
    pytest.skip(
        f"{CLIENT_DIR}/node_modules is missing: run scripts/setup (npm ci in that folder)",
        allow_module_level=True,
    )


def test_js_sdk_reads_grounding_metadata_and_its_byte_offsets(server):
    prompt = "What do reviews say about the Kyoto café 🍵 東京タワー?"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GEMINI_", "GOOGLE_"))}
    done = subprocess.run(
        [NODE or "node", "grounded.mjs", "--base-url", server.base_url, "--prompt", prompt],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=CLIENT_DIR,
    )
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert events[-1] == {"event": "done"}, events[-3:]
    chunks = [e for e in events if e["event"] == "chunk"]
    assert [bool(c["groundingMetadata"]) for c in chunks] == [False] * (len(chunks) - 1) + [True]
    grounding = chunks[-1]["groundingMetadata"]
    assert grounding["webSearchQueries"]
    assert grounding["searchEntryPoint"]["renderedContent"].startswith("<style>")
    assert all(c["web"]["title"].endswith(".example") for c in grounding["groundingChunks"])
    [segments] = [e for e in events if e["event"] == "segments"]
    assert segments["checked"] == len(grounding["groundingSupports"]) > 0
    assert segments["mismatches"] == []
    assert chunks[-1]["usageMetadata"]["toolUsePromptTokenCount"] > 0
    text = "".join(c["text"] or "" for c in chunks)
    assert "🍵 東京タワー" in text
