"""The baked site: every published article page, per reader role, as static files nginx serves.

Layout under the bake directory (what deploy/nginx.conf reads):

    articles/<slug>/index.html             the page for readers who chose no role
    articles/<slug>/for/<role>/index.html  the page for one role (also its own address)
    articles/<slug>/gone                   present only while the article is withdrawn: nginx
                                           answers 410 instead of any page...
    articles/<slug>/gone.html              ...with this page (the board's reason)
    <lang>/articles/<slug>/...             the same for the article's translation into <lang>

The publication log keeps it in step (BakedSite, the surface public registers): each entry
re-bakes the article it names, or, for a change of surroundings, the pages that show it. An
article is baked under a lock of its own, reading its public pointer inside the lock: of two
bakes of one article, the later reads the later state, so a bake that began before a withdrawal
can never write the page back after it. Each file is written to a temporary name and renamed
into place, so nginx never serves half a page. Pages are the ones the Django path serves
(public.views.anonymous_page), byte for byte.
"""

import fcntl
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from articles.models import Article, Disclaimer
from publishing.models import PublicationEntry
from publishing.selectors import TRANSLATED, public_pointer
from publishing.surfaces import Progress

from . import page_cache

BATCH = 200  # articles a republication records its progress after


def bake_dir() -> Path | None:
    return Path(settings.VETTED_BAKE_DIR) if settings.VETTED_BAKE_DIR else None


def bake_site(outdir: Path, *, resume_after: int = 0, progress: Progress | None = None) -> int:
    """Every published or withdrawn article; pages of articles no longer public are removed.
    Returns how many articles were baked."""
    shown = Article.objects.filter(public_edition__isnull=False)
    baked = {
        slug
        for slug in _each(shown, resume_after=resume_after, progress=progress)
        if bake_article(outdir, slug)
    }
    if not resume_after:
        _remove_unpublished(outdir, baked)
    for language in (settings.LANGUAGE_CODE, *TRANSLATED):  # errors/ and errors/es/
        errors = outdir / "errors" / ("" if language == settings.LANGUAGE_CODE else language)
        with translation.override(language):
            _write(errors / "503.html", render_to_string("public/unavailable.html"))
            _write(errors / "410.html", render_to_string("public/withdrawn.html"))
    return len(baked)


def _each(articles, *, resume_after: int, progress: Progress | None) -> Iterator[str]:
    """The slugs of these articles in id order, after `resume_after` (a lost worker's last),
    recording the progress every BATCH articles and at the end."""
    total = articles.count()
    done = articles.filter(pk__lte=resume_after).count() if resume_after else 0
    ids = articles.filter(pk__gt=resume_after).order_by("pk").values_list("pk", "slug")
    for article_id, slug in ids.iterator(chunk_size=BATCH):
        yield slug
        done += 1
        if progress and done % BATCH == 0:
            progress(done, total, article_id)
    if progress:
        progress(done, total, 0)


def _remove_unpublished(outdir: Path, baked: set[str]) -> None:
    articles_dir = outdir / "articles"
    if articles_dir.is_dir():
        for stale in articles_dir.iterdir():
            if stale.is_dir() and stale.name not in baked:
                bake_article(outdir, stale.name)  # removes it unless it became readable since


def bake_article(outdir: Path, slug: str, *, audience: str | None = None) -> bool:
    """(Re)write one article's pages, or its 410 marker, as its public pointer says now; False
    (and nothing left) when readers may not see it. With `audience`, only the pages that show
    that audience's disclaimer."""
    from .views import anonymous_page, shown_by  # the pages the Django path serves

    with _locked(outdir, slug), translation.override(settings.LANGUAGE_CODE):
        pointer = public_pointer(slug)
        here = _folder(outdir, slug, pointer)
        if pointer is None or not (pointer.is_public or pointer.is_withdrawn):
            shutil.rmtree(here, ignore_errors=True)
            return False
        if pointer.is_withdrawn:
            # First, before anything else: from this moment nginx answers 410.
            here.mkdir(parents=True, exist_ok=True)
            (here / "gone").touch()
            frame = page_cache.furniture(pointer.surroundings)
            gone = anonymous_page(pointer, "", frame, language=pointer.language)[1]
            _write(here / "gone.html", gone)
            for page in [here / "index.html", *here.glob("for/*/index.html")]:
                page.unlink(missing_ok=True)
            return True
        frame = page_cache.furniture(pointer.surroundings)
        shown = shown_by(pointer)  # once for every role's page
        for role_slug, path in _pages_of(here, frame, audience):
            # A translation's pages in its language (the view picks it from the address).
            page = anonymous_page(pointer, role_slug, frame, shown, language=pointer.language)
            _write(path, page[1])
        (here / "gone").unlink(missing_ok=True)  # last: the pages are in place
        (here / "gone.html").unlink(missing_ok=True)
        return True


