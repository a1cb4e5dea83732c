"""Layout.kind_for_path: which kind's folder holds a path, against the plain definition."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from itsmcode.load.layout import CONFIG_FILE, Layout

STEPS = st.sampled_from(["catalog", "services", "teams", "a", "x.yaml", "policy.yaml", ""])


def reference(layout: Layout, path: str) -> str | None:
    """The longest folder that is ``path`` or holds it; the first kind of equals."""
    if path == CONFIG_FILE:
        return "Config"
    best: tuple[int, str] | None = None
    for kind, folder in layout.folders.items():
        inside = path == folder or path.startswith(folder + "/")
        if inside and (best is None or len(folder) > best[0]):
            best = (len(folder), kind)
    return best[1] if best else None


@given(
    st.dictionaries(
        st.sampled_from(["Service", "Team", "SLA", "ApprovalPolicy", "ChangeRequest"]),
        st.lists(STEPS, max_size=3).map("/".join),
    ),
    st.lists(st.lists(STEPS, max_size=4).map("/".join), min_size=1, max_size=12),
)
def test_kind_for_path_is_the_longest_folder_holding_the_path(
    folders: dict[str, str], paths: list[str]
) -> None:
    layout = Layout(folders)
    for path in [*paths, *paths]:  # asked again: answered from what the first asking kept
        assert layout.kind_for_path(path) == reference(layout, path), path


def test_examples() -> None:
    layout = Layout(
        {
            "Service": "catalog/services",
            "Team": "catalog",
            "ApprovalPolicy": "processes/policy.yaml",
        }
    )
    assert layout.kind_for_path("catalog/services/web.yaml") == "Service"
    assert layout.kind_for_path("catalog/services/deep/web.yaml") == "Service"
    assert layout.kind_for_path("catalog/payments.yaml") == "Team"
    assert layout.kind_for_path("processes/policy.yaml") == "ApprovalPolicy"
    assert layout.kind_for_path("processes/other.yaml") is None
    assert layout.kind_for_path("web.yaml") is None
    assert layout.kind_for_path(CONFIG_FILE) == "Config"
