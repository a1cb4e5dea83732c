"""Who wrote a pull request: every author, committer and co-author of its commits,
tied to GitHub logins (policy.md, property 10).

The commits come from git (``base..head``) and, when the workflow passes it, from
GitHub's list of the pull request's commits, which says which account GitHub tied
each author and committer e-mail to (``author.login``, ``committer.login``). Both are
read: the git range holds every commit even past the 250 GitHub lists, and GitHub's
list names accounts for e-mails nobody listed. ``Co-authored-by:`` trailers are read
from the messages; GitHub ties no account to them, so they go through the e-mails.

An identity is tied to a login by any of: GitHub's login for that commit, a team
member's ``email`` in the base catalog, or a GitHub noreply address. Every tie counts
(a person may have several accounts: each is barred). One that nothing ties is
*unknown*: whoever it is could approve, so the policy fails closed unless it says
``allowUnknownCommitters`` (evaluate.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from itsmcode.git.facts import GitCommit, Identity
from itsmcode.load.catalog import Catalog
from itsmcode.models import Team
from itsmcode.policy.github import PullCommit, normalize_login, valid_author

# GitHub's noreply addresses (``12345+login@`` or the older ``login@``); apps' bots
# (``49699333+dependabot[bot]@``) are accounts too, though never approvers.
_NOREPLY = re.compile(
    r"^(?:\d+\+)?([A-Za-z0-9-]+(?:\[bot\])?)@users\.noreply\.github\.com$", re.I | re.ASCII
)
# The committer GitHub itself writes for commits made on github.com: account web-flow.
_WEB_FLOW = "noreply@github.com"
# A trailer line; the key compares case-insensitively, as git and GitHub read it.
_CO_AUTHOR = re.compile(r"^[ \t]*co-authored-by[ \t]*:[ \t]*(.*?)[ \t\r]*$", re.I | re.M)
_ANGLED = re.compile(r"<([^<>]*)>")
_BARE_EMAIL = re.compile(r"[^\s<>@]+@[^\s<>@]+")


@dataclass(frozen=True)
class Writer:
    """One person a commit names, and the login GitHub tied to it (if it did)."""

    role: str  # author | committer | co-author
    name: str
    email: str
    commit: str
    login: str | None = None

    @property
    def label(self) -> str:
        who = f"{self.name} <{self.email}>" if self.name else f"<{self.email}>"
        return f"{who} ({self.role} of {self.commit[:12]})"


@dataclass(frozen=True)
class Writers:
    """The logins of everyone who wrote the pull request, and who could not be tied."""

    logins: frozenset[str]
    unknown: tuple[str, ...]  # one label per untied name and e-mail, first commit named
    #: Commits of git's range that GitHub's list (when given) does not hold.
    unlisted: tuple[str, ...] = ()


def co_authors(message: str) -> list[Identity]:
    """``Co-authored-by: Name <email>`` trailers of a commit message, every one of them.

    Read on any line, not only the last paragraph, and every ``<email>`` of a line
    (``A <a@x>, B <b@y>`` names two people): naming one more person never lets a change
    through, missing one might. A bare ``a@x`` is an e-mail; anything else without
    ``<email>`` keeps its text as the name and no e-mail, which nothing can tie (so it
    is unknown, never dropped).
    """
    found = []
    for match in _CO_AUTHOR.finditer(message):
        value = match.group(1)
        start = 0
        for angled in _ANGLED.finditer(value):
            # The name of each person is the text since the previous one's ">".
            name = value[start : angled.start()].strip().strip(",;").strip()
            found.append(Identity(name, angled.group(1).strip()))
            start = angled.end()
        if start:
            continue
        if _BARE_EMAIL.fullmatch(value):
            found.append(Identity("", value))
        else:
            found.append(Identity(value, ""))
    return found


def writers(
    git_commits: Sequence[GitCommit],
    github_commits: Sequence[PullCommit] | None,
    base: Catalog,
) -> Writers:
    """Tie every writer of the pull request's commits to logins (see the module doc)."""
    emails = member_emails(base)
    logins: set[str] = set()
    unknown: dict[tuple[str, str], str] = {}
    for writer in _all_writers(git_commits, github_commits or ()):
        tied = _ties(writer, emails)
        if tied is None:
            unknown.setdefault((writer.name, writer.email.lower()), writer.label)
        else:
            logins |= tied
    listed = {gh.sha for gh in github_commits or ()}
    unlisted = tuple(
        c.sha for c in git_commits if github_commits is not None and c.sha not in listed
    )
    return Writers(frozenset(logins), tuple(unknown.values()), unlisted)


def member_emails(base: Catalog) -> dict[str, str]:
    """Lower-cased e-mail -> login of every team member of the base catalog listing one."""
    found: dict[str, str] = {}
    for team in base.all(Team):
        for member in team.spec.members:
            if member.email:
                found[member.email.strip().lower()] = member.github.lower()
    return found


def email_login(email: str, emails: dict[str, str]) -> str | None:
    """The login an e-mail stands for: a team member's listed e-mail, a GitHub noreply
    address or GitHub's own web-flow committer. "" for a bot (tied, but no approver)."""
    address = email.strip().lower()
    if address in emails:
        return emails[address]
    if address == _WEB_FLOW:
        return "web-flow"
    match = _NOREPLY.match(address)
    if match is None:
        return None
    return normalize_login(match.group(1)) or ("" if valid_author(match.group(1)) else None)


def _ties(writer: Writer, emails: dict[str, str]) -> set[str] | None:
    """The logins one writer is tied to (maybe none, for a bot), or None: unknown."""
    tied: set[str] = set()
    known = False
    if writer.login is not None and valid_author(writer.login):
        known = True
        login = normalize_login(writer.login)
        if login:
            tied.add(login)
    by_email = email_login(writer.email, emails)
    if by_email is not None:
        known = True
        if by_email:
            tied.add(by_email)
    return tied if known else None


def _all_writers(
    git_commits: Iterable[GitCommit], github_commits: Sequence[PullCommit]
) -> Iterator[Writer]:
    # A sha GitHub lists twice (pages fetched across a force-push, an edited file) keeps
    # every listing: each login tied to it counts, none overrides another.
    listed: dict[str, list[PullCommit]] = {}
    for gh in github_commits:
        listed.setdefault(gh.sha, []).append(gh)
    seen: set[str] = set()
    for commit in git_commits:
        seen.add(commit.sha)
        for author, committer in [
            (g.author.login, g.committer.login) for g in listed.get(commit.sha, ())
        ] or [(None, None)]:
            yield Writer("author", *_fields(commit.author), commit.sha, author)
            yield Writer("committer", *_fields(commit.committer), commit.sha, committer)
        yield from _co_writers(commit.message, commit.sha)
    # GitHub may list commits git's range does not hold (the head moved since): theirs too.
    for gh in github_commits:
        if gh.sha in seen:
            continue
        for role, person in (("author", gh.author), ("committer", gh.committer)):
            yield Writer(role, person.name, person.email, gh.sha, person.login)
        yield from _co_writers(gh.message, gh.sha)


def _fields(identity: Identity) -> tuple[str, str]:
    return identity.name, identity.email


def _co_writers(message: str, sha: str) -> Iterator[Writer]:
    for person in co_authors(message):
        yield Writer("co-author", person.name, person.email, sha)
