"""TLS certificate verification: on by default, a custom CA or context on request, off only loudly.

``verify`` (a client option) is one of:

* ``True`` (default): the system's trusted CAs verify the platform's certificate and host name;
* a path to a PEM file or folder of CA certificates (a private or corporate CA);
* an ``ssl.SSLContext`` the caller built (client certificates, pinned CAs, ...);
* ``False``: no verification. Anyone on the network path could then read the API key, so this
  is never done silently: a warning is logged on the ``moderately`` logger each time a client
  is made so.
"""

from __future__ import annotations

import os
import ssl
from pathlib import Path

from ._errors import ConfigurationError
from ._logging import logger

Verify = bool | str | os.PathLike[str] | ssl.SSLContext
"""What the ``verify`` client option accepts."""

INSECURE_WARNING = (
    "TLS certificate verification is OFF for this moderately client (verify=False): the API "
    "key can be read by anyone able to intercept its connections. Pass verify='/path/to/ca.pem' "
    "to trust a private CA instead."
)


def ssl_option(verify: object) -> ssl.SSLContext | bool:
    """What aiohttp's connector takes as ``ssl=`` for the ``verify`` client option."""
    if verify is True:
        return True
    if verify is False:
        logger.warning(INSECURE_WARNING)
        return False
    if isinstance(verify, ssl.SSLContext):
        return verify
    if isinstance(verify, str | os.PathLike):
        where = Path(verify)
        if not where.exists():
            raise ConfigurationError(f"verify: no CA file or folder at {where}")
        try:
            if where.is_dir():
                return ssl.create_default_context(capath=str(where))
            return ssl.create_default_context(cafile=str(where))
        except (ssl.SSLError, OSError) as exc:
            raise ConfigurationError(
                f"verify: cannot load CA certificates from {where}: {exc}"
            ) from exc
    raise ConfigurationError(
        "verify must be True, False, a path to CA certificates or an ssl.SSLContext; "
        f"got {type(verify).__name__}"
    )
