"""The offline server continues a cut-short answer when the request shows one, whatever the
wording: a model turn holding the start of an answer it wrote, then a user turn.

Only the server is tested here (the SDK's own types, no client code of this package), so
Continue is not tested against a server built to match the client.
"""

from __future__ import annotations

from google import genai
from google.genai import types

from gemini_widgets.offline import Fault, OfflineGemini, Pacing

PROMPT = "Explain binary search trees in 400 words"
SEED = types.GenerateContentConfig(seed=3)


def turns(partial: str | list[str], ask: str) -> list[types.Content]:
    pieces = [partial] if isinstance(partial, str) else partial
    return [
        types.UserContent(parts=[types.Part.from_text(text=PROMPT)]),
        *(types.ModelContent(parts=[types.Part.from_text(text=p)]) for p in pieces),
        types.UserContent(parts=[types.Part.from_text(text=ask)]),
    ]


def cut_answer(client: genai.Client, server: OfflineGemini, model: str) -> tuple[str, str]:
    """The whole answer, and the start of it a dropped stream delivered."""
    whole = client.models.generate_content(model=model, contents=PROMPT, config=SEED).text
    server.fail_next(Fault.drop(after=6))
    partial = ""
    try:
        for chunk in client.models.generate_content_stream(
            model=model, contents=PROMPT, config=SEED
        ):
            partial += chunk.text or ""
    except Exception:  # the transport's error for the dropped connection
        pass
    assert partial and whole.startswith(partial) and partial != whole
    return whole, partial


def test_any_wording_after_a_cut_answer_gets_exactly_the_rest(client, server, model):
    whole, partial = cut_answer(client, server, model)
    for ask in ("go on", "Bitte weiter.", "Continue exactly where you stopped."):
        rest = client.models.generate_content(model=model, contents=turns(partial, ask)).text
        assert partial + rest == whole


def test_an_answer_sent_back_as_one_turn_per_chunk_is_read_whole(client, server, model):
    whole, partial = cut_answer(client, server, model)
    pieces = [partial[:10], partial[10:25], partial[25:]]
    rest = client.models.generate_content(model=model, contents=turns(pieces, "more")).text
    assert partial + rest == whole


def test_a_whole_answer_or_one_never_written_is_answered_afresh(client, server, model):
    whole, partial = cut_answer(client, server, model)
    after_whole = client.models.generate_content(model=model, contents=turns(whole, "Thanks!"))
    assert not whole.endswith(after_whole.text)
    stranger = turns("Nothing the server wrote starts like this", "go on")
    reply = client.models.generate_content(model=model, contents=stranger).text
    assert reply and not partial.startswith(reply)


def test_continue_prompts_limit_what_asks_to_go_on(model):
    with OfflineGemini(pacing=Pacing.instant(), continue_prompts=[" Keep going. "]) as server:
        client = genai.Client(api_key="k", http_options=types.HttpOptions(base_url=server.base_url))
        whole, partial = cut_answer(client, server, model)
        asked = client.models.generate_content(model=model, contents=turns(partial, "Keep going."))
        assert partial + asked.text == whole
        other = client.models.generate_content(model=model, contents=turns(partial, "Why?"))
        assert partial + other.text != whole
