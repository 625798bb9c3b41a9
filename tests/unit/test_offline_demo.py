"""The offline demo writer: answers a user would believe, of the length asked for."""

from __future__ import annotations

import base64
import random
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gemini_widgets.offline.demo import _FILLERS, DemoAnswer, write_demo_answer
from gemini_widgets.offline.wire import parse_generate_request


def ask(
    prompt: str | None,
    *,
    system: str | None = None,
    history: list[tuple[str, str]] = (),  # type: ignore[assignment]
    parts: list[dict[str, Any]] = (),  # type: ignore[assignment]
    seed: int = 7,
) -> DemoAnswer:
    """The answer to a request body shaped like the one the SDK sends."""
    contents: list[dict[str, Any]] = [
        {"role": role, "parts": [{"text": text}]} for role, text in history
    ]
    last = [{"text": prompt}] if prompt else []
    contents.append({"role": "user", "parts": [*last, *parts]})
    body: dict[str, Any] = {"contents": contents}
    if system:
        body["systemInstruction"] = {"parts": [{"text": system}]}
    request = parse_generate_request("gemini-2.5-flash", body)
    return write_demo_answer(request, random.Random(seed))


def word_count(text: str) -> int:
    return len(text.split())


@pytest.mark.parametrize(
    ("prompt", "wanted"),
    [
        ("Describe photosynthesis in 50 words.", 50),
        ("Write a 300-word essay about the history of the printing press.", 300),
        ("Explain how vaccines train the immune system in 1000 words", 1000),
        ("Write a 5,000-word report on renewable energy markets in Europe", 5000),
        ("a 30000-word report on the economics of container shipping", 30000),
    ],
)
def test_requested_word_count_is_met_within_15_percent(prompt: str, wanted: int) -> None:
    assert word_count(ask(prompt).text) == pytest.approx(wanted, rel=0.15)


@settings(max_examples=40, deadline=None)
@given(words=st.integers(min_value=30, max_value=3000), seed=st.integers(0, 10_000))
def test_any_requested_length_is_met_within_15_percent(words: int, seed: int) -> None:
    answer = ask(f"Tell me about coral reefs in {words} words", seed=seed)
    assert word_count(answer.text) == pytest.approx(words, rel=0.15)


@pytest.mark.parametrize("words", [30, 57, 300, 1000])
def test_requested_length_is_met_to_the_word(words: int) -> None:
    assert word_count(ask(f"Tell me about coral reefs in {words} words").text) == words


def test_fillers_have_the_word_counts_they_are_filed_under() -> None:
    assert [word_count(filler) for filler in _FILLERS] == list(range(len(_FILLERS)))


def test_same_seed_and_request_give_the_same_answer() -> None:
    first = ask("Explain how tides work", seed=42)
    again = ask("Explain how tides work", seed=42)
    assert first == again


def test_another_seed_gives_another_answer() -> None:
    texts = {ask("Explain how tides work", seed=seed).text for seed in range(5)}
    assert len(texts) == 5


@pytest.mark.parametrize("seed", range(12))
def test_default_answer_has_every_markdown_feature(seed: int) -> None:
    text = ask("Explain how a hash table handles collisions", seed=seed).text

    assert re.search(r"^# .*(Hash|Table|Collisions)", text, re.MULTILINE | re.IGNORECASE)
    assert re.search(r"^(- |1\. )\*\*", text, re.MULTILINE), "bulleted or numbered list"
    assert re.search(r"^\| .+ \|\n\| :?-{3}", text, re.MULTILINE), "GFM table"
    assert re.search(r"^```python\n.+?\n```$", text, re.MULTILINE | re.DOTALL)
    assert re.search(r"(?<!\$)\$[^$\n]+\$(?!\$)", text), "inline math"
    assert re.search(r"^\$\$\n.+\n\$\$$", text, re.MULTILINE), "display math"
    assert "hash table" in text.lower().split("```")[0]
    assert text.rstrip().endswith("_Written by the offline demo server; no model was called._")
    assert 150 <= word_count(text) <= 320


@pytest.mark.parametrize(
    ("prompt", "fence"),
    [
        ("How do I debounce a search box in JavaScript?", "javascript"),
        ("Give me a SQL query to find duplicate emails", "sql"),
        ("How do I rename many files from the bash shell?", "bash"),
        ("Show me error handling in Rust", "rust"),
        ("Explain list comprehensions", "python"),
    ],
)
def test_code_block_language_follows_the_prompt(prompt: str, fence: str) -> None:
    assert f"\n```{fence}\n" in ask(prompt).text


