"""How much memory a gunicorn worker holds after many mixed requests (target: < 250 MB).

On a generated database (see bench/addresses.py), with the same DATABASE_URL:

    .venv/bin/python bench/worker_memory.py [--requests 10000] [--port 8095]

Starts `gunicorn -w 1` on the development settings with DEBUG off (the per-process memory cache:
the worker keeps every cached page itself, the most memory it can take), then requests, from
four threads, a mix of what readers and clients ask for: article pages of many different
articles and roles, the home page and its deep pages, searches, topic pages, contributors'
pages, the API (articles, references, an article), feeds and sitemaps. Prints the worker's
resident memory (VmRSS and VmHWM, its peak) at the start, every 2 000 requests and at the end.
"""

import argparse
import itertools
import os
import random
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEARCHES = ("hazard ratio", "semaglutide heart failure", "QT prolongation", "apixaban",
            "pembrolizumab melanoma", "kidney")  # fmt: skip


def main() -> int:
    args = _arguments()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    # One client asks for everything: the API's per-address limit would answer most with 429.
    os.environ.setdefault("VETTED_API_RATE", "100000/min")
    import django

    django.setup()
    urls = _urls(random.Random(1))
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi:application", "-w", "1",
         "-b", f"127.0.0.1:{args.port}", "--error-logfile", "/tmp/vetted-worker-memory.log"],
        cwd=ROOT, env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base"},
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{args.port}"
        _wait(base)
        worker = _worker_pid(server.pid)
        print(f"start: {_memory(worker)}")
        statuses: dict[int, int] = {}
        picks = itertools.cycle(urls)
        with ThreadPoolExecutor(4) as pool:
            for done in range(0, args.requests, 2000):
                batch = [next(picks) for _ in range(min(2000, args.requests - done))]
                for status in pool.map(lambda url: _get(base + url), batch):
                    statuses[status] = statuses.get(status, 0) + 1
                print(f"{done + len(batch):>6} requests: {_memory(worker)}", flush=True)
        print("statuses: " + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())))
        return 1 if any(status >= 500 for status in statuses) else 0
    finally:
        server.terminate()
        server.wait(10)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--port", type=int, default=8095)
    return parser.parse_args()


def _urls(rng: random.Random) -> list[str]:
    from django.db.models import Count

    from accounts.models import ContributorProfile
    from articles.models import Article, Topic
    from personalization.models import ReaderRole

    public = Article.objects.filter(public_edition__isnull=False, withdrawn_at__isnull=True)
    slugs = list(public.order_by("?").values_list("slug", flat=True)[:3000])
    roles = ["", *ReaderRole.objects.values_list("slug", flat=True)]
    topics = list(Topic.objects.annotate(n=Count("articles")).values_list("slug", flat=True))
    people = list(ContributorProfile.objects.filter(is_public=True).values_list("slug", flat=True))
    pages = max(public.count() // 20, 1)
    urls = []
    for _ in range(6000):  # most requests: article pages, across many articles and roles
        slug, role = rng.choice(slugs), rng.choice(roles)
        urls.append(f"/articles/{slug}/" + (f"for/{role}/" if role else ""))
    for _ in range(4000):
        urls.append(rng.choice([
            "/", f"/?page={rng.randint(1, pages)}", f"/search/?q={rng.choice(SEARCHES)}",
            f"/topics/{rng.choice(topics)}/", f"/topics/{rng.choice(topics)}/?page=3",
            f"/contributors/{rng.choice(people)}/", "/api/v1/articles/",
            f"/api/v1/articles/{rng.choice(slugs)}/", "/api/v1/references/", "/feed/",
            f"/topics/{rng.choice(topics)}/feed/", "/sitemap.xml", "/sitemap-articles.xml",
            "/sitemap-articles.xml?p=2", f"/articles/{rng.choice(slugs)}/editions/1/",
        ]).replace(" ", "+"))  # fmt: skip
    rng.shuffle(urls)
    return urls


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _wait(base: str) -> None:
    for _ in range(100):
        try:
            _get(base + "/healthz")
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer")


def _worker_pid(master: int) -> int:
    for _ in range(50):
        children = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True)
        if children.stdout.split():
            return int(children.stdout.split()[0])
        time.sleep(0.1)
    raise SystemExit("no gunicorn worker")


def _memory(pid: int) -> str:
    status = Path(f"/proc/{pid}/status").read_text().splitlines()
    fields = dict(line.split(":", 1) for line in status if line.startswith(("VmRSS", "VmHWM")))
    return ", ".join(f"{name} {int(value.split()[0]) / 1024:,.0f} MB" for name, value in
                     fields.items())  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
