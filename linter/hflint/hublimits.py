"""The Hub's limits, honoured by every request a scan sends: one global pace, shared pauses.

The Hub counts requests per 5-minute window in three buckets (Hub API, resolvers, pages;
https://huggingface.co/docs/hub/rate-limits) and answers 429 with ``Retry-After`` (and
``RateLimit`` headers) past them. hflint keeps a global cap on requests per second
(``--max-rps``) and, when one request is told to wait, every other request of the process
waits with it instead of spending the window's remaining budget on more 429s.

The pace applies at the HTTP client that huggingface_hub shares between its calls
(``get_session()``): its ``send`` is wrapped, so the listing pages HfApi requests itself, the
repository info and every range read count alike. Retries (429 and 5xx, with backoff and
``Retry-After``) are huggingface_hub's ``http_backoff``; the wrapper only paces and shares.

A ``Pace`` is anything with ``acquire()`` and ``hold(seconds)``: a ``Limiter`` in this
process, or, on a Ray cluster, a proxy to one actor that every worker shares
(hflint.ray_scan), so a cluster keeps the same cap as one machine.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

DEFAULT_MAX_RPS = 10.0
DEFAULT_RETRIES = 4
BASE_WAIT_SECONDS = 0.5  # backoff 0.5, 1, 2, 4 s (capped at 8) when no Retry-After is given
MAX_HOLD_SECONDS = 600.0  # a Retry-After from a hostile or broken server stalls no longer


class Pace(Protocol):
    def acquire(self) -> None: ...

    def hold(self, seconds: float) -> None: ...


class Limiter:
    """Requests spaced at least 1/rate apart across threads; ``hold`` delays every caller.

    A schedule, not a bucket: each caller takes the next free slot under a lock and sleeps
    outside it, so N threads share the rate instead of each getting it.
    """

    def __init__(self, rate: float | None, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = 1.0 / rate if rate else 0.0
        self._clock = clock
        self._lock = threading.Lock()
        self._next = 0.0
        self.requests = 0

    def slot(self) -> float:
        """Seconds the caller must wait before sending (the slot is taken)."""
        with self._lock:
            now = self._clock()
            at = max(now, self._next)
            self._next = at + self.interval
            self.requests += 1
            return at - now

    def acquire(self) -> None:
        wait = self.slot()
        if wait > 0:
            time.sleep(wait)

    def hold(self, seconds: float) -> None:
        with self._lock:
            self._next = max(self._next, self._clock() + min(max(seconds, 0.0), MAX_HOLD_SECONDS))


_pace: Pace = Limiter(DEFAULT_MAX_RPS)
_install_lock = threading.Lock()


def set_pace(pace: Pace) -> None:
    """Use ``pace`` for every request from now on (``--max-rps``, or a cluster-wide one)."""
    global _pace
    _pace = pace


def retry_after(headers: Any) -> float | None:
    """Seconds a 429/503 asks to wait: ``Retry-After`` (delay-seconds; RFC 9110 10.2.3) or
    the reset of the ``RateLimit`` header the Hub sends (``"api";r=0;t=55``)."""
    value = headers.get("Retry-After") if headers is not None else None
    if value is not None and str(value).strip().isdigit():
        return float(str(value).strip())
    limit = headers.get("RateLimit") if headers is not None else None
    if isinstance(limit, str):
        fields = dict(part.strip().partition("=")[::2] for part in limit.split(";"))
        reset = fields.get("t", "")
        if reset.isdigit() and fields.get("r", "").strip() == "0":
            return float(reset)
    return None


def _paced(send: Callable[..., Any]) -> Callable[..., Any]:
    def send_paced(*args: Any, **kwargs: Any) -> Any:
        _pace.acquire()
        response = send(*args, **kwargs)
        if getattr(response, "status_code", None) in (429, 503):
            wait = retry_after(getattr(response, "headers", None))
            if wait is not None:
                _pace.hold(wait)
        return response

    send_paced.hflint_paced = True  # type: ignore[attr-defined]
    return send_paced


def quiet_client_logs() -> None:
    """huggingface_hub logs every retry as a warning on stderr; a fleet scan reports what
    failed in its records and its summary instead (HFLINT_DEBUG keeps the logs)."""
    import logging
    import os

    # Its logging module sets the library logger's level when first imported: import it
    # first, so that the level set here is the one that stays.
    import huggingface_hub.utils.logging  # noqa: F401

    if not os.environ.get("HFLINT_DEBUG"):
        logging.getLogger("huggingface_hub").setLevel(logging.ERROR)


def session() -> Any:
    """huggingface_hub's shared HTTP client, paced (wrapped once per client instance:
    huggingface_hub makes a new one after a connection error or a fork)."""
    from huggingface_hub import get_session

    client = get_session()
    if not getattr(client.send, "hflint_paced", False):
        with _install_lock:
            if not getattr(client.send, "hflint_paced", False):
                client.send = _paced(client.send)  # type: ignore[method-assign]  # this client only
    return client
