"""Session fixtures of the browser tests: the example organisation's site built once by
the real CLI from a git repository with history, served from a localhost thread, and one
headless chromium for the whole session."""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.diff.gitrepo import GitRepo
from tests.site.browser import Browser, artifacts_dir

PROJECT = Path(__file__).resolve().parents[2]

# The example organisation (Acme Retail) at the project root, committed in three steps so
# the site's history and audit pages have more than one commit to show.
HISTORY = (
    ("Acme Retail: configuration, catalog and processes", ("itsm.yaml", "catalog", "processes")),
    ("Acme Retail: workflows", (".github",)),
    ("Acme Retail: change records, incidents and problems", ("changes", "incidents", "problems")),
)


@dataclass(frozen=True)
class Site:
    """A built site: its folder, the commit it was built from, and the URL serving it."""

    root: Path
    commit: str
    url: str

    def page(self, relative: str) -> str:
        return f"{self.url}/{relative}"


@dataclass(frozen=True)
class Example:
    """The example catalog as the tests read it themselves, straight from the YAML."""

    services: dict[str, dict[str, Any]]
    # Names of the other entities with a page of their own: teams, slas, calendars.
    others: dict[str, set[str]]

    def depends_on(self, name: str) -> set[str]:
        return {d["service"] for d in self.services[name]["spec"].get("dependsOn", [])}

    def dependents(self, name: str) -> set[str]:
        return {other for other in self.services if name in self.depends_on(other)}

    def neighbours(self, name: str) -> set[str]:
        """Services ``name`` depends on and services that depend on it."""
        return self.depends_on(name) | self.dependents(name)


def documents(folder: str) -> dict[str, dict[str, Any]]:
    found = {}
    for path in sorted((PROJECT / "catalog" / folder).glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        found[doc["metadata"]["name"]] = doc
    return found


@pytest.fixture(scope="session")
def example() -> Example:
    others = {folder: set(documents(folder)) for folder in ("teams", "slas", "calendars")}
    return Example(documents("services"), others)


@pytest.fixture(scope="session")
def example_repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    repo = GitRepo(tmp_path_factory.mktemp("acme") / "acme-retail").init()
    for message, parts in HISTORY:
        for part in parts:
            source = PROJECT / part
            if source.is_dir():
                shutil.copytree(source, repo.root / part)
            else:
                shutil.copy(source, repo.root / part)
        repo.commit(message)
    return repo


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """The browser's log reports failures; the server's access log is noise."""


@pytest.fixture(scope="session")
def built(example_repo: GitRepo, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``itsm site build`` of the example repository, run once for the session."""
    out = tmp_path_factory.mktemp("site") / "_site"
    result = example_repo.itsm("site", "build", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "index.html").is_file(), result.output
    return out


@pytest.fixture(scope="session")
def site(built: Path, example_repo: GitRepo) -> Iterator[Site]:
    """The built site served over http from 127.0.0.1 in a thread of this process."""
    handler = functools.partial(QuietHandler, directory=str(built))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield Site(built, example_repo.git("rev-parse", "HEAD"), f"http://{host!s}:{port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    chromium = Browser(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield chromium
    finally:
        chromium.quit()


@pytest.fixture(scope="session")
def browser_without_js(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """A second chromium with JavaScript turned off, as some readers (and auditors) run."""
    chromium = Browser(tmp_path_factory.mktemp("chromium-nojs-profile"), javascript=False)
    try:
        yield chromium
    finally:
        chromium.quit()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    return artifacts_dir(PROJECT)
