"""The baked site: every published article page, per reader role, as static files nginx serves.

Layout under the bake directory (what deploy/nginx.conf reads):

    articles/<slug>/index.html             the page for readers who chose no role
    articles/<slug>/for/<role>/index.html  the page for one role (also its own address)
    articles/<slug>/gone                   present only while the article is withdrawn: nginx
                                           answers 410 instead of any page...
    articles/<slug>/gone.html              ...with this page (the board's reason)

Each file is written to a temporary name in its directory and renamed into place, so nginx never
serves half a page. Baking reads what the Django path serves (public.views._anonymous_page), so
the two paths cannot disagree.
"""

import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string

from articles.models import Article

if TYPE_CHECKING:
    from .page_cache import Furniture


def queue_bake(slugs: set[str] | None) -> None:
    """After the commit, re-bake these articles (None: the whole site); once per transaction."""
    if not settings.VETTED_BAKE_DIR:
        return
    from config.queue import enqueue_on_commit

    from . import tasks

    connection = transaction.get_connection()
    queued = connection.__dict__.setdefault("vetted_bakes_queued", set())
    if not connection.in_atomic_block:
        queued.clear()
    for key in [None] if slugs is None else sorted(slugs):
        if key in queued:
            continue
        queued.add(key)
        if key is None:
            enqueue_on_commit(tasks.bake_site)
        else:
            enqueue_on_commit(tasks.bake_article, key)
    if connection.in_atomic_block:
        transaction.on_commit(queued.clear)


def bake_dir() -> Path | None:
    return Path(settings.VETTED_BAKE_DIR) if settings.VETTED_BAKE_DIR else None


def bake_site(outdir: Path) -> int:
    """Every published or withdrawn article; pages of articles no longer public are removed."""
    furniture = _furniture()
    slugs = Article.objects.filter(public_edition__isnull=False).values_list("slug", flat=True)
    baked = {
        slug for slug in slugs.iterator(chunk_size=500) if bake_article(outdir, slug, furniture)
    }
    articles_dir = outdir / "articles"
    if articles_dir.is_dir():
        for stale in articles_dir.iterdir():
            if stale.is_dir() and stale.name not in baked:
                shutil.rmtree(stale, ignore_errors=True)
    _write(outdir / "errors" / "503.html", render_to_string("public/unavailable.html"))
    _write(outdir / "errors" / "410.html", render_to_string("public/withdrawn.html"))
    return len(baked)


def _furniture() -> "Furniture":
    """The roles and disclaimers as the database has them now (not a process's memo)."""
    from .page_cache import Furniture

    return Furniture.load(stamp="")


def bake_article(outdir: Path, slug: str, furniture: "Furniture | None" = None) -> bool:
    """(Re)write one article's pages, or its 410 marker; False (and nothing left) when readers
    may not see it."""
    from .views import _anonymous_page  # the page the Django path serves, byte for byte

    here = outdir / "articles" / slug
    if Article.objects.filter(slug=slug, withdrawn_at__isnull=False).exists():
        # First, before rendering anything: from this moment nginx answers 410.
        here.mkdir(parents=True, exist_ok=True)
        (here / "gone").touch()
    furniture = _furniture() if furniture is None else furniture
    try:
        status, html = _anonymous_page(slug, "", furniture)
    except Http404:
        shutil.rmtree(here, ignore_errors=True)
        return False
    if status == 410:
        _write(here / "gone.html", html)  # the page nginx answers 410 with
        (here / "gone").touch()
        for page in [here / "index.html", *here.glob("for/*/index.html")]:
            page.unlink(missing_ok=True)
        return True
    _write(here / "index.html", html)
    for role in furniture.roles:
        page = _anonymous_page(slug, role.slug, furniture)[1]
        _write(here / "for" / role.slug / "index.html", page)
    (here / "gone").unlink(missing_ok=True)  # last: the pages are in place
    (here / "gone.html").unlink(missing_ok=True)
    return True


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".baking-", suffix=".html")
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text)
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)
