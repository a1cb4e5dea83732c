"""A scripted pull request on a real git repository in a temp dir.

``PRRepo`` builds a base commit holding a small ITSM repository (teams, services, an
SLA, a freeze calendar and an approval policy), branches, commits the pull request's
changes, writes the reviews JSON in GitHub's REST shape and a ``pull_request`` event
payload in GitHub's webhook shape, and runs the real ``itsm policy`` CLI on them.
"""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from click.testing import Result

from tests.helpers import run_cli

CONFIG = """\
apiVersion: itsmcode/v1
kind: Config
metadata: {name: test-org}
spec:
  timezone: Europe/Berlin
  practices: [catalog, sla, change]
"""


def team(name: str, *members: str) -> str:
    lines = "".join(
        f"    - {{github: {m.split(':')[0]}"
        + (f", email: {m.split(':')[1]}" if ":" in m else "")
        + "}\n"
        for m in members
    )
    return (
        f"apiVersion: itsmcode/v1\nkind: Team\nmetadata: {{name: {name}}}\n"
        f"spec:\n  members:\n{lines}"
    )


def service(name: str, tier: int, owner: str, extra: str = "") -> str:
    return (
        f"apiVersion: itsmcode/v1\nkind: Service\nmetadata: {{name: {name}}}\nspec:\n"
        f"  type: technical\n  tier: {tier}\n  lifecycle: live\n  owner: {owner}\n"
        + textwrap.indent(textwrap.dedent(extra), "  ")
    )


def change(
    name: str,
    *,
    type: str = "normal",
    risk: str = "low",
    services: str = "[wiki]",
    status: str = "planned",
) -> str:
    return f"""\
apiVersion: itsmcode/v1
kind: ChangeRequest
metadata: {{name: {name}}}
spec:
  type: {type}
  services: {services}
  requester: pat
  risk: {risk}
  window: {{start: "2027-02-02T22:00:00+01:00", end: "2027-02-02T23:00:00+01:00"}}
  plan: {{implementation: Do it., backout: Undo it.}}
  status: {status}
"""


SLA_GOLD = """\
apiVersion: itsmcode/v1
kind: SLA
metadata: {name: gold}
spec:
  availability: {target: 99.9, window: 30d}
  targets:
    P1: {response: 15m, resolution: 4h}
"""

SLA_BRONZE = SLA_GOLD.replace("gold", "bronze").replace("99.9", "99.0").replace("4h", "2d")

CALENDAR = """\
apiVersion: itsmcode/v1
kind: Calendar
metadata: {name: change-freezes}
spec:
  timezone: Europe/Berlin
  freezes:
    - {name: year-end, start: "2026-12-18T00:00:00+01:00", end: "2027-01-04T00:00:00+01:00"}
"""

POLICY = """\
apiVersion: itsmcode/v1
kind: ApprovalPolicy
metadata: {name: approval-policy}
spec:
  options: {allowAuthor: false, allowCommitters: false, invalidateOnPush: true}
  defaultRule: {require: {count: 1}}
  freeze: {calendars: [change-freezes], exemptTypes: [emergency]}
  rules:
    - name: owners
      when: {kinds: [Service, SLA, ChangeRequest]}
      require: {ownersOf: affected, count: 1}
    - name: sla-loosened
      when: {sla: {loosened: true}}
      require: {teams: [service-management], count: 1}
    - name: high-risk
      when: {changeRequest: {risk: [high]}}
      require: {teams: [cab], count: 2}
    - name: tier-1
      when: {services: {tier: [1]}}
      require: {teams: [cab], count: 1}
    - name: emergency
      when: {changeRequest: {type: [emergency]}}
      require: {teams: [oncall], count: 1}
    - name: hotfix-label
      when: {labels: [hotfix]}
      require: {teams: [oncall], count: 1}
    - name: governance
      when: {paths: ["processes/**", ".github/**", "itsm.yaml"]}
      require: {teams: [governance], count: 2}
"""

POLICY_PATH = "processes/approval-policy.yaml"

BASE_FILES = {
    "itsm.yaml": CONFIG,
    "catalog/teams/payments.yaml": team("payments", "alice", "bob:bob@example.com"),
    "catalog/teams/platform.yaml": team("platform", "pat", "bobby"),
    "catalog/teams/cab.yaml": team("cab", "carol", "dave"),
    "catalog/teams/governance.yaml": team("governance", "gina", "gus"),
    "catalog/teams/oncall.yaml": team("oncall", "olga"),
    "catalog/teams/service-management.yaml": team("service-management", "sven"),
    "catalog/services/payments-api.yaml": service("payments-api", 1, "payments", "sla: gold\n"),
    "catalog/services/wiki.yaml": service("wiki", 4, "platform", "sla: bronze\n"),
    "catalog/services/checkout.yaml": service(
        "checkout", 2, "platform", "dependsOn:\n  - {service: payments-api, type: hard}\n"
    ),
    "catalog/slas/gold.yaml": SLA_GOLD,
    "catalog/slas/bronze.yaml": SLA_BRONZE,
    "catalog/calendars/change-freezes.yaml": CALENDAR,
    POLICY_PATH: POLICY,
}

