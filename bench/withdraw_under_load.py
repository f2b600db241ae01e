"""How long after a withdrawal commits do readers still get the article? (Target: 0 stale.)

Serves the demo article as in production (config.settings.production, DEBUG off, gunicorn sync
-w 2, the shared cache from CACHE_URL), approves it, reads it from N concurrent clients (every
reader role in turn, anonymous, loopback only), withdraws it from this process and reports the
requests that *started* after the withdrawal's commit and still got 200 with the article.

    .venv/bin/python bench/withdraw_under_load.py                     # SQLite in /tmp, Redis db 11
    .venv/bin/python bench/withdraw_under_load.py --baked             # readers through nginx
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vetted_bench \\
    CACHE_URL=redis://127.0.0.1:6379/1 \\
        .venv/bin/python bench/withdraw_under_load.py --flush --readers 16 --after 5

The SQLite file is recreated on every run; any other database is emptied (`manage.py flush`)
only with --flush, so give it a database of its own. The cache's database is cleared.
Prints e.g. `stale: 0 of 4210 requests started after the commit; last stale answer +0 ms`.
"""

import argparse
import http.client
import itertools
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLUG = "nsclc-her2-exon-20-first-line"
PATH = f"/articles/{SLUG}/"
# The article page's heading; the withdrawal notice (410) has another.
ARTICLE_MARKER = b'id="article-title"'
ROLES = ["", "patient", "caregiver", "student", "nurse", "physician"]
SQLITE_DEFAULT = "sqlite:////tmp/vetted-withdraw-bench.sqlite3"
BAKE_DIR = Path("/tmp/vetted-withdraw-baked")


@dataclass(frozen=True)
class Reading:
    started: float
    ended: float
    status: int
    shows_article: bool


def main() -> None:
    args = _arguments()
    database_url = os.environ.get("DATABASE_URL", SQLITE_DEFAULT)
    cache_url = os.environ.get("CACHE_URL", "redis://127.0.0.1:6379/11")
    dev = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CACHE_URL": cache_url,
        "DEMO_PASSWORD": "bench-demo-password",
        "EMAIL_URL": "dummymail://",
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
    }
    prod = {
        **dev,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "bench-only-not-a-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        # Plain HTTP on loopback; production refuses a mailer that reaches nobody.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "EMAIL_URL": "smtp://127.0.0.1:25",
        "DEBUG": "false",
        "CELERY_BROKER_URL": "",
    }
    if args.baked:
        dev["VETTED_BAKE_DIR"] = prod["VETTED_BAKE_DIR"] = str(BAKE_DIR)
    _prepare_database(database_url, dev, prod, flush=args.flush)
    nginx = _start_nginx(args, prod) if args.baked else None
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi:application", "-w", "2",
         "-b", f"127.0.0.1:{args.port}", "--error-logfile", "/tmp/vetted-withdraw-bench.log"],
        cwd=ROOT, env=prod,
    )  # fmt: skip
    try:
        _wait_for_page(args.port)
        os.environ.update(prod)
        _run(args)
    finally:
        server.terminate()
        server.wait(10)
        if nginx is not None:
            subprocess.run([*nginx, "-s", "stop"], check=False)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=16, help="concurrent clients (max 64)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of reading before")
    parser.add_argument("--after", type=float, default=5.0, help="seconds of reading after")
    parser.add_argument("--port", type=int, default=8110)
    parser.add_argument("--flush", action="store_true", help="empty a non-SQLite database first")
    parser.add_argument(
        "--baked", action="store_true",
        help="read through nginx (deploy/nginx.conf) from the baked site, on --port + 1",
    )  # fmt: skip
    args = parser.parse_args()
    args.readers = max(1, min(args.readers, 64))
    args.warmup, args.after = min(args.warmup, 30), min(args.after, 60)
    return args


