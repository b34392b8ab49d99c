"""The ``moderately`` logger, its MODERATELY_LOG switch, and redaction of secrets in URLs."""

from __future__ import annotations

import logging
import os
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ._constants import ENV_LOG

logger = logging.getLogger("moderately")

# Query keys that carry a credential in presigned storage URLs (S3 style, GCS style and the
# emulator's own); their values are replaced before a URL is logged or stored on an error.
_SECRET_QUERY = re.compile(
    r"(signature|sig|token|credential|security-token|key|x-amz-.*|x-goog-.*)", re.IGNORECASE
)
_REDACTED = "REDACTED"
_configured = False


def setup_logging() -> None:
    """Attach a stderr handler to the ``moderately`` logger when MODERATELY_LOG asks for it."""
    global _configured
    if _configured:
        return
    _configured = True
    level = os.environ.get(ENV_LOG, "").strip().upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        return
    logger.setLevel(level)
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)


def redact_url(url: str) -> str:
    """Return ``url`` with credentials in its query or userinfo replaced by a marker."""
    if "?" not in url and "@" not in url:
        return url
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{_REDACTED}@{netloc.rsplit('@', 1)[1]}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode(
            [(k, _REDACTED if _SECRET_QUERY.fullmatch(k) else v) for k, v in pairs], safe=":/"
        )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def describe_error(exc: BaseException, url: str, safe_url: str) -> str:
    """``exc``'s type and text, with ``url`` (which aiohttp may quote there) redacted."""
    return f"{type(exc).__name__}: {str(exc).replace(url, safe_url)}"
