"""Is a withdrawn article gone for every reader within 1 s, under load, on every path?

The issue's targets, measured with real processes on loopback:

    default     gunicorn -w 4, config.settings.base with DEBUG=false and no CACHE_URL (each
                worker keeps pages in its own memory)
    production  gunicorn -w 2, config.settings.production, the shared Redis cache (CACHE_URL)
    baked       nginx (deploy/nginx.conf) reading the baked site, in front of gunicorn as in
                production (nginx on --port + 1)
    varnish     varnishd (deploy/varnish.vcl) in front of gunicorn as in production (--port + 2)

For each path a fresh copy of the demo site with its article approved is served, and --readers
threads (16) read every address of the article: the canonical one, and /for/<role>/ and the
?role=<role> link of each role (one address each, or a share with fewer than 11), anonymous,
with no cookie jar and a new connection for each request. After --warmup seconds the reviewer
withdraws the article from a process of its own, which has VETTED_BAKE_DIR or VETTED_VARNISH_URL,
so its delivery re-bakes or purges at the commit (no broker: eagerly); reading goes on for
--after seconds. Reported: the requests that *started* after the commit and still got 200 with
the article, when the last of them ended, and who answered before the commit (Varnish's X-Cache:
?role= links are passed to Django, MISS; "file": nginx from the baked site).

--broker-down: the site's processes have CELERY_BROKER_URL at a closed port, so the withdrawal's
deliveries cannot be queued; --outage seconds after the commit the broker "returns" and one
sweep runs (`manage.py apply_publication_log`), then reading goes on for --after seconds. Also
reported: stale answers that started after the sweep ended, and the last one relative to it.

    .venv/bin/python bench/withdraw_under_load.py                        # every path
    .venv/bin/python bench/withdraw_under_load.py --path varnish --broker-down --after 3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vetted_bench \\
    CACHE_URL=redis://127.0.0.1:6379/1 \\
        .venv/bin/python bench/withdraw_under_load.py --flush --path production

SQLite (in /tmp) unless DATABASE_URL says otherwise: prepared once and copied for each path. Any
other database is emptied and loaded again for each path, only with --flush: give it a database
of its own. The cache's Redis database (CACHE_URL, default redis://127.0.0.1:6379/11) is cleared.
Prints a line per path, then a Markdown table for the README.
"""

import argparse
import http.client
import itertools
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.nginx import render as render_nginx  # noqa: E402
from deploy.varnish import render as render_varnish  # noqa: E402

SLUG = "nsclc-her2-exon-20-first-line"
PAGE = f"/articles/{SLUG}/"
ROLES = ["patient", "caregiver", "student", "nurse", "physician"]  # load_demo's reader roles
ADDRESSES = [PAGE, *(f"{PAGE}for/{r}/" for r in ROLES), *(f"{PAGE}?role={r}" for r in ROLES)]
# The demo's Spanish translation, withdrawn with its original in the same commit.
ADDRESSES += [f"/es{PAGE}", f"/es{PAGE}for/patient/", f"/es{PAGE}?role=patient"]
# The article page's heading; the withdrawal notice (410) has another.
ARTICLE_MARKER = b'id="article-title"'
PATHS = {
    "default": "Django, default settings (memory cache)",
    "production": "Django, production settings (Redis)",
    "baked": "nginx, baked site",
    "varnish": "Varnish",
}
DJANGO_PATHS = {"default", "production"}
TARGET_MS = 1000
PYTHON = str(ROOT / ".venv/bin/python")
SQLITE_DEFAULT = "sqlite:////tmp/vetted-withdraw-bench.sqlite3"
SQLITE_TEMPLATE = Path("/tmp/vetted-withdraw-bench.template.sqlite3")
BAKE_DIR = Path("/tmp/vetted-withdraw-baked")
NGINX_RUN = Path("/tmp/vetted-withdraw-nginx")
VARNISH_RUN = Path("/tmp/vetted-withdraw-varnish")
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
# The caller's own Vetted configuration, which must not leak into the site's processes.
THEIRS = ("DJANGO_", "CELERY_", "VETTED_", "CACHE_URL", "REDIS_URL", "DATABASE_URL")


@dataclass(frozen=True)
class Reading:
    address: str
    started: float  # wall clock: the withdrawal commits in another process
    ended: float
    status: int
    shows_article: bool
    served_by: str  # Varnish's X-Cache (HIT, MISS), "django" (a Surrogate-Key) or "file"
    cookies_set: tuple[str, ...]


