"""Make the Great Expectations Data Docs open offline: CDN scripts and styles become local files.

GX's pages load Bootstrap, jQuery, Vega and friends from CDNs and ping a logo on S3. Here the
same files come from the npm registry once (`tartip docs-assets`, run by `make install`) into
data/vendor/gx-docs/, are copied next to the pages, and every page is rewritten to use them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from pipelines.paths import DATA

VENDOR = DATA / "vendor" / "gx-docs"

# URL prefix in the pages -> (npm package@version, path inside the package, local file name)
ASSETS = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css":
        ("bootstrap@4.3.1", "dist/css/bootstrap.min.css", "bootstrap.min.css"),
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js":
        ("bootstrap@4.3.1", "dist/js/bootstrap.min.js", "bootstrap.min.js"),
    "https://code.jquery.com/jquery-3.7.1.min.js": ("jquery@3.7.1", "dist/jquery.min.js", "jquery.min.js"),
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js":
        ("popper.js@1.12.9", "dist/umd/popper.min.js", "popper.min.js"),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css":
        ("bootstrap-table@1.19.1", "dist/bootstrap-table.min.css", "bootstrap-table.min.css"),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js":
        ("bootstrap-table@1.19.1", "dist/bootstrap-table.min.js", "bootstrap-table.min.js"),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js":
        ("bootstrap-table@1.19.1", "dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
         "bootstrap-table-filter-control.min.js"),
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css":
        ("bootstrap-table@1.19.1", "dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
         "bootstrap-table-filter-control.min.css"),
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css":
        ("bootstrap-table@1.19.1", "dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
         "bootstrap-table-filter-control.min.css"),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css":
        ("bootstrap-datepicker@1.9.0", "dist/css/bootstrap-datepicker.min.css", "bootstrap-datepicker.min.css"),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js":
        ("bootstrap-datepicker@1.9.0", "dist/js/bootstrap-datepicker.min.js", "bootstrap-datepicker.min.js"),
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css":
        ("@fortawesome/fontawesome-free@6.6.0", "css/all.min.css", "css/all.min.css"),
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css":
        ("@forevolve/bootstrap-dark@1.1.0", "dist/css/bootstrap-prefers-dark.css", "bootstrap-prefers-dark.css"),
    "https://cdn.jsdelivr.net/npm/vega@5": ("vega@5", "build/vega.min.js", "vega.min.js"),
    "https://cdn.jsdelivr.net/npm/vega-lite@5": ("vega-lite@5", "build/vega-lite.min.js", "vega-lite.min.js"),
    "https://cdn.jsdelivr.net/npm/vega-embed@6": ("vega-embed@6", "build/vega-embed.min.js", "vega-embed.min.js"),
}
EXTRA_DIRS = {"@fortawesome/fontawesome-free@6.6.0": ("webfonts", "webfonts")}  # all.min.css uses ../webfonts
_S3_LOGO = re.compile(r'https://great-expectations-web-assets\.s3[^"\']*?/logo-long\.png[^"\']*')
_EXTERNAL = re.compile(r'(?:src|href)="(https?://[^"]+)"')


def fetch(dest: Path = VENDOR) -> list[str]:
    """Download the assets from the npm registry into dest; return what could not be had."""
    dest.mkdir(parents=True, exist_ok=True)
    missing = []
    packages = sorted({spec for spec, _, _ in ASSETS.values()})
    with tempfile.TemporaryDirectory() as tmp:
        for spec in packages:
            wanted = {inner: local for s, inner, local in ASSETS.values() if s == spec}
            if all((dest / local).exists() for local in wanted.values()):
                continue
            out = subprocess.run(["npm", "pack", spec, "--silent", "--pack-destination", tmp],
                                 capture_output=True, text=True)
            if out.returncode:
                missing.append(spec)
                continue
            tgz = Path(tmp) / out.stdout.strip().splitlines()[-1]
            with tarfile.open(tgz) as tar:
                for member in tar.getmembers():
                    inner = member.name.removeprefix("package/")
                    target = wanted.get(inner)
                    extra = EXTRA_DIRS.get(spec)
                    if target is None and extra and inner.startswith(extra[0] + "/"):
                        target = extra[1] + inner[len(extra[0]):]
                    if target and member.isfile():
                        (dest / target).parent.mkdir(parents=True, exist_ok=True)
                        (dest / target).write_bytes(tar.extractfile(member).read())
    return missing


def localise(site: Path, vendor: Path = VENDOR) -> int:
    """Rewrite every page of a Data Docs site to local assets; return the pages changed."""
    target = site / "static" / "vendor"
    if vendor.exists():
        shutil.copytree(vendor, target, dirs_exist_ok=True)
    changed = 0
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        depth = len(page.relative_to(site).parts) - 1
        up = "../" * depth
        new = _S3_LOGO.sub(f"{up}static/images/logo-long.png", html)
        for url, (_, _, local) in ASSETS.items():
            new = new.replace(f'"{url}"', f'"{up}static/vendor/{local}"')
        if new != html:
            page.write_text(new, encoding="utf-8")
            changed += 1
    return changed


def external_assets(site: Path) -> set[str]:
    """Scripts, styles and images a page would still load from the network (links aside)."""
    found = set()
    for page in site.rglob("*.html"):
        for m in re.finditer(r'<(?:script|img)[^>]*src="(https?://[^"]+)"|<link[^>]*href="(https?://[^"]+)"',
                             page.read_text(encoding="utf-8")):
            found.add(m.group(1) or m.group(2))
    return found
