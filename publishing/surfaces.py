"""The surfaces that keep copies of public pages, and what each does with a log entry.

A surface registers itself here (public registers the baked site from its AppConfig.ready();
publishing registers the edge caches), so publishing never imports the apps that render pages.
Applying an entry brings the surface in line with what is public *now* (the article's current
public edition, or its withdrawal), not with what the entry said at the time: an old entry
applied late, or twice, cannot put back a page that a later act took down.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from personalization.models import ReaderRole

from .models import PublicationEntry

# (done, total, last article id done): saved on the delivery, so a long republication shows its
# progress in the admin and a successor resumes after the last article done.
Progress = Callable[[int, int, int], None]


class Surface(Protocol):
    name: str

    def enabled(self) -> bool:
        """Whether this deployment has the surface (a bake directory, an edge cache)."""
        ...

    def apply(self, entry: PublicationEntry, *, resume_after: int, progress: Progress) -> None:
        """Bring the surface in line with the entry; raise to be tried again later."""
        ...


_registry: dict[str, Surface] = {}


def register(surface: Surface) -> None:
    _registry[surface.name] = surface


def enabled() -> list[Surface]:
    return [surface for surface in _registry.values() if surface.enabled()]


def named(name: str) -> Surface | None:
    return _registry.get(name)


@dataclass(frozen=True)
class EdgeKeys:
    """What to purge at the edge: surrogate keys, and the addresses for caches without keys."""

    keys: tuple[str, ...]
    paths: tuple[str, ...]


def edge_keys(entry: PublicationEntry) -> EdgeKeys:
    """The pages an entry changes, as the surrogate keys public pages carry (see
    public.fast_path: article-<id>, audience-<lay|professional>, pages)."""
    if entry.article_id is not None:
        roles = list(ReaderRole.objects.values_list("slug", flat=True))
        articles = [entry.article]
        if entry.article.translation_of_id is not None:
            # The original's pages name its public translations (hreflang alternates).
            articles.append(entry.article.translation_of)
        keys, paths = [], []
        for article in articles:
            base = article.get_absolute_url()  # a translation's is under its language
            keys.append(f"article-{article.pk}")
            paths += [base, *(f"{base}for/{role}/" for role in roles)]
        return EdgeKeys(tuple(keys), tuple(paths))
    if entry.part in ("lay", "professional"):
        return EdgeKeys((f"audience-{entry.part}",), ("/articles/*",))
    return EdgeKeys(("pages",), ("/articles/*",))


class EdgeCaches:
    """Varnish and the CDNs in front of the site (publishing.edge): purged by surrogate key."""

    name = "edge"

    def __init__(self, purgers: Callable[[], Sequence]) -> None:
        self._purgers = purgers

    def enabled(self) -> bool:
        return bool(self._purgers())

    def apply(self, entry: PublicationEntry, *, resume_after: int, progress: Progress) -> None:
        from .edge import purge_everywhere

        what = edge_keys(entry)
        purge_everywhere(keys=list(what.keys), paths=list(what.paths))