def test_no_code_request_leaves_the_code_block_out() -> None:
    assert "```" not in ask("Explain compound interest, no code please").text


def test_greeting_gets_a_short_friendly_answer() -> None:
    text = ask("hi").text
    assert text.startswith("Hello!")
    assert word_count(text) < 60


def test_brief_request_shrinks_the_answer() -> None:
    assert word_count(ask("Briefly, what is entropy in thermodynamics?").text) <= 90


def test_one_sentence_request_gets_one_sentence() -> None:
    text = ask("Summarize the French Revolution in one sentence").text.strip()
    assert len(re.findall(r"[.!?](\s|$)", text)) == 1
    assert "French Revolution" in text


def test_follow_up_names_the_earlier_topic() -> None:
    history = [("user", "Explain how tides work"), ("model", "# Tides\n\nThe moon pulls...")]
    text = ask("Tell me more", history=history).text
    assert "Following up on the tides we discussed" in text


def test_follow_up_with_a_new_question_names_both_topics() -> None:
    history = [
        ("user", "Write about the history of the printing press"),
        ("model", "# The Printing Press\n\nGutenberg..."),
    ]
    text = ask("How did movable type spread to other countries?", history=history).text
    assert "history of the printing press" in text
    assert "movable type" in text.lower()


def test_system_instruction_is_acknowledged_visibly() -> None:
    text = ask("Explain DNS caching", system="Cite no sources. Use plain words.").text
    assert "Cite no sources. Use plain words." in text.split("\n\n")[0]


def test_be_brief_instruction_shrinks_the_answer() -> None:
    assert word_count(ask("How do glaciers form?", system="Be brief.").text) <= 90


def test_inline_image_is_described_with_mime_type_and_size() -> None:
    data = base64.urlsafe_b64encode(b"\x89PNG" + bytes(5_116)).decode()
    text = ask(
        "What is in this picture?", parts=[{"inlineData": {"mimeType": "image/png", "data": data}}]
    ).text
    assert "image/png" in text
    assert "5,120 bytes (5.0 KB)" in text
    assert "cannot look inside" in text


def test_file_reference_is_described_with_uri_and_mime_type() -> None:
    part = {"fileData": {"fileUri": "gs://reports-bucket/q3.pdf", "mimeType": "application/pdf"}}
    text = ask("Summarize this report", parts=[part]).text
    assert "- A PDF by reference: `gs://reports-bucket/q3.pdf`" in text
    assert "application/pdf" in text


def test_attachment_without_text_still_gets_an_answer() -> None:
    data = base64.b64encode(bytes(300)).decode()
    text = ask(None, parts=[{"inline_data": {"mime_type": "audio/wav", "data": data}}]).text
    assert "audio/wav" in text
    assert "300 bytes" in text


def test_long_report_is_organised_in_numbered_sections() -> None:
    text = ask("Write a 10000-word report on urban beekeeping").text
    sections = re.findall(r"^## (\d+)\. ", text, re.MULTILINE)
    assert len(sections) >= 10
    assert [int(n) for n in sections] == list(range(1, len(sections) + 1))
    assert text.count("```") >= 2 * 3 and text.count("$$") >= 2 * 3


@pytest.mark.parametrize(
    "prompt", ["hi", "Explain transformers in machine learning", "a 2000-word essay on jazz"]
)
def test_answer_never_claims_to_be_gemini(prompt: str) -> None:
    assert "gemini" not in ask(prompt).text.lower()


def test_thoughts_summarise_the_plan_for_this_prompt() -> None:
    thoughts = ask("Explain how tides work in 400 words").thoughts
    assert "tides" in thoughts
    assert "400 words" in thoughts
    assert 20 <= word_count(thoughts) <= 120


@settings(max_examples=150, deadline=None)
@given(prompt=st.text(min_size=1, max_size=200), seed=st.integers(0, 2**32))
def test_any_prompt_gets_a_deterministic_non_empty_answer(prompt: str, seed: int) -> None:
    first = ask(prompt, seed=seed)
    assert first.text.strip()
    assert first.thoughts.strip()
    assert ask(prompt, seed=seed) == first


@given(st.text(max_size=40))
def test_every_prompt_draws_a_picture(prompt: str) -> None:
    # Five shapes (a hash byte says how many) once read past the hash's 32 bytes.
    from gemini_widgets.offline.png import picture_for

    png = picture_for(prompt, size=32)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png.endswith(b"IEND\xaeB`\x82")