@dataclass(frozen=True)
class Sweep:
    started: float
    ended: float
    said: str  # apply_publication_log's last line


@dataclass(frozen=True)
class Outcome:
    path: str
    workers: int
    readings: list[Reading]
    committed: float
    sweep: Sweep | None

    @cached_property
    def after(self) -> list[Reading]:
        return [r for r in self.readings if r.started > self.committed]

    @cached_property
    def stale(self) -> list[Reading]:
        return [r for r in self.after if r.shows_article]

    @property
    def last_stale_ms(self) -> float | None:
        return max((1000 * (r.ended - self.committed) for r in self.stale), default=None)

    @property
    def first_gone_ms(self) -> float | None:
        gone = (1000 * (r.ended - self.committed) for r in self.after if r.status == 410)
        return min(gone, default=None)

    @property
    def stale_after_sweep(self) -> list[Reading]:
        return [r for r in self.stale if self.sweep and r.started > self.sweep.ended]

    @property
    def last_stale_vs_sweep_ms(self) -> float | None:
        if self.sweep is None or not self.stale:
            return None
        return max(1000 * (r.ended - self.sweep.ended) for r in self.stale)

    @property
    def sweep_window(self) -> str:
        assert self.sweep is not None
        return (
            f"{_ms(1000 * (self.sweep.started - self.committed))} to "
            f"{_ms(1000 * (self.sweep.ended - self.committed))}"
        )

    @property
    def waits_for_the_sweep(self) -> bool:
        return self.sweep is not None and self.path not in DJANGO_PATHS

    @property
    def target(self) -> str:
        if self.waits_for_the_sweep:
            return "none stale after the sweep"
        return f"none stale after {TARGET_MS} ms"

    @property
    def meets_target(self) -> bool:
        if self.waits_for_the_sweep:
            return not self.stale_after_sweep
        return (self.last_stale_ms or 0) <= TARGET_MS


def main() -> None:
    args = _arguments()
    database_url = os.environ.get("DATABASE_URL", SQLITE_DEFAULT)
    _prepare_template(database_url, args)
    outcomes = []
    for path in args.paths:
        outcome = _measure(path, database_url, args)
        print(_line(outcome), flush=True)
        outcomes.append(outcome)
    print()
    print(_table(outcomes, args))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--path", action="append", choices=[*PATHS, "all"], dest="paths",
        help="a path to measure (repeatable; default all)",
    )  # fmt: skip
    parser.add_argument("--workers", type=int, help="gunicorn workers (default 4 on default, 2)")
    parser.add_argument("--readers", type=int, default=16, help="concurrent clients (max 64)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of reading before")
    parser.add_argument("--after", type=float, default=5.0, help="seconds of reading after")
    parser.add_argument("--broker-down", action="store_true", help="withdraw with no broker")
    parser.add_argument("--outage", type=float, default=3.0, help="seconds before it returns")
    parser.add_argument("--port", type=int, default=8110, help="gunicorn's; +1 nginx, +2 varnish")
    parser.add_argument("--flush", action="store_true", help="empty a non-SQLite database first")
    args = parser.parse_args()
    chosen = args.paths or ["all"]
    args.paths = list(PATHS) if "all" in chosen else list(dict.fromkeys(chosen))
    args.readers = max(1, min(args.readers, 64))
    args.warmup, args.after = min(args.warmup, 30), min(args.after, 60)
    args.outage = min(args.outage, 60)
    return args


def _workers(path: str, args: argparse.Namespace) -> int:
    return args.workers or (4 if path == "default" else 2)


# --------------------------------------------------------------------------- the site


