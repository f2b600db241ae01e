"""Purging the edge caches in front of Vetted (our Varnish, Cloudflare, CloudFront, Fastly) after
a publication or a withdrawal, by surrogate key where the cache has keys and by path where not.

Configured like Wagtail's frontend cache (`wagtail.contrib.frontend_cache`): VETTED_EDGE_CACHES
names each cache, its BACKEND (a class here, or any class taking the same keyword arguments) and
its options, whose names are the class's fields in capitals. Unlike Wagtail, a purge that fails
is raised rather than logged: the publication log records it and the worker tries again, so no
withdrawn page lingers at the edge unnoticed.

Every page Django lets the edge keep names what it shows in its Surrogate-Key header
(`article-<id> edition-<id> role-<slug> audience-<lay|professional> pages`; a withdrawn article's
410 page `article-<id> gone pages`), so purging `article-<id>` drops all of an article's copies.
"""

import http.client
import json
import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import batched
from typing import Any, Literal, Protocol
from urllib.error import HTTPError
from urllib.parse import urljoin
from urllib.request import HTTPRedirectHandler, Request, build_opener

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

# A purge runs in a worker that retries; waiting long on one cache only delays the others.
TIMEOUT_SECONDS = 5.0


class EdgePurgeError(Exception):
    """A purge that did not reach one or more edge caches (named in `caches`): the caller records
    it and tries again later. Purging is idempotent, so trying a cache again is always safe."""

    def __init__(self, message: str, *, caches: Sequence[str]) -> None:
        super().__init__(message)
        self.caches = tuple(caches)


class Purger(Protocol):
    name: str

    def purge(self, *, keys: Sequence[str], paths: Sequence[str]) -> None:
        """Drop every cached page carrying one of `keys` or served at one of `paths` (site
        relative: `/articles/<slug>/`), or raise EdgePurgeError."""
        ...


def purgers() -> list[Purger]:
    """The edge caches configured in VETTED_EDGE_CACHES, in their order there."""
    return [_build(name, options) for name, options in settings.VETTED_EDGE_CACHES.items()]


def purge_everywhere(
    *, keys: Sequence[str], paths: Sequence[str], only: Collection[str] | None = None
) -> None:
    """Purge every edge cache (or those named in `only`, to retry the ones that failed), going on
    past a failure: the caches that were purged stay purged, and one EdgePurgeError names all
    that were not."""
    failures: list[EdgePurgeError] = []
    for purger in purgers():
        if only is not None and purger.name not in only:
            continue
        try:
            purger.purge(keys=keys, paths=paths)
        except EdgePurgeError as error:
            failures.append(error)
    if failures:
        raise EdgePurgeError(
            "; ".join(str(error) for error in failures),
            caches=[name for error in failures for name in error.caches],
        )


def _build(name: str, options: Mapping[str, Any]) -> Purger:
    """One VETTED_EDGE_CACHES entry as its purger. A misspelt or missing option is
    ImproperlyConfigured, not an EdgePurgeError: trying again would not help."""
    given = {key.lower(): value for key, value in options.items() if key != "BACKEND"}
    try:
        backend = import_string(options["BACKEND"])
        return backend(name=name, **given)
    except (KeyError, ImportError, TypeError, ValueError) as error:
        raise ImproperlyConfigured(f"VETTED_EDGE_CACHES[{name!r}]: {error}") from error


def _unique(items: Iterable[str]) -> list[str]:
    """Each key or path once, in order; an empty one names nothing."""
    return list(dict.fromkeys(item for item in items if item))


@dataclass(frozen=True, kw_only=True)
class VarnishPurger:
    """Our Varnish with deploy/varnish.vcl: a PURGE request listing the keys in its xkey-purge
    header, which the xkey vmod hard-purges. Paths are not needed: every page Varnish keeps
    carries the keys that name it. One entry per Varnish server."""

    name: str
    location: str  # the address Varnish listens on, e.g. http://127.0.0.1:6081
    keys_per_request: int = 100  # well inside Varnish's 8 KB limit on a request header
    timeout: float = TIMEOUT_SECONDS

    def purge(self, *, keys: Sequence[str], paths: Sequence[str]) -> None:
        for batch in batched(_unique(keys), self.keys_per_request):
            request = Request(
                urljoin(self.location, "/"), method="PURGE", headers={"xkey-purge": " ".join(batch)}
            )
            _send(request, cache=self.name, timeout=self.timeout)


