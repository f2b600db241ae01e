"""deploy/nginx.conf with its placeholders filled in: one place for the tests and benchmarks
that serve the baked site (production fills them in as the README shows)."""

import getpass
from pathlib import Path

TEMPLATE = Path(__file__).with_name("nginx.conf")


def render(*, listen: str, upstream: str, bake_dir: Path, static_root: Path, run_dir: Path) -> str:
    conf = TEMPLATE.read_text()
    for name, value in {
        "@USER@": getpass.getuser(), "@LISTEN@": listen, "@UPSTREAM@": upstream,
        "@BAKE_DIR@": str(bake_dir), "@STATIC_ROOT@": str(static_root), "@RUN_DIR@": str(run_dir),
        "@MIME_TYPES@": "/etc/nginx/mime.types",
    }.items():  # fmt: skip
        conf = conf.replace(name, value)
    return conf