def _folder(outdir: Path, slug: str, pointer) -> Path:
    """Where an article's pages are baked: a translation's under its language, at its original's
    address (`es/articles/<english-slug>/`, publishing.translations), never at its own slug."""
    if pointer is None or pointer.language == settings.LANGUAGE_CODE:
        return outdir / "articles" / slug
    english_slug = slug.removesuffix(f"-{pointer.language}")
    return outdir / pointer.language / "articles" / english_slug


def _pages_of(here: Path, frame, audience: str | None) -> list[tuple[str, Path]]:
    """The role slug and file of each page of an article (only those showing `audience`'s
    disclaimer, if named): the default text is read by health professionals."""
    pages = []
    if audience in (None, Disclaimer.Audience.PROFESSIONAL):
        pages.append(("", here / "index.html"))
    for role in frame.roles:
        if audience in (None, role.audience):
            pages.append((role.slug, here / "for" / role.slug / "index.html"))
    return pages


DISCLAIMER = re.compile(r"<!-- vetted:disclaimer -->.*?<!-- /vetted:disclaimer -->", re.DOTALL)


def splice_disclaimer(outdir: Path, audience: str, *, resume_after: int = 0,
                      progress: Progress | None = None) -> int:  # fmt: skip
    """A disclaimer was edited: rewrite that part of every baked page that shows it, as the page
    renders it (public/includes/disclaimer.html), instead of rendering each page again. Each
    article under its lock; one whose page has no markers, or whose pointer moved on, is baked
    whole. Returns how many articles."""
    shown = Article.objects.filter(public_edition__isnull=False, withdrawn_at__isnull=True)
    fragments: dict[tuple[int, ...], str] = {}  # by the surroundings' versions
    count = 0
    for slug in _each(shown, resume_after=resume_after, progress=progress):
        if not _splice_article(outdir, slug, audience, fragments):
            bake_article(outdir, slug, audience=audience)
        count += 1
    return count


def _splice_article(outdir: Path, slug: str, audience: str, fragments: dict) -> bool:
    """Rewrite the disclaimer of each of the article's pages of this audience, under its lock;
    False when it has to be baked whole instead."""
    from .views import disclaimer_fragment

    with _locked(outdir, slug):
        pointer = public_pointer(slug)
        if pointer is None or not pointer.is_public:
            return False
        if pointer.language != settings.LANGUAGE_CODE:
            return False  # baked whole, in its language (bake_article)
        frame = page_cache.furniture(pointer.surroundings)
        if pointer.surroundings not in fragments:
            fragments[pointer.surroundings] = disclaimer_fragment(frame, audience)
        pages = _pages_of(outdir / "articles" / slug, frame, audience)
        return all(_splice(path, fragments[pointer.surroundings]) for _, path in pages)


def _splice(path: Path, fragment: str) -> bool:
    """Put the fragment between the page's markers; False when the page or its markers are
    missing (it is then baked whole)."""
    try:
        page = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    spliced, found = DISCLAIMER.subn(lambda _: fragment, page, count=1)
    if not found:
        return False
    if spliced != page:
        _write(path, spliced)
    return True


@contextmanager
def _locked(outdir: Path, slug: str) -> Iterator[None]:
    """One bake of an article at a time, across processes (an advisory lock on a file)."""
    locks = outdir / ".locks"
    locks.mkdir(parents=True, exist_ok=True)
    with open(locks / f"{slug}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".baking-", suffix=".html")
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text)
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)


class BakedSite:
    """The publication log's surface for the baked site (only where VETTED_BAKE_DIR is set)."""

    name = "baked"

    def enabled(self) -> bool:
        return bake_dir() is not None

    def apply(self, entry: PublicationEntry, *, resume_after: int, progress: Progress) -> None:
        outdir = bake_dir()
        if outdir is None:
            return
        if entry.article_id is not None:
            bake_article(outdir, entry.article.slug)
            if entry.article.translation_of_id is not None:
                # The original's pages name its public translations (hreflang alternates).
                bake_article(outdir, entry.article.translation_of.slug)
            return
        # A change of surroundings: the pages that show it. A disclaimer is rewritten in place
        # in the pages of its audience; roles and people change more of a page: baked again.
        if entry.part in Disclaimer.Audience.values:
            splice_disclaimer(outdir, entry.part, resume_after=resume_after, progress=progress)
        else:
            bake_site(outdir, resume_after=resume_after, progress=progress)
