"""HTTP access to the Grafana Cloud API (Bearer) and the billing Prometheus endpoint (Basic).

Every request has a timeout. 429 (honouring a `Retry-After` in seconds), 5xx and connection
errors are retried a bounded number of times with exponential back-off (tenacity). 401/403 stop
with a message naming the scopes the token needs. A Prometheus error body
(`{"status":"error","errorType":...,"error":...}`) is reported with its errorType and error.

The token is never part of a message: httpx errors are caught and re-raised as ExtractError with
a message of our own (method, URL without credentials, reason), `from None`, so that neither the
request headers nor the chained exception reach a traceback or a log line.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Callable

import httpx
import tenacity

log = logging.getLogger("grafana_cloud_costs.extract")

SCOPES = "billing-metrics:read, orgs:read and stacks:read"


class ExtractError(Exception):
    """An error reported to the user as is (never contains the token)."""


class AuthError(ExtractError):
    pass


class PrometheusError(ExtractError):
    def __init__(self, message: str, error_type: str, error: str) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.error = error


class _Retryable(Exception):
    """A response or transport error worth another try (429, 5xx, connection error)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 5
    backoff: float = 1.0  # seconds before the first retry, doubled each time
    max_backoff: float = 60.0  # cap of one wait, also of a Retry-After


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: fall back to the exponential back-off


class Client:
    """One org's access: Bearer for the API, Basic (org id, token) for Prometheus."""

    def __init__(
        self,
        *,
        org_slug: str,
        token: str,
        token_env: str,
        api_url: str,
        prom_url: str,
        timeout: float,
        retry: RetryPolicy,
        on_request: Callable[[], None] | None = None,
    ) -> None:
        self.org_slug = org_slug
        self.token_env = token_env
        self.api_url = api_url.rstrip("/")
        self.prom_url = prom_url.rstrip("/")
        self.retry = retry
        self.org_id: str | None = None
        self._token = token
        self._on_request = on_request
        self._http = httpx.Client(timeout=timeout, follow_redirects=False)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:  # never the token
        return f"Client(org_slug={self.org_slug!r})"

    # -- public calls ---------------------------------------------------------------------------

    def api_get(self, path: str, params: dict[str, Any] | None = None) -> httpx.Response:
        """GET {api}{path} with Bearer; path may also be an absolute URL (a next-page link)."""
        url = path if path.startswith(("http://", "https://")) else f"{self.api_url}{path}"
        return self._get(url, params, {"Authorization": f"Bearer {self._token}"}, "Grafana Cloud API")

    def api_get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        response = self.api_get(path, params)
        try:
            return response.json()
        except ValueError:
            raise ExtractError(f"GET {describe(response.request.url)}: the answer is not JSON") from None

    def prom_query_range(self, query: str, start: int, end: int, step: int) -> list[dict[str, Any]]:
        """The matrix of one query_range call (start and end inclusive, unix seconds)."""
        if self.org_id is None:
            raise ExtractError("internal: the org id (the Prometheus user) is not known yet")
        params = {"query": query, "start": str(start), "end": str(end), "step": f"{step}s"}
        basic = httpx.BasicAuth(self.org_id, self._token)
        response = self._get(
            f"{self.prom_url}/api/v1/query_range", params, None, "billing Prometheus", auth=basic
        )
        body = _json_or_none(response)
        if not isinstance(body, dict) or body.get("status") != "success":
            raise ExtractError(f"query_range {query!r}: unexpected answer (HTTP {response.status_code})")
        data = body.get("data") or {}
        if data.get("resultType") != "matrix":
            raise ExtractError(f"query_range {query!r}: resultType {data.get('resultType')!r}, expected matrix")
        return list(data.get("result") or [])

    # -- the request loop -----------------------------------------------------------------------

    def _get(
        self,
        url: str,
        params: dict[str, Any] | None,
        headers: dict[str, str] | None,
        service: str,
        auth: httpx.Auth | None = None,
    ) -> httpx.Response:
        policy = self.retry

        def wait(state: tenacity.RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            if isinstance(exc, _Retryable) and exc.retry_after is not None:
                return min(exc.retry_after, policy.max_backoff)
            return min(policy.backoff * 2 ** (state.attempt_number - 1), policy.max_backoff)

        def before_sleep(state: tenacity.RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            log.warning("%s; retry %d of %d in %.2f s", exc, state.attempt_number, policy.max_retries,
                        state.next_action.sleep if state.next_action else 0.0)

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(_Retryable),
            stop=tenacity.stop_after_attempt(policy.max_retries + 1),
            wait=wait,
            before_sleep=before_sleep,
            reraise=True,
        )
        try:
            return retrying(self._once, url, params, headers, service, auth)
        except _Retryable as exc:
            raise ExtractError(f"{exc} (gave up after {policy.max_retries} retries)") from None

    def _once(
        self,
        url: str,
        params: dict[str, Any] | None,
        headers: dict[str, str] | None,
        service: str,
        auth: httpx.Auth | None,
    ) -> httpx.Response:
        shown = describe(httpx.URL(url, params=params))
        if self._on_request:
            self._on_request()
        log.debug("GET %s", shown)
        try:
            response = self._http.get(url, params=params, headers=headers, auth=auth)
        except httpx.TimeoutException as exc:
            raise _Retryable(f"GET {shown}: timed out ({type(exc).__name__})") from None
        except httpx.TransportError as exc:
            raise _Retryable(f"GET {shown}: connection error ({type(exc).__name__})") from None
        except httpx.HTTPError as exc:
            raise ExtractError(f"GET {shown}: {type(exc).__name__}") from None
        status = response.status_code
        if status in (401, 403):
            raise AuthError(
                f"{service} answered HTTP {status} to GET {shown} for the organization {self.org_slug!r}:"
                f" the token (from ${self.token_env}) was refused. It must be a cloud access policy token"
                f" of the organization {self.org_slug!r} with the scopes {SCOPES}."
            )
        prom_error = _prometheus_error(response)
        if status == 429:
            raise _Retryable(f"GET {shown}: HTTP 429 Too Many Requests",
                             _retry_after_seconds(response.headers.get("Retry-After")))
        if status >= 500:
            detail = f" ({prom_error[0]}: {prom_error[1]})" if prom_error else ""
            raise _Retryable(f"GET {shown}: HTTP {status}{detail}",
                             _retry_after_seconds(response.headers.get("Retry-After")))
        if prom_error:
            error_type, error = prom_error
            raise PrometheusError(
                f"Prometheus error for GET {shown} (HTTP {status}): errorType {error_type!r}: {error}",
                error_type, error,
            )
        if status >= 400:
            raise HttpStatusError(f"GET {shown}: HTTP {status}", status)
        return response


class HttpStatusError(ExtractError):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def describe(url: httpx.URL | str) -> str:
    """A URL fit for a message: no user info (the URL never holds the token anyway)."""
    url = httpx.URL(str(url))
    if url.userinfo:
        url = url.copy_with(username=None, password=None)
    return str(url)


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content)
    except ValueError:
        return None


def _prometheus_error(response: httpx.Response) -> tuple[str, str] | None:
    body = _json_or_none(response)
    if isinstance(body, dict) and body.get("status") == "error":
        return str(body.get("errorType", "")), str(body.get("error", ""))
    return None
