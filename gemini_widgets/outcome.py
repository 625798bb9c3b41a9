"""How a finished stream is summed up for the user: a status word and a notice sentence."""

from __future__ import annotations

from .stream import StreamState

__all__ = ["final_status", "notice_for"]

_NOTICES = {
    "MAX_TOKENS": "The answer reached max_output_tokens and was cut off.",
    "SAFETY": "Gemini stopped the answer for safety reasons.",
    "RECITATION": "Gemini stopped the answer because it resembled existing content too closely.",
    "LANGUAGE": "Gemini stopped: the language is not supported.",
    "BLOCKLIST": "Gemini stopped: the answer contained blocked terms.",
    "PROHIBITED_CONTENT": "Gemini stopped: the answer may contain prohibited content.",
    "SPII": "Gemini stopped: the answer may contain sensitive personal information.",
    "MALFORMED_FUNCTION_CALL": "Gemini produced a malformed function call.",
    "OTHER": "Gemini stopped the answer for an unspecified reason.",
}


def final_status(state: StreamState) -> str:
    """``error``, ``stopped``, ``blocked`` or ``done``."""
    if state.error is not None:
        return "error"
    if state.stopped:
        return "stopped"
    if state.block_reason is not None:
        return "blocked"
    return "done"


def notice_for(state: StreamState) -> str:
    """One sentence for a blocked prompt, a stop, a finish other than STOP, or a JSON answer
    that does not parse; else ''."""
    if state.block_reason is not None:
        reason = getattr(state.block_reason, "value", str(state.block_reason))
        detail = f" {state.block_message}" if state.block_message else ""
        return f"The prompt was blocked ({reason}).{detail}"
    if state.stopped:
        return "Stopped; the partial answer is kept."
    reason = getattr(state.finish_reason, "value", None)
    if reason and reason != "STOP":
        return _NOTICES.get(reason, f"Gemini finished with {reason}.")
    return state.parse_error or ""
