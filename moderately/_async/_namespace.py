"""The base of the ``client.<resource>`` namespaces."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._client import AsyncModeratelyAI


class AsyncNamespace:
    """Operations on one platform collection, bound to a client."""

    __slots__ = ("_client",)

    def __init__(self, client: AsyncModeratelyAI) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"
