"""docs/reference: generated pages are fresh, complete, and their examples and links work."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import jsonschema
import pytest

from itsmcode.lint.rules import DEFAULT_SEVERITY, LOAD_CHECKS, RULES
from itsmcode.load.snapshot import load_record
from itsmcode.load.yamlio import Limits, parse
from itsmcode.models import MODELS
from itsmcode.models import jsonschema as schema

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "tools"))
import docgen  # noqa: E402  (tools/ is a script folder, not in the wheel)

REFERENCE = PROJECT / "docs" / "reference"
REGENERATE = "python tools/docgen.py"


def page(name: str) -> str:
    return (REFERENCE / name).read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    """The text under ``heading`` up to the next heading of the same or a higher level
    (lines inside fenced code blocks, such as YAML comments, are not headings)."""
    level = len(heading.split(" ", 1)[0])
    lines = text.splitlines()
    start = lines.index(heading) + 1
    fenced = False
    for end in range(start, len(lines)):
        if lines[end].startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(rf"^#{{1,{level}}} ", lines[end]):
            return "\n".join(lines[start:end])
    return "\n".join(lines[start:])


# --- drift -----------------------------------------------------------------------------


def test_generated_reference_pages_are_fresh() -> None:
    # Fails when a rule, a rule docstring or a model changed without regenerating.
    assert docgen.stale(REFERENCE) == [], f"stale docs/reference pages; run '{REGENERATE}'"


def test_docgen_check_and_write_on_a_tree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert docgen.main(["--check", "--root", str(tmp_path)]) == 1
    out = capsys.readouterr()
    assert "stale: docs/reference/rules.md" in out.out
    assert "stale: schemas/itsmcode.schema.json" in out.out
    assert f"run '{REGENERATE}' to regenerate" in out.err

    assert docgen.main(["--root", str(tmp_path)]) == 0
    assert "wrote docs/reference/file-formats.md" in capsys.readouterr().out
    assert docgen.main(["--check", "--root", str(tmp_path)]) == 0
    assert "are up to date" in capsys.readouterr().out
    assert (tmp_path / "docs/reference/rules.md").read_text(encoding="utf-8") == page("rules.md")

    (tmp_path / "docs/reference/rules.md").write_text("edited by hand\n", encoding="utf-8")
    assert docgen.main(["--check", "--root", str(tmp_path)]) == 1
    assert capsys.readouterr().out.splitlines() == ["stale: docs/reference/rules.md"]


# --- rules.md --------------------------------------------------------------------------


@pytest.mark.parametrize("rule_id", [*LOAD_CHECKS, *RULES])
def test_every_rule_has_an_anchored_section_and_an_index_row(rule_id: str) -> None:
    text = docgen.rules_markdown()
    default = DEFAULT_SEVERITY[rule_id]
    severity = default.value if default else "off"
    assert text.count(f"\n## {rule_id}\n") == 1  # the heading's anchor is the rule id
    assert f"| [`{rule_id}`](#{rule_id}) | {severity} |" in text
    assert f"Default severity: `{severity}`." in section(text, f"## {rule_id}")


def test_rule_docstrings_become_markdown() -> None:
    text = docgen.rules_markdown()
    # reStructuredText leftovers would show literally on GitHub.
    assert "``" not in text.replace("```", "")
    assert "::\n" not in text
    for rule_id, module in {**LOAD_CHECKS, **RULES}.items():
        if "::\n" in (module.__doc__ or ""):  # a literal block: a fenced YAML example
            assert "```yaml\n" in section(text, f"## {rule_id}"), rule_id


def test_markdown_rendering_of_a_docstring() -> None:
    text = "Why it matters, with ``code``.\n\nFailing::\n\n    spec:\n      tier: 9\n\nAfter."
    assert docgen._markdown(text) == (
        "Why it matters, with `code`.\n\nFailing:\n\n```yaml\nspec:\n  tier: 9\n```\n\nAfter.\n"
    )


# --- file-formats.md -------------------------------------------------------------------


def _field_names(document: dict[str, object], name: str, seen: set[str]) -> set[str]:
    """Every YAML field name reachable from definition ``name`` of a kind schema."""
    if name in seen:
        return set()
    seen.add(name)
    defs = document["$defs"]
    assert isinstance(defs, dict)
    names: set[str] = set()
    for key, node in defs[name].get("properties", {}).items():
        names.add(key)
        for ref in re.findall(r"#/\$defs/(\w+)", repr(node)):
            names |= _field_names(document, ref, seen)
    return names


@pytest.mark.parametrize("kind", list(MODELS))
def test_every_field_of_every_kind_is_documented(kind: str) -> None:
    document = schema.kind_schema(MODELS[kind])
    spec = document["properties"]["spec"]["$ref"].rsplit("/", 1)[-1]
    body = section(docgen.file_formats_markdown(), f"## {kind}")
    for field in _field_names(document, spec, set()):
        assert f"\n| `{field}` |" in body, f"{kind}: field {field} has no row"
    assert f"[`schemas/{schema.file_name(kind)}`]" in body


def test_field_rows_show_type_requiredness_default_and_description() -> None:
    text = docgen.file_formats_markdown()
    service = section(text, "## Service")
    assert "| `tier` | integer 1–4 | yes |  | Criticality, 1 (most critical) to 4. |" in service
    assert "| `type` | `hard` \\| `soft` | no | `hard` |" in service
    standard = section(text, "## StandardChange")
    assert "| `tiers` | list of integer 1–4 | no | `[1, 2, 3, 4]` |" in standard
    policy = section(text, "## ApprovalPolicy")
    assert re.search(
        r"\| `exemptTypes` \| list of `standard` .* \| no \| `\[emergency\]` \|", policy
    )
    assert "| `window` | [duration](#value-types) | no | `30d` |" in section(text, "## SLA")
    problem = section(text, "## Problem")
    assert "When `status` is `risk-accepted`, `reviewBy` is required." in problem


@pytest.mark.parametrize("kind", list(MODELS))
def test_each_kind_example_is_valid(kind: str) -> None:
    example = docgen.EXAMPLES[kind]
    record = load_record(f"{kind}.yaml", example.encode(), None, Limits())
    assert record.problems == []
    assert record.entity is not None and kind == record.entity.KIND
    validator = jsonschema.Draft202012Validator(schema.combined_schema())
    assert list(validator.iter_errors(parse(example, Limits()).data)) == []


# --- hand-written pages and links ------------------------------------------------------


def test_reference_links_resolve() -> None:
    pages = sorted(REFERENCE.glob("*.md"))
    assert {p.name for p in pages} >= {
        "rules.md",
        "file-formats.md",
        "schemas.md",
        "data-model-deviations.md",
    }
    anchors = {p.name: _anchors(p.read_text(encoding="utf-8")) for p in pages}
    for path in pages:
        # Links outside code: fenced blocks and `inline code` hold YAML and regexes.
        text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
        text = re.sub(r"`[^`\n]*`", "", text)
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if target.startswith(("http://", "https://")):
                continue
            file, _, anchor = target.partition("#")
            if file:
                resolved = (path.parent / file).resolve()
                assert resolved.exists(), f"{path.name}: broken link {target}"
            if anchor:
                in_page = anchors.get(file or path.name, set())
                assert anchor in in_page, f"{path.name}: no anchor for {target}"


def _anchors(markdown: str) -> set[str]:
    """Heading slugs as GitHub makes them, and explicit <a id> anchors."""
    found = set(re.findall(r'<a id="([^"]+)"></a>', markdown))
    for heading in re.findall(r"^#+ (.+)$", markdown, re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        found.add(slug)
    return found


def test_schemas_page_documents_editors_and_pre_commit() -> None:
    text = page("schemas.md")
    assert "# yaml-language-server: $schema=../../schemas/service.schema.json" in text
    assert "https://github.com/python-jsonschema/check-jsonschema" in text
    assert "itsm schema export" in text and "itsm schema check" in text


def test_deviations_page_covers_the_model_extensions() -> None:
    text = page("data-model-deviations.md")
    for field in (
        "startedAt",
        "actions",
        "summary",
        "maxFileSize",
        "transition",
        "author",
        "tiers",
        "maxRisk",
        "exemptTypes",
    ):
        assert f"`{field}" in text or f".{field}`" in text, field
