from django import template

from config.site import site_url

register = template.Library()


@register.filter
def on_site(path: str) -> str:
    """A path as an absolute link at the site's address (config.site), for what leaves the site
    or is stored and shared: never the host of the request that rendered it."""
    return site_url(path)
