"""Plain response models that carry no operations: health and identity."""

from __future__ import annotations

from ._models import Model


class Health(Model):
    """The platform's health report."""

    status: str
    version: str

    @property
    def is_healthy(self) -> bool:
        """True when the platform reports itself healthy."""
        return self.status.lower() in {"ok", "healthy", "up", "pass", "green"}


class WhoAmI(Model):
    """The identity behind the API key in use."""

    user_id: str
