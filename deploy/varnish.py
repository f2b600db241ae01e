"""deploy/varnish.vcl with its placeholders filled in, for the tests (production fills them in
with sed, as the README shows)."""

from pathlib import Path

TEMPLATE = Path(__file__).with_name("varnish.vcl")


def render(*, backend_host: str, backend_port: int) -> str:
    vcl = TEMPLATE.read_text()
    values = {"@BACKEND_HOST@": backend_host, "@BACKEND_PORT@": str(backend_port)}
    for name, value in values.items():
        vcl = vcl.replace(name, value)
    return vcl
