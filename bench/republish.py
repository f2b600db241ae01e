"""How long does a disclaimer edit take to reach every baked page that shows it, and what does it
cost readers meanwhile? (Targets: every page of 100 000 articles within 15 minutes; reads
unaffected.)

Run against a database and a bake directory already baked (`manage.py bake DIR`), for example
the 100 000 articles of `generate_articles`:

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/vetted_gen
    export CACHE_URL=redis://127.0.0.1:6379/12
    .venv/bin/python bench/republish.py --bake-dir /tmp/bake100k --audience lay \\
        --read http://127.0.0.1:8091/articles/<slug>/for/patient/

It edits the audience's disclaimer as the admin does (the save and `change_surroundings` in one
transaction), then applies the publication log's delivery in this process, as the worker would,
and times it; it checks a sample of pages for the new text. With --read, wrk reads that address
(16 connections) for 10 s before the edit and all through the republication, and both rates
are printed. Run it as the bulk queue's worker runs, at a lower priority: `nice bench/...`.
"""

import argparse
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bake-dir", type=Path, required=True)
    parser.add_argument("--audience", choices=["lay", "professional"], default="lay")
    parser.add_argument("--read", help="an address to read with wrk before and during")
    args = parser.parse_args()
    os.environ["VETTED_BAKE_DIR"] = str(args.bake_dir)

    import django

    django.setup()
    from django.db import transaction

    from articles.models import Disclaimer
    from publishing.delivery import apply_due
    from publishing.models import Delivery
    from publishing.services import change_surroundings

    before = _wrk(args.read, 10) if args.read else None
    marker = f"Republished at {time.time():.0f}."
    during: list[str] = []
    reader = None
    if args.read:
        reader = threading.Thread(target=lambda: during.append(_wrk(args.read, 900)))
        reader.start()
        time.sleep(2)
    started = time.monotonic()
    with transaction.atomic():
        disclaimer = Disclaimer.objects.get(audience=args.audience)
        disclaimer.body = (
            re.sub(r"\n\nRepublished at \d+\.$", "", disclaimer.body) + "\n\n" + marker
        )
        disclaimer.save()
        entry = change_surroundings(args.audience, by=None, note="bench/republish.py")
    applied = apply_due(limit=100)
    seconds = time.monotonic() - started
    delivery = Delivery.objects.get(entry=entry, surface="baked")
    if reader:
        subprocess.run(["pkill", "-INT", "-f", f"wrk .* {re.escape(args.read)}"], check=False)
        reader.join()
    print(f"{applied} deliveries applied; {delivery.done:,} of {delivery.total:,} articles "
          f"({delivery.status}) in {seconds:.0f} s ({seconds / 60:.1f} min)")  # fmt: skip
    _check_sample(args.bake_dir, args.audience, marker)
    if before:
        print(f"reads before: {before}")
        print(f"reads during: {during[0] if during else '?'}")


def _check_sample(bake_dir: Path, audience: str, marker: str) -> None:
    from articles.models import Article
    from personalization.models import ReaderRole

    roles = [r.slug for r in ReaderRole.objects.filter(audience=audience)]
    public = Article.objects.public().values_list("slug", flat=True)
    slugs = list(public.order_by("?")[:200])
    pages = []
    for article in (bake_dir / "articles" / slug for slug in slugs):
        pages += [article / "for" / role / "index.html" for role in roles]
        if audience == "professional":
            pages.append(article / "index.html")
    found = sum(marker in p.read_text() for p in pages if p.exists())
    print(f"sample: the new text is on {found} of {len(pages)} pages")


def _wrk(url: str, seconds: int) -> str:
    done = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", url], capture_output=True, text=True, check=False
    )
    rate = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    latency = re.search(r"Latency\s+(\S+)", done.stdout)
    return f"{rate[1] if rate else '?'} req/s, mean latency {latency[1] if latency else '?'}"


if __name__ == "__main__":
    main()