def _site_env(path: str, database_url: str, args: argparse.Namespace) -> dict[str, str]:
    """The environment of every process of the site on this path (servers, withdrawal, sweep)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(THEIRS)}
    env.update(
        DATABASE_URL=database_url, DEMO_PASSWORD="bench-demo-password", DEBUG="false",
        CELERY_BROKER_URL="", DJANGO_SETTINGS_MODULE="config.settings.base",
        EMAIL_URL="dummymail://",
    )  # fmt: skip
    if path == "default":
        return env  # no CACHE_URL: the per-process memory cache
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        CACHE_URL=os.environ.get("CACHE_URL", "redis://127.0.0.1:6379/11"),
        SECRET_KEY="bench-only-not-a-secret", ALLOWED_HOSTS="127.0.0.1",
        SESSION_COOKIE_SECURE="false", CSRF_COOKIE_SECURE="false",
        # Plain HTTP on loopback; production refuses a mailer that reaches nobody.
        SECURE_SSL_REDIRECT="false", SECURE_HSTS_SECONDS="0", EMAIL_URL="smtp://127.0.0.1:25",
        VETTED_SITE_URL=f"http://127.0.0.1:{args.port}",
        VETTED_EDITION_KEYS="bench:bench-only-edition-key-not-a-secret",
    )  # fmt: skip
    if path == "baked":
        env["VETTED_BAKE_DIR"] = str(BAKE_DIR)
    if path == "varnish":
        env["VETTED_VARNISH_URL"] = f"http://127.0.0.1:{args.port + 2}"
    return env


def _manage(env: dict[str, str], *command: str, stdin: Path | None = None) -> str:
    with open(stdin or os.devnull) as given:
        done = subprocess.run(
            [PYTHON, "manage.py", *command], cwd=ROOT, env=env, stdin=given,
            capture_output=True, text=True,
        )  # fmt: skip
    if done.returncode:
        sys.exit(f"manage.py {' '.join(command)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def _load_approved_demo(env: dict[str, str], *, flush: bool) -> None:
    _manage(env, "migrate", "--noinput", "-v0")
    if flush:
        _manage(env, "flush", "--noinput", "-v0")
    _manage(env, "load_demo")
    approved = _manage(env, "shell", "-v0", stdin=ROOT / "bench/approve_demo.py")
    if "Approved" not in approved:
        sys.exit(f"The demo article could not be approved ({approved.strip()}); "
                 "start from a fresh database (--flush).")  # fmt: skip


def _prepare_template(database_url: str, args: argparse.Namespace) -> None:
    """Once: an approved demo site in SQLite to copy for each path, and the static files."""
    env = _site_env("production", database_url, args)
    if database_url.startswith("sqlite:///"):
        SQLITE_TEMPLATE.unlink(missing_ok=True)
        template = {**_site_env("default", database_url, args)}
        template["DATABASE_URL"] = f"sqlite:///{SQLITE_TEMPLATE}"
        _load_approved_demo(template, flush=False)
    _manage(env, "collectstatic", "--noinput", "-v0")  # whitenoise's manifest


def _fresh_site(path: str, env: dict[str, str], args: argparse.Namespace) -> None:
    """The approved demo, an empty page cache and, for the baked path, a fresh bake."""
    database_url = env["DATABASE_URL"]
    if database_url.startswith("sqlite:///"):
        shutil.copyfile(SQLITE_TEMPLATE, database_url.removeprefix("sqlite:///"))
    else:
        # With no surface to deliver to: the servers are not up yet.
        _load_approved_demo(_site_env("default", database_url, args), flush=args.flush)
    if "CACHE_URL" in env:
        clear = "from django.core.cache import cache; cache.clear()"
        _manage(env, "shell", "-v0", "-c", clear)
    if path == "baked":
        shutil.rmtree(BAKE_DIR, ignore_errors=True)
        _manage(env, "bake", str(BAKE_DIR))


@contextmanager
def _serving(path: str, env: dict[str, str], args: argparse.Namespace) -> Iterator[int]:
    """gunicorn, with nginx or Varnish in front on the paths that have them: the port readers
    read from."""
    with ExitStack() as stack:
        # Django logs every 410 as a warning: to the log, not among the results.
        log = stack.enter_context(open(f"/tmp/vetted-withdraw-bench-{path}.log", "w"))
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi:application",
             "-w", str(_workers(path, args)), "-b", f"127.0.0.1:{args.port}"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        stack.callback(server.wait, 10)
        stack.callback(server.terminate)  # first: the callbacks run last in, first out
        read_port = args.port
        if path == "baked":
            read_port = stack.enter_context(_nginx(args))
        if path == "varnish":
            read_port = stack.enter_context(_varnish(args))
        _wait_for_page(read_port)
        yield read_port


@contextmanager
def _nginx(args: argparse.Namespace) -> Iterator[int]:
    """deploy/nginx.conf reading the baked site, in front of gunicorn on --port."""
    shutil.rmtree(NGINX_RUN, ignore_errors=True)
    NGINX_RUN.mkdir()
    port = args.port + 1
    conf = render_nginx(
        listen=f"127.0.0.1:{port}", upstream=f"127.0.0.1:{args.port}",
        bake_dir=BAKE_DIR, static_root=ROOT / "staticfiles", run_dir=NGINX_RUN,
    )  # fmt: skip
    (NGINX_RUN / "nginx.conf").write_text(conf)
    nginx = ["nginx", "-c", str(NGINX_RUN / "nginx.conf"), "-e", str(NGINX_RUN / "error.log")]
    subprocess.run(nginx, check=True)
    try:
        yield port
    finally:
        subprocess.run([*nginx, "-s", "stop"], check=False)


@contextmanager
def _varnish(args: argparse.Namespace) -> Iterator[int]:
    """varnishd with deploy/varnish.vcl in front of gunicorn on --port, as the tests start it."""
    shutil.rmtree(VARNISH_RUN, ignore_errors=True)
    VARNISH_RUN.mkdir()
    port, vcl, pid_file = args.port + 2, VARNISH_RUN / "vetted.vcl", VARNISH_RUN / "pid"
    vcl.write_text(render_varnish(backend_host="127.0.0.1", backend_port=args.port))
    started = subprocess.run(
        [VARNISHD, "-a", f"127.0.0.1:{port}", "-T", "none", "-n", str(VARNISH_RUN / "state"),
         "-f", str(vcl), "-s", "malloc,32m", "-j", "none", "-P", str(pid_file)],
        capture_output=True, text=True,
    )  # fmt: skip
    if started.returncode:
        sys.exit(f"varnishd did not start:\n{started.stderr}{started.stdout}")
    pid = int(pid_file.read_text())
    try:
        yield port
    finally:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _running(pid):
            time.sleep(0.05)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_for_page(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if _read(port, PAGE).status == 200:
            return
        time.sleep(0.2)
    sys.exit(f"Vetted did not answer 200 at http://127.0.0.1:{port}{PAGE}")


# --------------------------------------------------------------------------- the measurement


def _read(port: int, address: str) -> Reading:
    """One anonymous reader's request: no cookie sent, a connection of its own."""
    started = time.time()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", address)
        response = connection.getresponse()
        body, status = response.read(), response.status
        served_by = response.getheader("X-Cache") or (
            "django" if response.getheader("Surrogate-Key") else "file"
        )
        cookies = tuple(
            c.split("=", 1)[0].strip() for c in response.headers.get_all("Set-Cookie") or []
        )
        connection.close()
    except OSError:
        body, status, served_by, cookies = b"", 0, "error", ()
    shows = status == 200 and ARTICLE_MARKER in body
    return Reading(address, started, time.time(), status, shows, served_by, cookies)