QUIET = "2026-11-24T10:00:00+01:00"
COMMITTED = "2026-11-01T08:00:00+00:00"
FROZEN = "2026-12-20T12:00:00+01:00"


def _git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def github_commits(
    root: Path, base: str, head: str, accounts: Mapping[str, str | None]
) -> list[dict[str, Any]]:
    """GitHub's REST list of a pull request's commits (``GET /repos/{o}/{r}/pulls/{n}/
    commits``) for ``base..head`` of the repository at ``root``, oldest first as GitHub
    lists them. ``accounts`` maps an e-mail to the login GitHub ties it to (an account's
    verified e-mail); any other e-mail gets ``"author": null`` / ``"committer": null``."""
    fields = _git(
        root,
        "log",
        "--reverse",
        "-z",
        "--format=%H%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%T%x00%P%x00%B",
        f"{base}..{head}",
    ).split("\0")
    api = "https://api.github.com/repos/acme/itsm"
    found = []
    for i in range(0, len(fields) - 9, 10):
        sha, an, ae, ad, cn, ce, cd, tree, parents, message = fields[i : i + 10]

        def account(email: str) -> dict[str, Any] | None:
            login = accounts.get(email)
            if login is None:
                return None
            return {
                "login": login,
                "id": 5000 + len(login),
                "node_id": f"U_{login}",
                "avatar_url": f"https://avatars.githubusercontent.com/u/{5000 + len(login)}?v=4",
                "url": f"https://api.github.com/users/{login}",
                "html_url": f"https://github.com/{login}",
                "type": "Bot" if login.endswith("[bot]") else "User",
                "site_admin": False,
            }

        found.append(
            {
                "sha": sha,
                "node_id": f"C_{sha[:10]}",
                "commit": {
                    "author": {"name": an, "email": ae, "date": ad},
                    "committer": {"name": cn, "email": ce, "date": cd},
                    "message": message.rstrip("\n"),
                    "tree": {"sha": tree, "url": f"{api}/git/trees/{tree}"},
                    "url": f"{api}/git/commits/{sha}",
                    "comment_count": 0,
                    "verification": {
                        "verified": False,
                        "reason": "unsigned",
                        "signature": None,
                        "payload": None,
                        "verified_at": None,
                    },
                },
                "url": f"{api}/commits/{sha}",
                "html_url": f"https://github.com/acme/itsm/commit/{sha}",
                "comments_url": f"{api}/commits/{sha}/comments",
                "author": account(ae),
                "committer": account(ce),
                "parents": [
                    {
                        "sha": p,
                        "url": f"{api}/commits/{p}",
                        "html_url": f"https://github.com/acme/itsm/commit/{p}",
                    }
                    for p in parents.split()
                ],
            }
        )
    return found


def paginated(items: list[dict[str, Any]], page: int = 2) -> str:
    """A JSON array as ``gh api --paginate`` prints it: one array per page, back to back."""
    pages = [items[i : i + page] for i in range(0, len(items), page)] or [[]]
    return "".join(json.dumps(chunk) for chunk in pages)


def review_list(
    entries: tuple[tuple[str, str] | tuple[str, str, str] | tuple[str, str, str | None, str], ...],
    head: str,
    number: int = 7,
) -> list[dict[str, Any]]:
    """GitHub's REST list of reviews of pull request ``number``: (login, STATE[, commit[,
    body]]) in submission order; a commit of None (or none given) is ``head``."""
    items = []
    page = f"https://github.com/acme/itsm/pull/{number}"
    for i, entry in enumerate(entries):
        login, state = entry[0], entry[1]
        commit = (entry[2] if len(entry) > 2 else None) or head
        body = entry[3] if len(entry) > 3 else ""
        items.append(
            {
                "id": 100 + i,
                "node_id": f"PRR_{i}",
                "user": {"login": login, "id": 10 + i, "type": "User"},
                "body": body,
                "state": state,
                "html_url": f"{page}#pullrequestreview-{100 + i}",
                "pull_request_url": f"https://api.github.com/repos/acme/itsm/pulls/{number}",
                "author_association": "MEMBER",
                "submitted_at": f"2026-11-20T10:{i:02d}:00Z",
                "commit_id": commit,
            }
        )
    return items


