"""The edge purgers against local fakes of the APIs they call: what each sends (address, method,
credentials, keys or paths, in batches), and every failure (an error status, no answer in time,
nobody listening) raised as an EdgePurgeError that names the cache."""

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.etree import ElementTree

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings.base import edge_caches_from_env
from publishing.edge import (
    CloudflarePurger,
    CloudFrontPurger,
    EdgePurgeError,
    FastlyPurger,
    VarnishPurger,
    purge_everywhere,
    purgers,
)

CLOUDFLARE_OK = b'{"success": true, "errors": [], "messages": [], "result": {"id": "p1"}}'
CLOUDFRONT_OK = (
    b'<?xml version="1.0"?><Invalidation xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">'
    b"<Id>I1</Id><Status>InProgress</Status></Invalidation>"
)
CLOUDFRONT_DENIED = (
    b'<?xml version="1.0"?><ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>'
    b"<Message>Not allowed</Message></Error><RequestId>r1</RequestId></ErrorResponse>"
)


@dataclass
class Received:
    method: str
    path: str
    headers: Message
    body: bytes


@dataclass
class FakeAPI:
    """An API on 127.0.0.1 that records each request and gives the answer it was told to."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    status: int = 200
    body: bytes = CLOUDFLARE_OK
    content_type: str = "application/json"

    def answer(self, status: int, body: bytes = b"{}", content_type: str = "") -> None:
        self.status, self.body = status, body
        self.content_type = content_type or self.content_type


class _Handler(BaseHTTPRequestHandler):
    def _record_and_answer(self) -> None:
        fake: FakeAPI = self.server.fake  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        fake.received.append(Received(self.command, self.path, self.headers, body))
        self.send_response(fake.status)
        self.send_header("Content-Type", fake.content_type)
        self.send_header("Content-Length", str(len(fake.body)))
        self.end_headers()
        self.wfile.write(fake.body)

    do_POST = do_PURGE = do_GET = _record_and_answer

    def log_message(self, format, *args) -> None:
        pass


@pytest.fixture
def fake_api() -> Iterator[FakeAPI]:
    yield from _serve(FakeAPI())


@pytest.fixture
def other_fake_api() -> Iterator[FakeAPI]:
    yield from _serve(FakeAPI())


def _serve(fake: FakeAPI) -> Iterator[FakeAPI]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.fake = fake  # type: ignore[attr-defined]
    fake.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def nobody_listening() -> str:
    """An address where nothing listens: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def _varnish(url: str, **options) -> VarnishPurger:
    return VarnishPurger(name="varnish", location=url, **options)


def _cloudflare(url: str, **options) -> CloudflarePurger:
    return CloudflarePurger(
        name="cloudflare", zone_id="zone-1", api_token="cf-secret", api_url=f"{url}/client/v4",
        **options,
    )  # fmt: skip


def _cloudfront(url: str, **options) -> CloudFrontPurger:
    return CloudFrontPurger(
        name="cloudfront", distribution_id="DIST1", endpoint_url=url,
        aws_access_key_id="AKIDTEST", aws_secret_access_key="aws-secret", **options,
    )  # fmt: skip


def _fastly(url: str, **options) -> FastlyPurger:
    return FastlyPurger(
        name="fastly", service_id="svc-1", api_token="fastly-secret", api_url=url, **options
    )


def test_varnish_gets_a_purge_request_per_batch_of_keys(fake_api):
    _varnish(fake_api.url, keys_per_request=2).purge(
        keys=["article-1", "edition-7", "article-1", "gone"], paths=["/articles/a/"]
    )
    assert [(r.method, r.path) for r in fake_api.received] == [("PURGE", "/"), ("PURGE", "/")]
    assert [r.headers["xkey-purge"] for r in fake_api.received] == ["article-1 edition-7", "gone"]


def test_cloudflare_purges_tags_in_batches_with_the_api_token(fake_api):
    purger = _cloudflare(fake_api.url, per_request=2)
    purger.purge(keys=["article-1", "edition-7", "pages"], paths=["/articles/a/"])
    assert [(r.method, r.path) for r in fake_api.received] == [
        ("POST", "/client/v4/zones/zone-1/purge_cache"),
        ("POST", "/client/v4/zones/zone-1/purge_cache"),
    ]
    assert [json.loads(r.body) for r in fake_api.received] == [
        {"tags": ["article-1", "edition-7"]},
        {"tags": ["pages"]},
    ]
    assert fake_api.received[0].headers["Authorization"] == "Bearer cf-secret"
    assert fake_api.received[0].headers["Content-Type"] == "application/json"
    assert "cf-secret" not in repr(purger)


def test_cloudflare_purges_the_pages_by_url_when_told_to_purge_by_files(fake_api):
    _cloudflare(fake_api.url, purge_by="files", base_url="https://vetted.example.org").purge(
        keys=["article-1"], paths=["/articles/a/", "/articles/a/for/patient/"]
    )
    [request] = fake_api.received
    assert json.loads(request.body) == {
        "files": [
            "https://vetted.example.org/articles/a/",
            "https://vetted.example.org/articles/a/for/patient/",
        ]
    }


