"""Session fixtures of the browser tests: the example organisation's site built once by
the real CLI from a git repository with history, served from a localhost thread, and one
headless chromium for the whole session."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.audit.scripted import History
from tests.site.browser import Browser, artifacts_dir

PROJECT = Path(__file__).resolve().parents[2]


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
    # Names of the other entities with a page of their own, by folder of the site.
    others: dict[str, set[str]]

    def depends_on(self, name: str) -> set[str]:
        return {d["service"] for d in self.services[name]["spec"].get("dependsOn", [])}

    def dependents(self, name: str) -> set[str]:
        return {other for other in self.services if name in self.depends_on(other)}

    def neighbours(self, name: str) -> set[str]:
        """Services ``name`` depends on and services that depend on it."""
        return self.depends_on(name) | self.dependents(name)


def documents(pattern: str) -> dict[str, dict[str, Any]]:
    found = {}
    for path in sorted(PROJECT.glob(pattern)):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        found[doc["metadata"]["name"]] = doc
    return found


@pytest.fixture(scope="session")
def example() -> Example:
    others = {
        folder: set(documents(f"catalog/{folder}/*.yaml"))
        for folder in ("teams", "slas", "calendars")
    }
    others["changes"] = set(documents("changes/**/*.yaml"))
    return Example(documents("catalog/services/*.yaml"), others)


def tree(*parts: str) -> dict[str, str | None]:
    """The example's files under ``parts`` (folders or files), as a commit writes them."""
    found: dict[str, str | None] = {}
    for part in parts:
        source = PROJECT / part
        for path in [source] if source.is_file() else sorted(source.rglob("*")):
            if path.is_file():
                found[path.relative_to(PROJECT).as_posix()] = path.read_text(encoding="utf-8")
    return found


def without_review(files: dict[str, str | None], path: str) -> dict[str, str | None]:
    """The emergency change as first merged: its post-implementation review comes later."""
    text = files[path]
    assert text is not None and "\n  review:\n" in text, path
    head, rest = text.split("\n  review:\n", 1)
    tail = rest[rest.index("\n  links:") :]
    return {**files, path: head + tail}


@pytest.fixture(scope="session")
def example_repo(tmp_path_factory: pytest.TempPathFactory) -> History:
    """The example organisation as it would have grown: the catalog imported directly
    (an audit finding, as a bootstrap is), then pull requests merged as GitHub merges them,
    each with the approval record `itsm policy record` writes, by people of its teams."""
    repo = History(tmp_path_factory.mktemp("acme") / "acme-retail")

    @contextmanager
    def working_as(login: str) -> Iterator[None]:
        """Commits under the identity listed on the person's team entry (the policy ties
        commit identities to GitHub logins by it); GitHub's merges are its own."""
        email = f"{login.replace('-', '.')}@acme-retail.example"
        repo.env |= {"GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_EMAIL": email}
        try:
            yield
        finally:
            del repo.env["GIT_AUTHOR_EMAIL"], repo.env["GIT_COMMITTER_EMAIL"]

    def pull_request(
        number: int, author: str, files: dict[str, str | None], approvers: list[str]
    ) -> None:
        with working_as(author):
            base, head = repo.open_pull_request(number, author, files)
        repo.tick()
        repo.approve(repo.merge(number, base, head), author, approvers)

    with working_as("rachel-adeyemi"):
        repo.commit(
            "Import the Acme Retail catalog, processes and workflows",
            tree("itsm.yaml", "catalog", "processes", ".github"),
            "rachel-adeyemi",
        )
    pull_request(1, "yuki-tanaka", tree("incidents", "problems"), ["lena-schmidt"])
    emergency = "changes/2026/chg-2026-0036.yaml"
    owners = ["bob-nguyen", "yuki-tanaka", "lena-schmidt", "maria-lopez", "dmitri-ivanov"]
    changes = without_review(tree("changes"), emergency)
    pull_request(2, "alice-martin", changes, [*owners, "grace-obi", "tom-becker"])
    pull_request(3, "grace-obi", tree(emergency), ["bob-nguyen", "dmitri-ivanov", "alice-martin"])
    return repo


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """The browser's log reports failures; the server's access log is noise."""


@pytest.fixture(scope="session")
def built(example_repo: History, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``itsm site build`` of the example repository, run once for the session."""
    out = tmp_path_factory.mktemp("site") / "_site"
    result = example_repo.itsm("site", "build", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "index.html").is_file(), result.output
    return out


@pytest.fixture(scope="session")
def site(built: Path, example_repo: History) -> Iterator[Site]:
    """The built site served over http from 127.0.0.1 in a thread of this process."""
    handler = functools.partial(QuietHandler, directory=str(built))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield Site(built, example_repo.rev("HEAD"), f"http://{host!s}:{port}")
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
