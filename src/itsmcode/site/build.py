"""``itsm site build``: load the sources once, render every page, swap the site in.

The pages are rendered by templates compiled once and written straight into a fresh
directory beside ``--out`` (no per-file atomic dance: the whole directory is swapped in
at the end, so a failed build leaves the previous site intact).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

from itsmcode import __version__
from itsmcode.site import output
from itsmcode.site.pages import FOLDERS, Site
from itsmcode.site.sources import load


@dataclass(frozen=True)
class Built:
    out: Path
    pages: int
    commit: str | None
    dirty: bool


def build_site(
    root: Path,
    out: Path,
    *,
    at: str | None = None,
    force: bool = False,
    now: datetime,
    use_cache: bool = True,
) -> Built:
    fresh = output.prepare(out, root, force)
    try:
        sources = load(root, at, now, use_cache=use_cache)
        site = Site(sources)
        count = write_pages(site, fresh)
        copy_assets(fresh)
        made = sources.provenance
        output.write_marker(
            fresh,
            {
                "tool": "itsmcode",
                "version": __version__,
                "commit": made.commit,
                "builtAt": made.built_at.isoformat(),
            },
        )
    except BaseException:
        output.discard(fresh)
        raise
    output.swap(fresh, out)
    return Built(out, count, made.commit, made.dirty)


def write_pages(site: Site, directory: Path) -> int:
    from itsmcode.site.render import environment

    env = environment(ZoneInfo(site.catalog.config.spec.timezone))
    made = site.sources.provenance
    common = {"site": site, "made": made, "version": __version__}
    for folder in (*FOLDERS.values(), "reports"):
        (directory / folder).mkdir()
    templates: dict[str, object] = {}
    count = 0
    for page in site.pages_to_write():
        template = templates.get(page.template)
        if template is None:
            template = templates[page.template] = env.get_template(page.template)
        base = "../" * page.path.count("/")
        html = template.render(common, base=base, path=page.path, **page.context)  # type: ignore[attr-defined]
        with open(directory / page.path, "w", encoding="utf-8") as handle:
            handle.write(html)
        count += 1
    return count


def copy_assets(directory: Path) -> None:
    target = directory / "assets"
    target.mkdir()
    for item in resources.files("itsmcode.site").joinpath("assets").iterdir():
        if item.is_file() and not item.name.startswith("."):
            (target / item.name).write_bytes(item.read_bytes())
