"""``itsm import backstage`` on Backstage's own example catalog and on hostile catalogs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from itsmcode.interop.backstage_import import parse_ref, plan_import
from itsmcode.interop.backstage_read import Found
from itsmcode.interop.plan import ImportPlan
from itsmcode.load.validate import validate
from tests.helpers import run_cli
from tests.interop.common import BACKSTAGE, empty_repo, files, import_json, lint_json, write


def written(report: dict[str, object]) -> dict[str, str]:
    return {row["source"]: row["path"] for row in report["written"]}  # type: ignore[index,union-attr]


def unmapped(report: dict[str, object]) -> list[tuple[str, str, str]]:
    return [(u["source"], u["field"], u["reason"]) for u in report["unmapped"]]  # type: ignore[index,union-attr]


def test_backstage_example_catalog_imports_into_a_repository_that_lints_clean(
    tmp_path: Path,
) -> None:
    root = empty_repo(tmp_path / "repo")
    code, report = import_json(root, "backstage", str(BACKSTAGE), "--write")
    assert code == 0
    assert written(report) == {
        "group:default/acme-corp": "catalog/teams/acme-corp.yaml",
        "group:default/guests": "catalog/teams/guests.yaml",
        "group:default/infrastructure": "catalog/teams/infrastructure.yaml",
        "group:default/team-c": "catalog/teams/team-c.yaml",
        "group:default/team-a": "catalog/teams/team-a.yaml",
        "component:default/artist-lookup": "catalog/services/artist-lookup.yaml",
        "component:default/example-website": "catalog/services/example-website.yaml",
        "component:default/www-artist": "catalog/services/www-artist.yaml",
        "system:default/audio-playback": "catalog/services/audio-playback.yaml",
        "system:default/examples": "catalog/services/examples.yaml",
        "api:default/example-grpc-api": "catalog/services/example-grpc-api.yaml",
    }
    assert lint_json(root)[0] == 0
    out = files(root)
    website = yaml.safe_load(out["catalog/services/example-website.yaml"])
    assert website["spec"] == {
        "type": "business",  # a website is used by people: a business service
        "tier": 3,
        "lifecycle": "planned",  # experimental
        "owner": "guests",
    }
    assert out["catalog/services/example-website.yaml"].startswith(
        "# yaml-language-server: $schema=../../schemas/service.schema.json\n"
    )
    system = yaml.safe_load(out["catalog/services/examples.yaml"])
    assert system["spec"]["type"] == "business"
    assert system["spec"]["dependsOn"] == [
        {"service": "example-website", "type": "soft"},
        {"service": "example-grpc-api", "type": "soft"},
    ]
    www = yaml.safe_load(out["catalog/services/www-artist.yaml"])["spec"]
    assert (www["lifecycle"], www["dependsOn"]) == ("live", [{"service": "artist-lookup"}])
    lookup = yaml.safe_load(out["catalog/services/artist-lookup.yaml"])["metadata"]
    assert lookup["labels"] == {"java": "true", "data": "true", "backstage-type": "service"}
    assert lookup["links"][0] == {"title": "Examples Users", "url": "https://example.com/user"}
    guests = yaml.safe_load(out["catalog/teams/guests.yaml"])["spec"]
    assert guests == {"members": [{"github": "guest"}]}
    infra = yaml.safe_load(out["catalog/teams/infrastructure.yaml"])["spec"]
    assert infra == {"parent": "acme-corp"}
    team_c = yaml.safe_load(out["catalog/teams/team-c.yaml"])
    assert team_c["metadata"]["title"] == "Team C"
    assert team_c["spec"] == {"contact": {"email": "team-c@example.com"}}


def test_the_report_lists_what_needs_a_human(tmp_path: Path) -> None:
    root = empty_repo(tmp_path / "repo")
    _, report = import_json(root, "backstage", str(BACKSTAGE))
    lost = unmapped(report)
    org = f"{BACKSTAGE.as_posix()}/acme/org.yaml:19"
    assert (org, "spec.targets", "'./team-a-group.yaml' not found") in lost
    template = f"{BACKSTAGE.as_posix()}/template/template.yaml:1"
    assert (
        template,
        "kind",
        "Template has no itsmcode counterpart; "
        "template:default/example-nodejs-template not imported",
    ) in lost
    assert ("api:default/example-grpc-api", "spec.definition", "no counterpart in itsmcode") in lost
    assert (
        "user:default/calum.leavy",
        "metadata.name",
        "no github.com/user-login annotation and 'calum.leavy' is not a GitHub login; "
        "not made a member",
    ) in lost
    assert (
        "component:default/artist-lookup",
        "spec.dependsOn",
        "resource:artists-db is not a Component, System, Resource or API among the imported "
        "files; dependency left out",
    ) in lost
    decisions = {(d["source"], d["field"], d["value"]) for d in report["decisions"]}
    assert ("user:default/guest", "github", "guest") in decisions
    assert ("group:default/team-a", "kind", "Team") in decisions  # owner not in the files
    assert ("component:default/www-artist", "spec.tier", "3") in decisions


def test_dry_run_writes_nothing_and_existing_entities_need_force(tmp_path: Path) -> None:
    root = empty_repo(tmp_path / "repo")
    entities = str(BACKSTAGE / "entities.yaml")
    before = files(root)
    code, report = import_json(root, "backstage", entities)
    assert (code, report["dryRun"], files(root)) == (0, True, before)
    assert written(report)["system:default/examples"] == "catalog/services/examples.yaml"

    write(root, {"catalog/services/sub/examples.yaml": "# mine\n"})
    (root / "catalog/services/sub/examples.yaml").write_text(
        "apiVersion: itsmcode/v1\nkind: Service\nmetadata: {name: examples}\n"
        "spec: {type: technical, tier: 4, lifecycle: live, owner: guests}\n",
        encoding="utf-8",
    )
    mine = (root / "catalog/services/sub/examples.yaml").read_text(encoding="utf-8")
    code, report = import_json(root, "backstage", entities, "--write")
    assert code == 1
    assert report["skipped"] == [
        {
            "kind": "Service",
            "name": "examples",
            "path": "catalog/services/sub/examples.yaml",
            "source": "system:default/examples",
            "reason": "already exists; --force replaces it",
        }
    ]
    assert (root / "catalog/services/sub/examples.yaml").read_text(encoding="utf-8") == mine
    code, report = import_json(root, "backstage", entities, "--write", "--force")
    assert code == 0
    assert written(report)["system:default/examples"] == "catalog/services/sub/examples.yaml"
    assert "tier: 3" in (root / "catalog/services/sub/examples.yaml").read_text(encoding="utf-8")
    assert not (root / "catalog/services/examples.yaml").exists()  # replaced, not duplicated
    assert lint_json(root)[0] == 0


def test_namespaces_refs_and_names_are_mapped_and_reported(tmp_path: Path) -> None:
    src = tmp_path / "backstage"
    write(
        src,
        {
            "catalog-info.yaml": """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: Payments_API
              namespace: ops
              annotations: {backstage.io/techdocs-ref: dir:.}
            spec:
              type: service
              lifecycle: production
              owner: group:ops/sre
              dependsOn: ['component:ops/ledger', 'resource:default/db']
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: {name: ledger, namespace: ops}
            spec:
              {type: service, lifecycle: deprecated, owner: user:default/alice, subcomponentOf: x}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Resource
            metadata: {name: db}
            spec: {type: database, owner: sre, system: payments}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {name: sre, namespace: ops}
            spec: {type: team, children: [], members: [bob]}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: User
            metadata:
              name: bob
              namespace: ops
              annotations: {github.com/user-login: Bob-GH}
            spec: {memberOf: [sre]}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: User
            metadata: {name: alice, annotations: {github.com/user-login: "not a login"}}
            spec: {memberOf: []}
            """
        },
    )
    root = empty_repo(tmp_path / "repo")
    code, report = import_json(root, "backstage", str(src), "--write")
    assert code == 0, report
    assert report["renamed"] == {
        "component:ops/Payments_API": "ops-payments-api",
        "component:ops/ledger": "ops-ledger",
        "group:ops/sre": "ops-sre",
    }
    out = files(root)
    api = yaml.safe_load(out["catalog/services/ops-payments-api.yaml"])
    assert api["metadata"]["annotations"] == {"backstage.io/techdocs-ref": "dir:."}
    assert api["spec"]["owner"] == "ops-sre"
    assert api["spec"]["dependsOn"] == [{"service": "ops-ledger"}, {"service": "db"}]
    ledger = yaml.safe_load(out["catalog/services/ops-ledger.yaml"])["spec"]
    assert (ledger["lifecycle"], ledger["owner"]) == ("deprecated", "alice")
    assert yaml.safe_load(out["catalog/teams/ops-sre.yaml"])["spec"]["members"] == [
        {"github": "Bob-GH"}
    ]
    # alice's annotation is no login: her one-person team has no member, and says why
    assert yaml.safe_load(out["catalog/teams/alice.yaml"])["spec"] == {}
    lost = unmapped(report)
    assert (
        "user:default/alice",
        "metadata.annotations.github.com/user-login",
        "'not a login' is not a GitHub login; not made a member",
    ) in lost
    assert ("component:ops/ledger", "spec.subcomponentOf", "no counterpart in itsmcode") in lost
    assert (
        "resource:default/db",
        "spec.system",
        "payments is not among the imported files",
    ) in lost
    # the default namespace's 'sre' is not ops' sre: an empty team is made and reported
    decisions = {(d["source"], d["field"]) for d in report["decisions"]}
    assert ("group:default/sre", "kind") in decisions
    assert ("user:default/alice", "spec.owner") in decisions
    assert lint_json(root)[0] == 0


def test_two_entities_wanting_one_name_get_distinct_names(tmp_path: Path) -> None:
    src = tmp_path / "b"
    write(
        src,
        {
            "a.yaml": """
            apiVersion: backstage.io/v1alpha1
            kind: System
            metadata: {name: shop}
            spec: {owner: web}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: {name: Shop}
            spec: {type: website, lifecycle: production, owner: web, system: shop}
            """
        },
    )
    root = empty_repo(tmp_path / "repo")
    code, report = import_json(root, "backstage", str(src / "a.yaml"), "--write")
    assert code == 0
    # components choose first; 'Shop' is no itsmcode name either
    assert report["renamed"] == {"component:default/Shop": "shop", "system:default/shop": "shop-2"}
    system = yaml.safe_load((root / "catalog/services/shop-2.yaml").read_text(encoding="utf-8"))
    assert system["spec"]["dependsOn"] == [{"service": "shop", "type": "soft"}]
    assert lint_json(root)[0] == 0


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        (
            "https://github.com/acme/x/blob/main/catalog-info.yaml",
            "not followed: only files inside",
        ),
        ("../outside.yaml", "points outside"),
        ("./sub/../../outside.yaml", "points outside"),
        ("/etc/passwd", "points outside"),
        ("file:/etc/passwd", "not followed: only files inside"),
    ],
)
def test_location_targets_outside_the_tree_are_refused(
    tmp_path: Path, target: str, reason: str
) -> None:
    write(
        tmp_path,
        {
            "outside.yaml": """
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {name: secret}
            spec: {type: team, children: []}
            """,
            "tree/catalog-info.yaml": f"""
            apiVersion: backstage.io/v1alpha1
            kind: Location
            metadata: {{name: all}}
            spec:
              targets: ['{target}', './teams/*.yaml']
            """,
            "tree/teams/web.yaml": """
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {name: web}
            spec: {type: team, children: []}
            """,
        },
    )
    root = empty_repo(tmp_path / "repo")
    code, report = import_json(root, "backstage", str(tmp_path / "tree" / "catalog-info.yaml"))
    assert code == 0
    assert set(written(report)) == {"group:default/web"}  # the glob target, nothing outside
    [(source, field, why)] = [u for u in unmapped(report) if u[1] == "spec.targets"]
    assert source.endswith("tree/catalog-info.yaml:1") and field == "spec.targets"
    assert reason in why and target in why


def test_a_symlink_out_of_the_tree_is_not_read(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "secret/org.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Group\n"
            "metadata: {name: secret}\nspec: {type: team, children: []}\n",
            "tree/catalog-info.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Location\n"
            "metadata: {name: x}\nspec: {target: ./linked.yaml}\n",
        },
    )
    os.symlink(tmp_path / "secret" / "org.yaml", tmp_path / "tree" / "linked.yaml")
    root = empty_repo(tmp_path / "repo")
    _, report = import_json(root, "backstage", str(tmp_path / "tree"))
    assert written(report) == {}
    reasons = [u[2] for u in unmapped(report)]
    assert reasons == ["not read: symbolic link pointing outside the repository; not read"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("a: [\n", "not read: "),
        ("a: &a [*a]\n", "recursive alias"),
        ("- " * 100 + "x\n", "nesting deeper"),
        ("kind: !!python/object/apply:os.system [id]\n", "unsupported tag"),
        ("- just\n- a list\n", "not a Backstage entity"),
        ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", "not a Backstage entity"),
        (
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: 7\n",
            "no kind or metadata.name",
        ),
        (
            "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: x}\n"
            "spec: {owner: 7, lifecycle: [1], dependsOn: {a: 1}}\n",
            "not a group or user",
        ),
        ("\xff\xfe".encode("latin-1").decode("latin-1"), "not read: "),
    ],
)
def test_hostile_files_are_reported_never_a_traceback(
    tmp_path: Path, text: str, reason: str
) -> None:
    src = tmp_path / "catalog-info.yaml"
    src.write_text(text, encoding="latin-1" if "\xff" in text else "utf-8")
    root = empty_repo(tmp_path / "repo")
    result = run_cli(["import", "backstage", str(src), "--repo", str(root)])
    assert result.exit_code == 0, result.output
    assert reason in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("kind", "lifecycle", "written", "how"),
    [
        ("Component", "experimental", "planned", None),
        ("Component", "production", "live", None),
        ("Component", "deprecated", "deprecated", None),
        ("Component", "retired", "retired", None),
        ("Component", "beta", "planned", "unmapped"),
        ("Resource", None, "live", "decision"),
    ],
)
def test_lifecycles(
    tmp_path: Path, kind: str, lifecycle: str | None, written: str, how: str | None
) -> None:
    spec = f"lifecycle: {lifecycle}, " if lifecycle else ""
    write(
        tmp_path,
        {
            "c.yaml": f"""
            apiVersion: backstage.io/v1alpha1
            kind: {kind}
            metadata: {{name: x}}
            spec: {{type: service, {spec}owner: web}}
            """
        },
    )
    root = empty_repo(tmp_path / "repo")
    _, report = import_json(root, "backstage", str(tmp_path / "c.yaml"), "--write")
    service = yaml.safe_load((root / "catalog/services/x.yaml").read_text(encoding="utf-8"))
    assert service["spec"]["lifecycle"] == written
    lost = [u for u in report["unmapped"] if u["field"] == "spec.lifecycle"]
    decided = [d for d in report["decisions"] if d["field"] == "spec.lifecycle"]
    assert (len(lost), len(decided)) == (how == "unmapped", how == "decision")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("payments", "group:default/payments"),
        ("group:payments", "group:default/payments"),
        ("component:default/payments", "component:default/payments"),
        ("User:Ops/alice", "user:ops/alice"),
        ("ops/sre", "group:ops/sre"),
        (":x", None),
        ("a:/x", None),
        (7, None),
    ],
)
def test_entity_refs(text: object, expected: str | None) -> None:
    ref = parse_ref(text, "group")
    assert (str(ref) if ref else None) == expected


_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8))
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "name",
                    "owner",
                    "type",
                    "lifecycle",
                    "dependsOn",
                    "memberOf",
                    "members",
                    "parent",
                    "children",
                    "profile",
                    "links",
                    "tags",
                    "annotations",
                    "labels",
                    "system",
                    "title",
                    "url",
                ]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)
_ENTITIES = st.fixed_dictionaries(
    {
        "apiVersion": st.just("backstage.io/v1alpha1"),
        "kind": st.sampled_from(
            ["Component", "System", "API", "Resource", "Group", "User", "Domain"]
        ),
        "metadata": st.one_of(
            _VALUES,
            st.fixed_dictionaries(
                {"name": st.sampled_from(["a", "B_b", "é", "-", "a"])},
                optional={
                    "namespace": st.sampled_from(["default", "ops"]),
                    "links": _VALUES,
                    "tags": _VALUES,
                },
            ),
        ),
        "spec": _VALUES,
    }
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ENTITIES, max_size=6))
def test_any_catalog_maps_to_valid_entities_or_a_report(entities: list[dict[str, object]]) -> None:
    """Whatever the Backstage values, the importer never raises, and every entity it
    plans passes the loader's own validation (so --write writes lint-valid files)."""
    plan = plan_import([Found(e, f"f.yaml:{i}") for i, e in enumerate(entities)], ImportPlan())
    for planned in plan.entities:
        assert validate(planned.data)[1] == [], planned.data
    names = [(p.kind, p.name) for p in plan.entities]
    assert len(names) == len(set(names))