def test_cloudflare_refusing_in_its_answer_is_a_failure(fake_api):
    fake_api.answer(200, b'{"success": false, "errors": [{"code": 1134, "message": "No tags"}]}')
    with pytest.raises(EdgePurgeError, match=r"cloudflare.*No tags") as raised:
        _cloudflare(fake_api.url).purge(keys=["article-1"], paths=[])
    assert raised.value.caches == ("cloudflare",)


def test_cloudfront_invalidates_the_paths_in_batches(fake_api):
    fake_api.answer(201, CLOUDFRONT_OK, "text/xml")
    paths = ["/articles/a/", "/articles/a/for/*", "/articles/a/", "/articles/b/"]
    _cloudfront(fake_api.url, paths_per_invalidation=2).purge(keys=["article-1"], paths=paths)
    assert [(r.method, r.path) for r in fake_api.received] == [
        ("POST", "/2020-05-31/distribution/DIST1/invalidation"),
        ("POST", "/2020-05-31/distribution/DIST1/invalidation"),
    ]
    batches = [_invalidated_paths(r.body) for r in fake_api.received]
    assert batches == [["/articles/a/", "/articles/a/for/*"], ["/articles/b/"]]
    authorization = fake_api.received[0].headers["Authorization"]
    assert authorization.startswith("AWS4-HMAC-SHA256 Credential=AKIDTEST/")
    assert "/us-east-1/cloudfront/aws4_request" in authorization


def _invalidated_paths(body: bytes) -> list[str]:
    batch = ElementTree.fromstring(body)
    namespace = {"cf": batch.tag.partition("}")[0].lstrip("{")}
    paths = [path.text for path in batch.findall("cf:Paths/cf:Items/cf:Path", namespace)]
    assert batch.findtext("cf:Paths/cf:Quantity", namespaces=namespace) == str(len(paths))
    assert batch.findtext("cf:CallerReference", namespaces=namespace)
    return paths


def test_fastly_purges_surrogate_keys_in_batches_with_the_fastly_key(fake_api):
    purger = _fastly(fake_api.url, keys_per_request=2)
    purger.purge(keys=["article-1", "edition-7", "gone"], paths=["/articles/a/"])
    assert [(r.method, r.path) for r in fake_api.received] == [
        ("POST", "/service/svc-1/purge"),
        ("POST", "/service/svc-1/purge"),
    ]
    keys = [r.headers["Surrogate-Key"] for r in fake_api.received]
    assert keys == ["article-1 edition-7", "gone"]
    assert fake_api.received[0].headers["Fastly-Key"] == "fastly-secret"
    assert "Fastly-Soft-Purge" not in fake_api.received[0].headers  # a withdrawal is hard
    assert "fastly-secret" not in repr(purger)


PURGERS = {
    "varnish": _varnish,
    "cloudflare": _cloudflare,
    "cloudfront": _cloudfront,
    "fastly": _fastly,
}
ERROR_ANSWERS = {"cloudfront": (CLOUDFRONT_DENIED, "text/xml")}


@pytest.mark.parametrize("status", [500, 403])
@pytest.mark.parametrize("cache", PURGERS)
def test_an_error_status_is_a_failure_naming_the_cache_and_status(fake_api, cache, status):
    fake_api.answer(status, *ERROR_ANSWERS.get(cache, (b'{"success": false}', "application/json")))
    with pytest.raises(EdgePurgeError, match=f"^{cache}: HTTP {status} ") as raised:
        PURGERS[cache](fake_api.url).purge(keys=["article-1"], paths=["/articles/a/"])
    assert raised.value.caches == (cache,)
    assert len(fake_api.received) == 1  # not retried now: the worker retries later


@pytest.mark.parametrize("cache", PURGERS)
def test_a_refused_connection_is_a_failure_naming_the_cache(nobody_listening, cache):
    with pytest.raises(EdgePurgeError, match=f"^{cache}: no answer from ") as raised:
        PURGERS[cache](nobody_listening).purge(keys=["article-1"], paths=["/articles/a/"])
    assert raised.value.caches == (cache,)


def test_a_cache_that_does_not_answer_in_time_is_a_failure():
    with socket.socket() as silent:  # accepts connections (the kernel does) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        purger = _varnish(f"http://127.0.0.1:{silent.getsockname()[1]}", timeout=0.2)
        with pytest.raises(EdgePurgeError, match=r"^varnish: no answer from .*timed out"):
            purger.purge(keys=["article-1"], paths=[])


def test_nothing_is_sent_when_a_cache_has_nothing_of_its_kind_to_purge(fake_api):
    _varnish(fake_api.url).purge(keys=[], paths=["/articles/a/"])
    _cloudfront(fake_api.url).purge(keys=["article-1"], paths=[])
    assert fake_api.received == []


