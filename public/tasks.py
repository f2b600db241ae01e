"""Re-baking what a change touched (only where a bake directory is configured)."""

from celery import shared_task


@shared_task
def bake_article(slug: str) -> bool:
    from .baking import bake_article as bake
    from .baking import bake_dir

    outdir = bake_dir()
    return bake(outdir, slug) if outdir else False


@shared_task
def bake_site() -> int:
    from .baking import bake_dir
    from .baking import bake_site as bake

    outdir = bake_dir()
    return bake(outdir) if outdir else 0