def test_a_file_over_the_size_limit_is_reported_not_read(tmp_path: Path) -> None:
    src = tmp_path / "org.yaml"
    with src.open("w", encoding="utf-8") as handle:
        handle.write("apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: {name: g}\n")
        handle.write("# padding\n" * 900_000)  # 9 MB: over the 8 MiB limit
    root = empty_repo(tmp_path / "repo")
    _, report = import_json(root, "backstage", str(src))
    assert written(report) == {}
    [(source, _, reason)] = unmapped(report)
    assert source.endswith("org.yaml:1:1") and reason.startswith("not read: ")
    assert "8.0 MiB" in reason or "8 MiB" in reason, reason


def test_refs_compare_case_insensitively_and_users_are_judged_once(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "org.yaml": """
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {name: Payments}
            spec: {type: team, children: [], members: [User:default/Dana]}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: {name: ops}
            spec: {type: team, children: []}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: User
            metadata: {name: dana}
            spec: {memberOf: [payments, group:default/OPS]}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: User
            metadata: {name: lonely}
            spec: {memberOf: []}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: {name: api}
            spec: {type: service, lifecycle: production, owner: group:PAYMENTS}
            """
        },
    )
    root = empty_repo(tmp_path / "repo")
    code, report = import_json(root, "backstage", str(tmp_path / "org.yaml"), "--write")
    assert code == 0
    assert report["renamed"] == {"group:default/Payments": "payments"}
    api = yaml.safe_load((root / "catalog/services/api.yaml").read_text(encoding="utf-8"))
    assert api["spec"]["owner"] == "payments"  # not a second, empty 'PAYMENTS' team
    for team in ("payments", "ops"):
        spec = yaml.safe_load((root / f"catalog/teams/{team}.yaml").read_text(encoding="utf-8"))
        assert spec["spec"]["members"] == [{"github": "dana"}]
    assert [d["source"] for d in report["decisions"] if d["field"] == "github"] == [
        "user:default/dana"
    ]
    assert ("user:default/lonely", "spec.memberOf", "in no imported group; not imported") in (
        unmapped(report)
    )
    assert lint_json(root)[0] == 0