@dataclass(frozen=True, kw_only=True)
class CloudflarePurger:
    """Cloudflare's purge_cache API, with an API token. By cache tag (Cloudflare reads a page's
    tags from its Cache-Tag response header, not from Surrogate-Key); with purge_by="files", by
    the pages' URLs instead (base_url + path)."""

    name: str
    zone_id: str
    api_token: str = field(repr=False)
    purge_by: Literal["tags", "files"] = "tags"
    base_url: str = ""  # the site's address, for purge_by="files": https://vetted.example.org
    api_url: str = "https://api.cloudflare.com/client/v4"
    # Cloudflare's smallest limit on tags (and on URLs) in one call, on any plan.
    per_request: int = 30
    timeout: float = TIMEOUT_SECONDS

    def __post_init__(self) -> None:
        if self.purge_by not in ("tags", "files"):
            raise ValueError(f"purge_by is 'tags' or 'files', not {self.purge_by!r}")
        if self.purge_by == "files" and not self.base_url:
            raise ValueError("purge_by='files' needs base_url, the site's address")

    def purge(self, *, keys: Sequence[str], paths: Sequence[str]) -> None:
        if self.purge_by == "tags":
            items = _unique(keys)
        else:
            items = [urljoin(self.base_url, path) for path in _unique(paths)]
        for batch in batched(items, self.per_request):
            self._purge_cache({self.purge_by: list(batch)})

    def _purge_cache(self, body: dict[str, list[str]]) -> None:
        request = Request(
            f"{self.api_url.rstrip('/')}/zones/{self.zone_id}/purge_cache",
            method="POST",
            data=json.dumps(body).encode(),
            headers={
                "Authorization": f"Bearer {self.api_token}",
                "Content-Type": "application/json",
            },
        )
        answer = _send(request, cache=self.name, timeout=self.timeout)
        try:
            succeeded = json.loads(answer)["success"] is True
        except (ValueError, KeyError, TypeError):
            succeeded = False
        if not succeeded:
            raise EdgePurgeError(
                f"{self.name}: {request.full_url} answered without success: {answer[:300]!r}",
                caches=[self.name],
            )


@dataclass(frozen=True, kw_only=True)
class CloudFrontPurger:
    """Amazon CloudFront, which has no tags: an invalidation of the given paths, through boto3
    (credentials from its usual chain unless given here). A path may end in `*` to cover every
    address under it, such as the per-role ones."""

    name: str
    distribution_id: str
    endpoint_url: str | None = None  # boto3's default (Amazon's API) unless set
    aws_access_key_id: str | None = None
    aws_secret_access_key: str | None = field(default=None, repr=False)
    aws_session_token: str | None = field(default=None, repr=False)
    # CloudFront takes at most 3 000 paths in one invalidation.
    paths_per_invalidation: int = 3000
    timeout: float = TIMEOUT_SECONDS

    @cached_property
    def client(self) -> Any:
        import boto3  # only deployments that use CloudFront pay for importing it
        from botocore.config import Config

        return boto3.client(
            "cloudfront",
            region_name="us-east-1",  # CloudFront's API lives there, whatever the region
            endpoint_url=self.endpoint_url or None,
            aws_access_key_id=self.aws_access_key_id,
            aws_secret_access_key=self.aws_secret_access_key,
            aws_session_token=self.aws_session_token,
            config=Config(
                connect_timeout=self.timeout,
                read_timeout=self.timeout,
                retries={"total_max_attempts": 1},  # the worker retries, later
            ),
        )

    def purge(self, *, keys: Sequence[str], paths: Sequence[str]) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        for batch in batched(_unique(paths), self.paths_per_invalidation):
            try:
                self.client.create_invalidation(
                    DistributionId=self.distribution_id,
                    InvalidationBatch={
                        "Paths": {"Quantity": len(batch), "Items": list(batch)},
                        "CallerReference": str(uuid.uuid4()),
                    },
                )
            except ClientError as error:
                status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
                raise EdgePurgeError(
                    f"{self.name}: HTTP {status} from CloudFront: {error}", caches=[self.name]
                ) from error
            except BotoCoreError as error:
                raise EdgePurgeError(
                    f"{self.name}: no answer from CloudFront: {error}", caches=[self.name]
                ) from error


@dataclass(frozen=True, kw_only=True)
class FastlyPurger:
    """Fastly's purge by surrogate key (it reads Surrogate-Key from our responses): one POST for
    many keys, listed in a Surrogate-Key request header, authenticated by Fastly-Key. A hard
    purge, as a withdrawn page must not be served stale."""

    name: str
    service_id: str
    api_token: str = field(repr=False)
    api_url: str = "https://api.fastly.com"
    keys_per_request: int = 256  # Fastly's limit for one call
    timeout: float = TIMEOUT_SECONDS

    def purge(self, *, keys: Sequence[str], paths: Sequence[str]) -> None:
        for batch in batched(_unique(keys), self.keys_per_request):
            request = Request(
                f"{self.api_url.rstrip('/')}/service/{self.service_id}/purge",
                method="POST",
                headers={
                    "Fastly-Key": self.api_token,
                    "Surrogate-Key": " ".join(batch),
                    "Accept": "application/json",
                },
            )
            _send(request, cache=self.name, timeout=self.timeout)


class _RefuseRedirects(HTTPRedirectHandler):
    """A purge sent elsewhere purged nothing (urllib would turn a redirected POST into a GET)."""

    def redirect_request(self, *args, **kwargs) -> None:
        return None


_opener = build_opener(_RefuseRedirects)


def _send(request: Request, *, cache: str, timeout: float) -> bytes:
    """The body of a 2xx answer; anything else is an EdgePurgeError naming the cache."""
    try:
        with _opener.open(request, timeout=timeout) as response:
            return response.read()
    except HTTPError as error:
        detail = error.read()[:300] if error.fp else b""
        raise EdgePurgeError(
            f"{cache}: HTTP {error.code} from {request.full_url}: {detail!r}", caches=[cache]
        ) from error
    except (OSError, http.client.HTTPException) as error:  # refused, timed out, cut off
        raise EdgePurgeError(
            f"{cache}: no answer from {request.full_url}: {error}", caches=[cache]
        ) from error
