"""The built site in a real browser: Debian's headless chromium driven by selenium.

One `Browser` per test session. `Browser.visit` loads a page and reports what a user (or
an auditor offline) would suffer from: console errors, requests that failed, and
requests that left the site (the site promises that nothing is fetched from elsewhere).
Console messages come from the ``browser`` log, requests from chromium's ``performance``
log (DevTools Network events), both enabled with ``goog:loggingPrefs``.
"""

from __future__ import annotations

import base64
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"

# Headless and quiet: no GPU, no QUIC, and none of chromium's own background traffic
# (updates, sync, safe browsing lists), so every request in the log is the page's own.
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,800",
    "--hide-scrollbars",  # screenshots as wide as the viewport
)

# Schemes that never leave the page (inline images, generated blobs).
LOCAL_SCHEMES = frozenset({"data", "blob", "about"})
# chromium's own pages (the first tab's new-tab page loads chrome://resources): a web page
# cannot request these, so they are never the site's.
BROWSER_SCHEMES = frozenset({"chrome", "chrome-extension", "devtools"})


def unavailable(reason: str) -> NoReturn:
    """A missing browser, driver or axe-core: a failure in CI (CI=true, as GitHub sets it,
    where .ci/run installs them), a skip with the reason on a developer's machine."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the browser tests must run here)", pytrace=False)
    pytest.skip(reason)


@dataclass
class Visit:
    """One page load and everything that went wrong with it."""

    url: str
    status: int | None = None
    console: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return (
            [f"console: {m}" for m in self.console]
            + [f"failed request: {m}" for m in self.failed]
            + [f"request outside the site: {m}" for m in self.outside]
        )


def same_site(page: str, request: str) -> bool:
    """A request stays on the site: same scheme and host as the page, or never leaves it."""
    target = urlsplit(request)
    if target.scheme in LOCAL_SCHEMES:
        return True
    origin = urlsplit(page)
    return (target.scheme, target.netloc) == (origin.scheme, origin.netloc)


def network_events(entries: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    for entry in entries:
        message = json.loads(entry["message"])["message"]
        if message.get("method", "").startswith("Network."):
            yield message["method"], message.get("params", {})


class Browser:
    """A headless chromium session; pages are visited one at a time."""

    def __init__(self, profile: Path, *, javascript: bool = True) -> None:
        if not CHROMIUM.is_file() or not CHROMEDRIVER.is_file():
            unavailable(
                f"{CHROMIUM} or {CHROMEDRIVER} missing (apt-get install chromium chromium-driver)"
            )
        try:
            from selenium import webdriver
            from selenium.webdriver.chrome.service import Service
        except ImportError:
            unavailable("selenium is not installed (pip install -e '.[test]')")
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={profile}")
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        if not javascript:
            # The content setting a reader flips to turn JavaScript off: page scripts do not
            # run, the driver's own (isolated) scripts still do.
            options.add_experimental_option(
                "prefs", {"profile.managed_default_content_settings.javascript": 2}
            )
        self.driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
        self.driver.set_page_load_timeout(60)
        self.driver.set_script_timeout(60)

    def quit(self) -> None:
        self.driver.quit()

    def drain(self) -> None:
        """Forget the logs of earlier pages."""
        self.driver.get_log("browser")
        self.driver.get_log("performance")

    def visit(self, url: str) -> Visit:
        """Load ``url`` and wait until it settled (document.readyState complete, then a
        short quiet moment for any late request), then collect what went wrong."""
        self.drain()
        self.driver.get(url)
        # Polled from here, not awaited in the page: without JavaScript the page has no
        # timers, and the driver's synchronous scripts are all that runs.
        deadline = time.monotonic() + 30
        while self.script("return document.readyState") != "complete":
            if time.monotonic() > deadline:
                raise AssertionError(f"{url} did not finish loading in 30 s")
            time.sleep(0.02)
        time.sleep(0.1)
        return self.collect(url)

    def collect(self, url: str) -> Visit:
        """Console errors and request failures logged since the last drain."""
        visit = Visit(url)
        for entry in self.driver.get_log("browser"):
            if entry.get("level") == "SEVERE":
                visit.console.append(entry.get("message", ""))
        # Only requests of the visited page's documents count: chromium's own start-up tab
        # (the new-tab page, chrome:// URLs) logs into the same stream.
        requested: dict[str, str] = {}
        for method, params in network_events(self.driver.get_log("performance")):
            if method == "Network.requestWillBeSent":
                target = params["request"]["url"]
                document = params.get("documentURL", target)
                if {urlsplit(target).scheme, urlsplit(document).scheme} & BROWSER_SCHEMES:
                    continue
                requested[params["requestId"]] = target
                if not same_site(url, target):
                    visit.outside.append(target)
            elif params.get("requestId") not in requested:
                continue
            elif method == "Network.responseReceived":
                response = params["response"]
                if response["url"].split("#")[0] == url.split("#")[0]:
                    visit.status = response["status"]
                if response["status"] >= 400:
                    visit.failed.append(f"{response['url']}: HTTP {response['status']}")
            elif method == "Network.loadingFailed":
                target = requested[params["requestId"]]
                reason = params.get("blockedReason") or params.get("errorText", "failed")
                visit.failed.append(f"{target}: {reason}")
        return visit

    def script(self, source: str, *args: Any) -> Any:
        return self.driver.execute_script(source, *args)

    def axe(self, impacts: frozenset[str] = frozenset({"serious", "critical"})) -> list[str]:
        """axe-core's violations of the loaded page at the given impacts, one line each:
        rule, impact, help and the first offending elements."""
        if not AXE.is_file():
            unavailable(f"{AXE} missing (npm ci --prefix tests/site)")
        self.driver.execute_script(AXE.read_text(encoding="utf-8"))
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']})"
            ".then(r => done(r.violations), e => done({error: String(e)}));"
        )
        if isinstance(result, dict):
            raise AssertionError(f"axe-core failed: {result['error']}")
        return [
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + "; ".join(" ".join(n["target"]) for n in v["nodes"][:3])
            for v in result
            if v.get("impact") in impacts
        ]

    @contextmanager
    def print_media(self) -> Iterator[None]:
        """CSS evaluated for print (@media print), as when an auditor prints the page."""
        self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        try:
            yield
        finally:
            self.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

    @contextmanager
    def viewport(self, width: int, height: int) -> Iterator[None]:
        """An exact viewport (the window's size includes no browser chrome in headless
        mode, but its height is not the page's): for screenshots of a known size."""
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        try:
            yield
        finally:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    def screenshot(self, path: Path, *, height: int | None = None) -> Path:
        """A PNG of the page at the window's width: the viewport, or the page's top
        ``height`` pixels (scrolling content included)."""
        params: dict[str, Any] = {"format": "png"}
        if height is not None:
            width = self.script("return document.documentElement.clientWidth")
            full = self.script("return document.documentElement.scrollHeight")
            params |= {
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width, "height": min(height, full), "scale": 1},
            }
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", params)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def print_pdf(self, path: Path) -> Path:
        """The page printed (A4, print stylesheet) as chromium's print dialog would."""
        pdf = self.driver.execute_cdp_cmd(
            "Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": True}
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(pdf["data"]))
        return path


def artifacts_dir(root: Path) -> Path:
    """Where screenshots go: $ITSM_TEST_ARTIFACTS/site, else test-artifacts/site at the
    repository root (gitignored)."""
    base = os.environ.get("ITSM_TEST_ARTIFACTS")
    folder = (Path(base) if base else root / "test-artifacts") / "site"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
