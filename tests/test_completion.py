"""Shell completion (docs/editors.md): click's completion protocol through the real
``itsm`` entry point; bash runs the generated script for real."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"


def itsm(tmp_path: Path) -> Path:
    """An ``itsm`` executable on a private PATH running this checkout."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    shim = bin_dir / "itsm"
    shim.write_text(
        f'#!/bin/sh\nPYTHONPATH={SRC} exec {sys.executable} -m itsmcode "$@"\n', encoding="utf-8"
    )
    shim.chmod(0o755)
    return bin_dir


def complete(tmp_path: Path, **env: str) -> str:
    bin_dir = itsm(tmp_path)
    done = subprocess.run(
        ["itsm"],
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "_itsm_completion() {"),
        ("zsh", "#compdef itsm"),
        ("fish", "complete --no-files --command itsm"),
    ],
)
def test_the_completion_script_is_produced(tmp_path: Path, shell: str, marker: str) -> None:
    assert marker in complete(tmp_path, _ITSM_COMPLETE=f"{shell}_source")


@pytest.mark.parametrize(
    ("shell", "words", "cword", "expected"),
    [
        ("bash", "itsm li", "1", "plain,lint"),
        ("bash", "itsm export co", "2", "plain,codeowners"),
        ("bash", "itsm import b", "2", "plain,backstage"),
        ("zsh", "itsm li", "1", "plain\nlint\n"),
        ("fish", "itsm li", "li", "plain,lint"),
    ],
)
def test_completing_offers_the_command(
    tmp_path: Path, shell: str, words: str, cword: str, expected: str
) -> None:
    out = complete(tmp_path, _ITSM_COMPLETE=f"{shell}_complete", COMP_WORDS=words, COMP_CWORD=cword)
    assert expected in out


def test_bash_completes_itsm_li_to_lint(tmp_path: Path) -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    bin_dir = itsm(tmp_path)
    script = (
        'eval "$(_ITSM_COMPLETE=bash_source itsm)"\n'
        "COMP_WORDS=(itsm li); COMP_CWORD=1\n"
        "_itsm_completion itsm\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(
        [bash, "--norc", "--noprofile", "-c", script],
        env={"PATH": f"{bin_dir}:{os.defpath}"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, "lint\n"), done.stderr