def _start_nginx(args: argparse.Namespace, prod: dict) -> list[str]:
    """Bake the site and serve it with deploy/nginx.conf in front of gunicorn on --port."""
    shutil.rmtree(BAKE_DIR, ignore_errors=True)
    manage = [str(ROOT / ".venv/bin/python"), "manage.py"]
    subprocess.run([*manage, "bake", str(BAKE_DIR)], cwd=ROOT, env=prod, check=True)
    run = BAKE_DIR.parent / "vetted-withdraw-nginx"
    run.mkdir(exist_ok=True)
    sys.path.insert(0, str(ROOT))
    from deploy.nginx import render

    conf = render(
        listen=f"127.0.0.1:{args.port + 1}", upstream=f"127.0.0.1:{args.port}",
        bake_dir=BAKE_DIR, static_root=ROOT / "staticfiles", run_dir=run,
    )  # fmt: skip
    (run / "nginx.conf").write_text(conf)
    nginx = ["nginx", "-c", str(run / "nginx.conf"), "-e", str(run / "error.log")]
    subprocess.run(nginx, check=True)
    args.read_port = args.port + 1
    return nginx


def _prepare_database(database_url: str, dev: dict, prod: dict, *, flush: bool) -> None:
    manage = [str(ROOT / ".venv/bin/python"), "manage.py"]
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=dev, check=True)
    if flush:
        subprocess.run([*manage, "flush", "--noinput", "-v0"], cwd=ROOT, env=dev, check=True)
    subprocess.run([*manage, "load_demo"], cwd=ROOT, env=dev, check=True, capture_output=True)
    with open(ROOT / "bench/approve_demo.py") as script:
        approved = subprocess.run(
            [*manage, "shell", "-v0"], cwd=ROOT, env=dev, stdin=script, check=True,
            capture_output=True, text=True,
        )  # fmt: skip
    if "Approved" not in approved.stdout:
        sys.exit(f"The demo article could not be approved ({approved.stdout.strip()}); "
                 "start from a fresh database (--flush).")  # fmt: skip
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=prod, check=True)
    clear = "import django; django.setup(); from django.core.cache import cache; cache.clear()"
    subprocess.run([str(ROOT / ".venv/bin/python"), "-c", clear], cwd=ROOT, env=prod, check=True)


def _wait_for_page(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if _read(port, PATH).status == 200:
            return
        time.sleep(0.2)
    sys.exit(f"Vetted did not answer 200 at http://127.0.0.1:{port}{PATH}")


def _read(port: int, path: str) -> Reading:
    started = time.time()  # wall clock: the withdrawal commits in another process
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", path)
        response = connection.getresponse()
        body, status = response.read(), response.status
        connection.close()
    except OSError:
        body, status = b"", 0
    return Reading(started, time.time(), status, status == 200 and ARTICLE_MARKER in body)


def _run(args: argparse.Namespace) -> None:
    stop = threading.Event()
    readings: list[Reading] = []  # list.append is atomic; no lock needed

    def reader(number: int) -> None:
        for turn in itertools.count():
            if stop.is_set():
                return
            role = ROLES[(number + turn) % len(ROLES)]
            if args.baked:  # nginx: the role by address
                path = PATH + (f"for/{role}/" if role else "")
            else:
                path = PATH + (f"?role={role}" if role else "")
            readings.append(_read(getattr(args, "read_port", args.port), path))

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(args.readers)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(args.warmup)
        committed = _withdraw_demo_article()
        time.sleep(args.after)
    finally:
        stop.set()
        for thread in threads:
            thread.join(15)
    _report(readings, committed, args)


WITHDRAW = f"""
import time
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


def _withdraw_demo_article() -> float:
    """The reviewer presses Withdraw, in a process of its own (as a gunicorn worker would, not
    competing with the readers' threads); the wall-clock time of its commit."""
    done = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "shell", "-v0", "-c", WITHDRAW],
        cwd=ROOT, env=os.environ, check=True, capture_output=True, text=True,
    )  # fmt: skip
    line = next(line for line in done.stdout.splitlines() if line.startswith("committed"))
    return float(line.split()[1])


def _report(readings: list[Reading], committed: float, args: argparse.Namespace) -> None:
    after = [r for r in readings if r.started > committed]
    stale = [r for r in after if r.shows_article]
    errors = [r for r in readings if r.status not in (200, 410)]
    last = max((r.ended - committed for r in stale), default=0.0)
    print(f"readers: {args.readers}, requests: {len(readings)}, not 200/410: {len(errors)}")
    print(
        f"stale: {len(stale)} of {len(after)} requests started after the commit; "
        f"last stale answer +{last * 1000:.0f} ms (reading went on {args.after * 1000:.0f} ms)"
    )


if __name__ == "__main__":
    main()
