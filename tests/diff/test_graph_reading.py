"""The dependency graph reads service files as the catalog does (YAML 1.2).

Reference: the catalog's own loading and validation (``snapshot.load_record``) of the
same bytes. Names like ``no``, ``on`` and ``y`` are booleans only in YAML 1.1, which
the graph once used: the edge to such a service vanished from the blast radius.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from itsmcode.diff.graph import Node, light_node
from itsmcode.load.snapshot import load_record
from itsmcode.load.yamlio import Limits
from itsmcode.models import Service
from tests.diff.gitrepo import GitRepo
from tests.helpers import service

# Valid service names that YAML 1.1 reads as booleans, numbers or null.
TRICKY = ["no", "yes", "on", "off", "y", "n", "true", "null", "1e3", "0x1f", "0o17", "012", "1"]
NAMES = st.one_of(
    st.sampled_from(TRICKY), st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
)


@st.composite
def service_file(draw: st.DrawFn) -> bytes:
    lines = [
        "apiVersion: itsmcode/v1",
        "kind: Service",
        f"metadata: {{name: {draw(NAMES)}}}",
        "spec:",
        "  type: technical",
        f"  tier: {draw(st.sampled_from(['1', '2', '3', '4', '0x2', '3.0', 'no']))}",
        "  lifecycle: live",
        "  owner: payments",
    ]
    if draw(st.booleans()):
        lines.append(f"  sla: {draw(NAMES)}")
    deps = draw(st.lists(st.tuples(NAMES, st.sampled_from([None, "hard", "soft"])), max_size=4))
    if deps:
        lines.append("  dependsOn:")
    for name, kind in deps:
        if draw(st.booleans()):  # flow style
            typed = f", type: {kind}" if kind else ""
            lines.append(f"    - {{service: {name}{typed}}}")
        else:
            lines.append(f"    - service: {name}")
            if kind:
                lines.append(f"      type: {kind}")
    return ("\n".join(lines) + "\n").encode()


@settings(max_examples=300, deadline=None)
@given(service_file())
def test_graph_node_is_what_the_validated_entity_says(data: bytes) -> None:
    record = load_record("catalog/services/s.yaml", data, None, Limits())
    node = light_node(data)
    if isinstance(record.entity, Service):
        spec = record.entity.spec
        assert node == Node(
            record.entity.name,
            spec.tier,
            spec.sla,
            tuple((d.service, d.type) for d in spec.depends_on),
            spec.owner,
        )
    if node is None:
        assert record.entity is None


def test_dependency_on_a_service_named_no_is_an_edge() -> None:
    node = light_node(
        service("web", extra="dependsOn:\n  - {service: no}\n  - service: on\n").encode()
    )
    assert node is not None
    assert node.depends_on == (("no", "hard"), ("on", "hard"))


def test_unloadable_file_gives_no_graph_node() -> None:
    # Duplicate keys: the catalog refuses the file, so the graph has no node for it.
    text = service("web", extra="dependsOn: []\ndependsOn:\n  - {service: api}\n")
    assert light_node(text.encode()) is None
    assert load_record("s.yaml", text.encode(), None, Limits()).entity is None
    assert light_node(b"\xff\xfe") is None


def test_blast_radius_reaches_a_service_named_no(repo: GitRepo) -> None:
    repo.write({"catalog/services/no.yaml": service("no", tier=3)})
    repo.commit("a service named no")
    repo.write(
        {
            "catalog/services/web2.yaml": service(
                "web2", tier=2, extra="dependsOn:\n  - {service: no}\n"
            )
        }
    )
    repo.commit("web2 depends on it")
    repo.write({"catalog/services/no.yaml": service("no", tier=2)})
    found = {i["service"]: (i["affected"], i["via"]) for i in repo.diff_json()["impact"]}
    assert found == {"no": (True, []), "web2": (False, ["no"])}