def test_purge_everywhere_goes_on_past_a_failure_and_names_it(
    settings, fake_api, other_fake_api, nobody_listening
):
    settings.VETTED_EDGE_CACHES = {
        "varnish": {"BACKEND": "publishing.edge.VarnishPurger", "LOCATION": nobody_listening},
        "broken-fastly": {
            "BACKEND": "publishing.edge.FastlyPurger", "SERVICE_ID": "svc-1",
            "API_TOKEN": "t", "API_URL": other_fake_api.url,
        },
        "fastly": {
            "BACKEND": "publishing.edge.FastlyPurger", "SERVICE_ID": "svc-2",
            "API_TOKEN": "t", "API_URL": fake_api.url,
        },
    }  # fmt: skip
    other_fake_api.answer(503)
    with pytest.raises(EdgePurgeError) as raised:
        purge_everywhere(keys=["article-1"], paths=["/articles/a/"])
    assert raised.value.caches == ("varnish", "broken-fastly")
    assert "varnish: no answer" in str(raised.value) and "broken-fastly: HTTP 503" in str(
        raised.value
    )
    assert [r.path for r in fake_api.received] == ["/service/svc-2/purge"]


def test_purge_everywhere_can_retry_only_the_caches_that_failed(settings, fake_api, other_fake_api):
    settings.VETTED_EDGE_CACHES = {
        "first": {"BACKEND": "publishing.edge.VarnishPurger", "LOCATION": fake_api.url},
        "second": {"BACKEND": "publishing.edge.VarnishPurger", "LOCATION": other_fake_api.url},
    }
    purge_everywhere(keys=["article-1"], paths=[], only={"second"})
    assert fake_api.received == [] and len(other_fake_api.received) == 1


def test_a_misconfigured_edge_cache_is_a_configuration_error_not_a_failed_purge(settings):
    settings.VETTED_EDGE_CACHES = {"cdn": {"BACKEND": "publishing.edge.FastlyPurger"}}
    with pytest.raises(ImproperlyConfigured, match=r"VETTED_EDGE_CACHES\['cdn'\].*service_id"):
        purgers()
    settings.VETTED_EDGE_CACHES = {
        "cdn": {"BACKEND": "publishing.edge.CloudflarePurger", "ZONE_ID": "z", "API_TOKEN": "t",
                "PURGE_BY": "files"},
    }  # fmt: skip
    with pytest.raises(ImproperlyConfigured, match="base_url"):
        purgers()


EDGE_VARIABLES = (
    "VETTED_VARNISH_URL", "CLOUDFLARE_ZONE_ID", "CLOUDFLARE_API_TOKEN", "CLOUDFLARE_PURGE_BY",
    "CLOUDFLARE_API_URL", "CLOUDFRONT_DISTRIBUTION_ID", "CLOUDFRONT_ENDPOINT_URL",
    "FASTLY_SERVICE_ID", "FASTLY_API_TOKEN", "FASTLY_API_URL",
)  # fmt: skip


def test_there_are_no_edge_caches_unless_the_environment_names_them(monkeypatch):
    for name in EDGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    assert edge_caches_from_env() == {}


def test_every_edge_cache_the_environment_names_is_purged(monkeypatch, settings):
    for name in EDGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in {
        "VETTED_VARNISH_URL": "http://10.0.0.5:6081,http://10.0.0.6:6081",
        "CLOUDFLARE_ZONE_ID": "zone-1", "CLOUDFLARE_API_TOKEN": "cf",
        "CLOUDFRONT_DISTRIBUTION_ID": "DIST1", "CLOUDFRONT_ENDPOINT_URL": "http://127.0.0.1:9",
        "FASTLY_SERVICE_ID": "svc-1", "FASTLY_API_TOKEN": "f", "FASTLY_API_URL": "http://fake",
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    settings.VETTED_EDGE_CACHES = edge_caches_from_env()
    built = {purger.name: purger for purger in purgers()}
    assert list(built) == ["varnish", "varnish-2", "cloudflare", "cloudfront", "fastly"]
    assert built["varnish-2"] == VarnishPurger(name="varnish-2", location="http://10.0.0.6:6081")
    assert built["cloudflare"].api_url == "https://api.cloudflare.com/client/v4"
    assert built["cloudflare"].purge_by == "tags"
    assert built["cloudfront"].endpoint_url == "http://127.0.0.1:9"
    assert built["fastly"].api_url == "http://fake"


def test_a_cdn_named_without_its_token_stops_the_start(monkeypatch):
    monkeypatch.setenv("FASTLY_SERVICE_ID", "svc-1")
    monkeypatch.delenv("FASTLY_API_TOKEN", raising=False)
    with pytest.raises(ImproperlyConfigured, match="FASTLY_API_TOKEN"):
        edge_caches_from_env()