def _measure(path: str, database_url: str, args: argparse.Namespace) -> Outcome:
    env = _site_env(path, database_url, args)
    if args.broker_down:  # the broker is down for every process of the site
        env["CELERY_BROKER_URL"] = f"redis://127.0.0.1:{_closed_port()}/0"
    _fresh_site(path, env, args)
    with _serving(path, env, args) as read_port:
        readings: list[Reading] = []  # list.append is atomic; no lock needed
        with _readers(read_port, readings, args.readers):
            time.sleep(args.warmup)
            committed = _withdraw_demo_article(env)
            sweep = None
            if args.broker_down:
                time.sleep(max(0.0, committed + args.outage - time.time()))
                sweep = _sweep({**env, "CELERY_BROKER_URL": ""})  # the broker is back
            time.sleep(args.after)
    return Outcome(path, _workers(path, args), readings, committed, sweep)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _readers(port: int, readings: list[Reading], count: int) -> Iterator[None]:
    """`count` threads, each reading its share of the addresses over and over (with 11 or more
    readers, one address each). Not every address in turn: a reader would then spend most of
    its time waiting for the ?role= links, which only Django answers, and seldom ask the edge
    or nginx in the moments after the commit that matter."""
    stop = threading.Event()

    def reader(number: int) -> None:
        share = ADDRESSES[number % len(ADDRESSES) :: count]
        for address in itertools.cycle(share):
            if stop.is_set():
                return
            readings.append(_read(port, address))

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join(15)


