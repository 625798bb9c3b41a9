"""The official JS SDK (``@google/genai``) reads a grounded answer from the offline server:
``node tests/sdk/js_client/grounded.mjs`` streams it and checks each support's UTF-8 byte
offsets in JavaScript, where string indices are UTF-16 units and an emoji takes two."""

from __future__ import annotations

from node_client import run_node_client, skip_without_the_js_sdk

skip_without_the_js_sdk()


def test_js_sdk_reads_grounding_metadata_and_its_byte_offsets(server):
    prompt = "What do reviews say about the Kyoto café 🍵 東京タワー?"
    events = run_node_client("grounded.mjs", "--base-url", server.base_url, "--prompt", prompt)
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