class PRRepo:
    """A repository with ``main`` (the base) and a ``pr`` branch (the pull request)."""

    def __init__(self, root: Path, base_files: dict[str, str | None] | None = None) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        files: dict[str, str | None] = dict(BASE_FILES)
        files.update(base_files or {})
        self.apply(files)
        self.base = self.commit("base", "maintainer@example.com")
        self.git("checkout", "-q", "-b", "pr")
        self.head = self.base

    def git(self, *args: str) -> str:
        env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
        if "commit" in args:
            # Commits at a fixed time before every merge a test makes: a merge dated
            # before its parent is judged at the parent's date (policy record).
            env.update(GIT_AUTHOR_DATE=COMMITTED, GIT_COMMITTER_DATE=COMMITTED)
        done = subprocess.run(
            ["git", *args], cwd=self.root, capture_output=True, text=True, env=env, check=True
        )
        return done.stdout.strip()

    def apply(self, files: dict[str, str | None]) -> None:
        for path, text in files.items():
            target = self.root / path
            if text is None:
                target.unlink(missing_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")

    def commit(
        self, message: str, email: str = "alice@users.noreply.github.com", name: str = "Alice"
    ) -> str:
        self.git("add", "-A")
        self.git(
            "-c",
            f"user.name={name}",
            "-c",
            f"user.email={email}",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            message,
        )
        return self.git("rev-parse", "HEAD")

    def push(
        self,
        files: dict[str, str | None],
        message: str = "change",
        email: str = "alice@users.noreply.github.com",
    ) -> str:
        """Commit on the PR branch; returns the new head."""
        self.apply(files)
        self.head = self.commit(message, email)
        return self.head

    def rename(self, old: str, new: str) -> str:
        self.git("mv", old, new)
        self.head = self.commit(f"rename {old}")
        return self.head

    # -- GitHub-shaped inputs ------------------------------------------------------
    def commits(self, accounts: Mapping[str, str | None]) -> Path:
        """GitHub's list of the PR's commits, paginated (see ``github_commits``)."""
        items = github_commits(self.root, self.base, self.head, accounts)
        path = self.root.parent / f"commits-{len(list(self.root.parent.glob('commits-*')))}.json"
        path.write_text(paginated(items), encoding="utf-8")
        return path

    def event(
        self,
        author: str = "alice",
        labels: tuple[str, ...] = (),
        sender: str | None = None,
        action: str = "synchronize",
        review: dict[str, Any] | None = None,
    ) -> Path:
        """A pull_request (or, with ``review``, pull_request_review) webhook payload."""
        user = {"login": author, "id": 1, "type": "User", "site_admin": False}
        payload: dict[str, Any] = {
            "action": action,
            "number": 7,
            "pull_request": {
                "url": "https://api.github.com/repos/acme/itsm/pulls/7",
                "number": 7,
                "state": "open",
                "title": "A change",
                "user": user,
                "labels": [
                    {"id": i, "name": n, "color": "ededed", "default": False}
                    for i, n in enumerate(labels)
                ],
                "merged": False,
                "merge_commit_sha": None,
                "head": {"label": "acme:pr", "ref": "pr", "sha": self.head, "user": user},
                "base": {
                    "label": "acme:main",
                    "ref": "main",
                    "sha": self.base,
                    "user": {"login": "acme", "id": 2, "type": "Organization"},
                },
            },
            "repository": {"full_name": "acme/itsm"},
            "sender": {"login": sender or author, "id": 3, "type": "User"},
        }
        if review is not None:
            payload["review"] = review
            payload["action"] = "submitted"
        path = self.root.parent / f"event-{len(list(self.root.parent.glob('event-*')))}.json"
        path.write_text(json.dumps(payload), encoding="utf-8")
        return path

    def reviews(
        self, *entries: tuple[str, str] | tuple[str, str, str] | tuple[str, str, str | None, str]
    ) -> Path:
        """(login, STATE[, commit[, body]]) in submission order, as the REST API lists
        them; a commit of None is the head."""
        path = self.root.parent / f"reviews-{len(list(self.root.parent.glob('reviews-*')))}.json"
        path.write_text(json.dumps(review_list(entries, self.head)), encoding="utf-8")
        return path

    def check(
        self,
        *extra: str,
        reviews: Path | None = None,
        event: Path | None = None,
        now: str = QUIET,
        fmt: str = "json",
    ) -> tuple[int, Any, Result]:
        """Run ``itsm policy check``; (exit code, parsed JSON or text, click result)."""
        args = [
            "policy",
            "check",
            "--repo",
            str(self.root),
            "--now",
            now,
            "--format",
            fmt,
            "--event",
            str(event or self.event()),
        ]
        if reviews is not None:
            args += ["--reviews", str(reviews)]
        result = run_cli([*args, *extra], env={"GITHUB_STEP_SUMMARY": ""})
        data = json.loads(result.output) if fmt == "json" and result.exit_code < 2 else None
        return result.exit_code, data, result


def rules(data: Any, source: int = 0) -> dict[str, str]:
    """Rule name -> status of one decision (0: base policy, 1: head policy)."""
    return {r["name"]: r["status"] for r in data["decisions"][source]["rules"]}


def rule(data: Any, name: str, source: int = 0) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in data["decisions"][source]["rules"] if r["name"] == name)
    return found


def merge(repo: PRRepo, when: str) -> str:
    """Merge the pull request with --no-ff, committed (as GitHub does) at ``when``."""
    repo.git("checkout", "-q", "main")
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
    }
    identity = ["-c", "user.name=GitHub", "-c", "user.email=noreply@github.com"]
    subprocess.run(
        ["git", *identity, "merge", "-q", "--no-ff", "-m", "Merge pull request #7", "pr"],
        cwd=repo.root,
        env=env,
        check=True,
        capture_output=True,
    )
    return repo.git("rev-parse", "HEAD")