WITHDRAW = f"""
import time
import config.urls  # every view imported, as in a gunicorn worker that has served a request
from django.db import transaction
from accounts.models import User
from articles.models import Article
from articles.selectors import latest_revision_id
from review.services import make_move

article = Article.objects.get(slug={SLUG!r})
with transaction.atomic():
    # Registered before the move's own callbacks, so it runs first, right at the commit.
    transaction.on_commit(lambda: print("committed", time.time(), flush=True))
    make_move("withdraw", article=article, by=User.objects.get(username="reviewer"),
              seen_revision_id=latest_revision_id(article),
              comment="Benchmark: withdrawn under load")
"""


def _withdraw_demo_article(env: dict[str, str]) -> float:
    """The reviewer presses Withdraw, in a process of its own (as a gunicorn worker would, not
    competing with the readers' threads); the wall-clock time of its commit."""
    said = _manage(env, "shell", "-v0", "-c", WITHDRAW)
    line = next(line for line in said.splitlines() if line.startswith("committed"))
    return float(line.split()[1])


def _sweep(env: dict[str, str]) -> Sweep:
    """One sweep, as the periodic task would run once the broker is back."""
    started = time.time()
    said = _manage(env, "apply_publication_log").strip().splitlines()
    return Sweep(started, time.time(), said[-1] if said else "")


# --------------------------------------------------------------------------- the report


def _ms(value: float | None) -> str:
    return "none" if value is None else f"{value:+.0f} ms"


def _statuses(readings) -> str:
    """Which other answers came, at which addresses: "304 at for/patient/ x3"."""
    found = Counter((r.status, r.address) for r in readings).most_common(4)
    return ", ".join(f"{status} at {address} x{n}" for (status, address), n in found)


def _line(outcome: Outcome) -> str:
    errors = [r for r in outcome.readings if r.status not in (200, 410)]
    before = [r for r in outcome.readings if r.started <= outcome.committed]
    served = Counter(r.served_by for r in before).most_common()
    cookies = sorted({c for r in outcome.readings for c in r.cookies_set})
    line = (
        f"{outcome.path:<10} -w {outcome.workers}: {len(outcome.stale)} stale of "
        f"{len(outcome.after)} requests started after the commit, last stale answer "
        f"{_ms(outcome.last_stale_ms)} (first 410 {_ms(outcome.first_gone_ms)}); "
        f"{len(outcome.readings)} requests, {len(errors)} not 200/410"
        + (f" ({_statuses(errors)})" if errors else "")
        + "; before the commit served by "
        + ", ".join(f"{name} {100 * n / len(before):.0f}%" for name, n in served)
        + f"; cookies set: {', '.join(cookies) or 'none'}"
    )
    if outcome.sweep is not None:
        line += (
            f"\n{'':<10} sweep {outcome.sweep_window} after the commit ({outcome.sweep.said}); "
            f"{len(outcome.stale_after_sweep)} stale started after it, last stale answer "
            f"{_ms(outcome.last_stale_vs_sweep_ms)} from its end"
        )
    if outcome.stale:
        where = Counter(
            f"{r.address.removeprefix(PAGE) or '/'} ({r.served_by})" for r in outcome.stale
        )
        line += f"\n{'':<10} stale: " + ", ".join(f"{a} {n}" for a, n in where.most_common(6))
    return line


COLUMNS = ("path", "gunicorn -w", "requests after the commit", "stale", "last stale answer")
SWEEP_COLUMNS = ("sweep", "stale after the sweep", "last stale, from the sweep's end")


def _table(outcomes: list[Outcome], args: argparse.Namespace) -> str:
    """Times are from the withdrawal's commit unless said otherwise."""
    head = [*COLUMNS, *(SWEEP_COLUMNS if args.broker_down else ()), "target"]
    delivered = "at the commit (eagerly)"
    if args.broker_down:
        delivered = f"by one sweep {args.outage:g} s after it (broker down)"
    rows = [
        f"{args.readers} readers; the withdrawal delivered {delivered}; times from the commit.",
        "",
        "| " + " | ".join(head) + " |",
        "| --- | " + " | ".join("---:" for _ in head[1:-1]) + " | --- |",
    ]
    for o in outcomes:
        cells = [PATHS[o.path], str(o.workers), str(len(o.after)), str(len(o.stale)),
                 _ms(o.last_stale_ms)]  # fmt: skip
        if o.sweep is not None:
            cells += [o.sweep_window, str(len(o.stale_after_sweep)), _ms(o.last_stale_vs_sweep_ms)]
        cells.append(("met" if o.meets_target else "**missed**") + f" ({o.target})")
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


if __name__ == "__main__":
    main()
