"""Answers for the ``urlContext`` tool: ``urlContextMetadata`` lists the prompt's URLs.

Gemini fetches each http(s) URL in the prompt and reports how that went
(``urlRetrievalStatus``). The offline server fetches **nothing**: it lists the URLs it finds,
says each was retrieved unless it could not have been (a loopback, private or dotless host,
which Gemini's fetcher cannot reach either), and writes about the addresses alone.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any
from urllib.parse import unquote, urlsplit

__all__ = ["url_context", "urls_in"]

_URL = re.compile(r"https?://[^\s<>\"'`()\[\]{}]+", re.IGNORECASE)
TOKENS_PER_PAGE = 600  # what a fetched page would have cost as tool input


def urls_in(text: str) -> list[str]:
    """The http(s) URLs in ``text``, in order, once each, without trailing punctuation."""
    return list(dict.fromkeys(m.group().rstrip(".,;:!?") for m in _URL.finditer(text)))


def url_context(urls: list[str]) -> tuple[str, dict[str, Any], int]:
    """The paragraph about the URLs (Markdown), the candidate's metadata, and the tool tokens."""
    statuses = [_status(url) for url in urls]
    lines = []
    for url, status in zip(urls, statuses, strict=True):
        parts = urlsplit(url)
        words = " ".join(w for w in re.split(r"[^A-Za-z0-9]+", unquote(parts.path)) if w)
        about = f"a page about *{words}*" if words else "the site's front page"
        if status != "URL_RETRIEVAL_STATUS_SUCCESS":
            about = "could not be retrieved"
        lines.append(f"- `{parts.netloc}`: {about}")
    text = (
        f"You linked {len(urls)} page{'s' if len(urls) != 1 else ''}:\n\n"
        + "\n".join(lines)
        + "\n\n_The offline demo server fetched none of them: it only read the addresses._"
    )
    metadata = {
        "urlContextMetadata": {
            "urlMetadata": [
                {"retrievedUrl": url, "urlRetrievalStatus": status}
                for url, status in zip(urls, statuses, strict=True)
            ]
        }
    }
    fetched = sum(s == "URL_RETRIEVAL_STATUS_SUCCESS" for s in statuses)
    return text, metadata, fetched * TOKENS_PER_PAGE


def _status(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # an unclosed [IPv6 literal
        return "URL_RETRIEVAL_STATUS_ERROR"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        reachable = "." in host and host != "localhost" and not host.endswith(".local")
    else:
        reachable = address.is_global
    return "URL_RETRIEVAL_STATUS_SUCCESS" if reachable else "URL_RETRIEVAL_STATUS_ERROR"
