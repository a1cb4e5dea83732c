"""Hypothesis fuzzing of the loader: decode + parse + validate (``snapshot.load_record``).

Whatever the bytes, the loader returns a Record; it never raises. Every problem it
reports is located (line and column >= 1, within the file) under a known rule id, with
a message fit for one line of output. Three sources of input: arbitrary bytes, text
assembled from YAML tokens (indentation, anchors and aliases, tags, quotes, flow
collections, unicode), and valid entities of every kind with random edits, which reach
deep into the models' validators.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from itsmcode.load.catalog import Record
from itsmcode.load.snapshot import load_record
from itsmcode.load.yamlio import Limits

LIMITS = Limits()
KNOWN_RULES = {
    "yaml-syntax",
    "yaml-limits",
    "duplicate-key",
    "file-unreadable",
    "schema",
    "calendar-valid",
}
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SEEDS = [
    """\
apiVersion: itsmcode/v1
kind: Service
metadata: {name: checkout, labels: {team: core}}
spec:
  type: business
  tier: 1
  lifecycle: live
  owner: payments
  sla: gold
  dependsOn:
    - {service: payments-api, type: hard}
    - service: search
      type: soft
""",
    """\
apiVersion: itsmcode/v1
kind: Team
metadata: {name: payments}
spec:
  members:
    - {github: alice, role: lead}
    - {github: bob}
""",
    """\
apiVersion: itsmcode/v1
kind: SLA
metadata: {name: gold}
spec:
  availability: {target: 99.95, window: 30d}
  calendar: business-hours
  targets:
    P1: {response: 15m, resolution: 4h}
    P2: {response: 30m, resolution: 8h}
  reviewBy: 2027-09-30
""",
    """\
apiVersion: itsmcode/v1
kind: Calendar
metadata: {name: freezes}
spec:
  timezone: Europe/Berlin
  freezes:
    - {name: peak, start: "2026-11-26T00:00:00+01:00", end: "2026-12-01T06:00:00+01:00"}
    - {name: weekend, rrule: "FREQ=WEEKLY;BYDAY=FR;BYHOUR=15", duration: 63h}
""",
    """\
apiVersion: itsmcode/v1
kind: ChangeRequest
metadata: {name: chg-1}
spec:
  type: normal
  services: [checkout]
  requester: alice
  description: Upgrade.
  risk: medium
  window: {start: "2026-10-06T22:00:00+02:00", end: "2026-10-06T23:30:00+02:00"}
  plan: {implementation: Do it., backout: Undo it., test: Probe.}
  status: completed
  outcome: {startedAt: "2026-10-06T22:02:00+02:00", finishedAt: "2026-10-06T23:10:00+02:00"}
""",
    """\
apiVersion: itsmcode/v1
kind: Config
metadata: {name: org}
spec:
  timezone: UTC
  practices: [catalog, sla, change]
  lint: {rules: {review-due: off}, ignore: ["changes/old/**"], maxFileSize: 2097152}
""",
]


def assert_loaded_safely(raw: bytes) -> Record:
    record = load_record("catalog/services/fuzz.yaml", raw, None, LIMITS)
    assert isinstance(record, Record)
    # Generous: every break YAML knows (CR, LF, NEL, LS, PS) may start a line.
    breaks = (b"\n", b"\r", b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9")
    lines = sum(raw.count(b) for b in breaks) + 2
    for problem in record.problems:
        location = problem.location
        assert location.path == "catalog/services/fuzz.yaml"
        assert location.line >= 1 and location.column >= 1, problem
        assert location.line <= lines, problem
        assert problem.rule in KNOWN_RULES, problem
        assert problem.message and len(problem.message) <= 300, problem
        assert "\x1b" not in problem.message and "\x00" not in problem.message
    if not record.problems:
        assert record.document is not None
    if record.entity is not None:
        assert record.document is not None
    return record


# -- arbitrary bytes ----------------------------------------------------------------------


@FUZZ
@given(st.binary(max_size=2000))
@example(b"")
@example(b"\xef\xbb\xbf")
@example(b"\xff\xfe")
@example(b"a: \x00")
@example(b"\xef\xbb\xbf\xef\xbb\xbfa: 1")
def test_arbitrary_bytes(raw: bytes) -> None:
    assert_loaded_safely(raw)


@FUZZ
@given(st.text(max_size=500))
def test_arbitrary_text(text: str) -> None:
    assert_loaded_safely(text.encode("utf-8", errors="surrogatepass"))


# -- YAML-ish text from tokens --------------------------------------------------------------

FIELDS = [
    "apiVersion",
    "kind",
    "metadata",
    "name",
    "spec",
    "type",
    "tier",
    "lifecycle",
    "owner",
    "sla",
    "dependsOn",
    "service",
    "members",
    "github",
    "role",
    "targets",
    "P1",
    "response",
    "resolution",
    "availability",
    "target",
    "window",
    "start",
    "end",
    "freezes",
    "rrule",
    "timezone",
    "status",
    "approved",
    "approvedBy",
    "labels",
    "links",
    "title",
    "url",
]
SCALARS = [
    "itsmcode/v1",
    "Service",
    "Team",
    "SLA",
    "Calendar",
    "ChangeRequest",
    "Config",
    "StandardChange",
    "ApprovalPolicy",
    "Incident",
    "Problem",
    "Servce",
    "payments",
    "checkout",
    "live",
    "retired",
    "no",
    "yes",
    "on",
    "off",
    "NO",
    "true",
    "false",
    "True",
    "~",
    "null",
    "",
    "0",
    "-1",
    "7",
    "99.95",
    "1e400",
    "-.inf",
    ".nan",
    "0x1F",
    "0o17",
    "0b11",
    "1_000",
    "4h",
    "15m",
    "30d",
    "-1h",
    "99999999999999999999d",
    "2026-11-24",
    "2026-02-30",
    "2026-11-24T10:00:00+01:00",
    "2026-11-24T10:00:00",
    "9999-12-31T23:59:59+14:00",
    "Europe/Berlin",
    "Mars/Olympus",
    "FREQ=WEEKLY;BYDAY=FR",
    "FREQ=SECONDLY;COUNT=99999999",
    "approved",
    "<<",
    "=",
    "?",
    "-",
    "|",
    ">-",
]
TAGS = [
    "!!str",
    "!!int",
    "!!float",
    "!!bool",
    "!!null",
    "!!seq",
    "!!map",
    "!!binary",
    "!!python/object:os.system",
    "!custom",
    "!",
    "!<tag:x,2000:y>",
]


@st.composite
def scalars(draw: st.DrawFn) -> str:
    choice = draw(st.integers(0, 5))
    if choice == 0:
        return draw(st.sampled_from(SCALARS))
    if choice == 1:
        text = draw(st.text(max_size=12))
        return "'" + text.replace("'", "''") + "'"
    if choice == 2:
        escape = draw(
            st.sampled_from(
                [
                    "\\n",
                    "\\t",
                    "\\x1b",
                    "\\u00e9",
                    "\\U0001F600",
                    "\\0",
                    "\\e",
                    "\\ud800",
                    '\\"',
                    "\\q",
                    "\\",
                ]
            )
        )
        return f'"{draw(st.sampled_from(SCALARS))}{escape}"'
    if choice == 3:
        return draw(st.text(st.characters(exclude_categories=["Cs"]), max_size=8))
    if choice == 4:
        return draw(st.integers(-(10**30), 10**30)).__str__()
    return draw(st.sampled_from(FIELDS))


@st.composite
def values(draw: st.DrawFn, depth: int = 0) -> str:
    prefix = ""
    if draw(st.booleans()):
        prefix += draw(st.sampled_from(["&a ", "&b ", "&x "]))
    if draw(st.integers(0, 5)) == 0:
        prefix += draw(st.sampled_from(TAGS)) + " "
    kind = draw(st.integers(0, 6 if depth < 3 else 2))
    if kind == 0:
        return draw(st.sampled_from(["*a", "*b", "*x", "*zz"]))
    if kind in (1, 2):
        return prefix + draw(scalars())
    if kind in (3, 4):
        items = draw(st.lists(values(depth + 1), max_size=4))
        return prefix + "[" + ", ".join(items) + draw(st.sampled_from(["]", "]", "", "]]"]))
    pairs = draw(st.lists(st.tuples(st.sampled_from(FIELDS), values(depth + 1)), max_size=4))
    body = ", ".join(f"{k}: {v}" for k, v in pairs)
    return prefix + "{" + body + draw(st.sampled_from(["}", "}", "", "}}"]))


@st.composite
def lines(draw: st.DrawFn) -> str:
    indent = draw(st.sampled_from(["", "", "  ", "    ", "      ", " ", "\t", "  \t"]))
    shape = draw(st.integers(0, 9))
    if shape <= 4:
        key = draw(st.one_of(st.sampled_from(FIELDS), scalars()))
        rest = draw(st.one_of(st.just(""), values()))
        return f"{indent}{key}:{' ' if rest else ''}{rest}"
    if shape <= 6:
        return f"{indent}- {draw(values())}"
    if shape == 7:
        return f"{indent}# {draw(st.text(max_size=10))}"
    if shape == 8:
        return draw(
            st.sampled_from(
                [
                    "---",
                    "...",
                    "%YAML 1.2",
                    "%YAML 1.1",
                    "%TAG ! tag:x,1:",
                    "? complex",
                    ": value",
                    "|",
                    "  folded text",
                ]
            )
        )
    return indent + draw(st.text(max_size=20))


@st.composite
def yamlish(draw: st.DrawFn) -> bytes:
    head = draw(
        st.sampled_from(["", "apiVersion: itsmcode/v1\nkind: Service\n", "\ufeff", "---\n"])
    )
    body = draw(st.lists(lines(), max_size=25))
    newline = draw(st.sampled_from(["\n", "\n", "\r\n", "\r", "\u2028", "\x85"]))
    text = head + newline.join(body) + draw(st.sampled_from(["", newline]))
    return text.encode("utf-8", errors="surrogatepass")


@FUZZ
@given(yamlish())
def test_yaml_like_text(raw: bytes) -> None:
    assert_loaded_safely(raw)


# Well-formed block YAML built from a tree: it parses far more often than token soup,
# so its oddities (tags, anchors, YAML 1.1 words, odd keys) reach the validators.
Tree = str | list["Tree"] | dict[str, "Tree"]


def trees(depth: int = 0) -> st.SearchStrategy[Tree]:
    leaf: st.SearchStrategy[Tree] = scalars()
    if depth >= 4:
        return leaf
    return st.one_of(
        leaf,
        st.lists(st.deferred(lambda: trees(depth + 1)), max_size=3),
        st.dictionaries(
            st.one_of(st.sampled_from(FIELDS), scalars()),
            st.deferred(lambda: trees(depth + 1)),
            max_size=4,
        ),
    )


def render(tree: Tree, indent: int, decorate: list[str]) -> str:
    """Block YAML for ``tree``; ``decorate`` supplies anchors, aliases and tags."""
    pad = " " * indent
    extra = decorate.pop() if decorate else ""
    if isinstance(tree, dict):
        if not tree:
            return f" {extra}{{}}\n"
        body = "".join(
            f"{pad}{key}:{render(value, indent + 2, decorate)}" for key, value in tree.items()
        )
        return f" {extra}\n{body}" if extra else f"\n{body}"
    if isinstance(tree, list):
        if not tree:
            return f" {extra}[]\n"
        body = "".join(f"{pad}-{render(item, indent + 2, decorate)}" for item in tree)
        return f" {extra}\n{body}" if extra else f"\n{body}"
    return f" {extra}{tree}\n"


@st.composite
def block_entities(draw: st.DrawFn) -> bytes:
    kind = draw(
        st.sampled_from(
            [
                "Service",
                "Team",
                "SLA",
                "Calendar",
                "ChangeRequest",
                "StandardChange",
                "ApprovalPolicy",
                "Incident",
                "Problem",
                "Config",
                "Servce",
            ]
        )
    )
    spec = draw(trees())
    decorate = draw(
        st.lists(
            st.sampled_from(
                ["", "", "", "&a ", "*a", "&b ", "*b", "!!str ", "!!int ", "!custom ", "&a !!map "]
            ),
            max_size=10,
        )
    )
    text = (
        f"apiVersion: itsmcode/v1\nkind: {kind}\nmetadata: {{name: {draw(scalars())}}}\n"
        f"spec:{render(spec, 2, decorate)}"
    )
    return text.encode("utf-8", errors="surrogatepass")


@FUZZ
@given(block_entities())
# Found by this test: an unhashable status made the self-authorization check raise.
@example(b"apiVersion: itsmcode/v1\nkind: ChangeRequest\nmetadata: {name: x}\nspec: {status: []}")
def test_block_entities_from_trees(raw: bytes) -> None:
    assert_loaded_safely(raw)


# -- valid entities, edited ---------------------------------------------------------------

EDITS = [
    "",
    " ",
    "\t",
    "\n",
    "  ",
    ":",
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "'",
    '"',
    "&a ",
    "*a",
    "!!",
    "!x ",
    "#",
    "|",
    ">",
    "?",
    "%",
    "@",
    "`",
    "\x00",
    "\x01",
    "\x1b",
    "\ufeff",
    "é",
    "🙂",
    "\u2028",
    "no",
    "~",
    "0x",
    "1e9",
    "-1",
    "<<: *a",
    "9" * 30,
    "\r\n",
]


@st.composite
def edited_entities(draw: st.DrawFn) -> bytes:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 6))
        insert = draw(st.one_of(st.sampled_from(EDITS), st.text(max_size=4)))
        text = text[:at] + insert + text[at + cut :]
    return text.encode("utf-8", errors="surrogatepass")


@FUZZ
@given(edited_entities())
def test_valid_entities_with_random_edits(raw: bytes) -> None:
    assert_loaded_safely(raw)


COLLECTIONS = ["[]", "{}", "[a, b]", "{a: 1}", "[[]]", "[{}]", "{status: approved}", "[1, 2]"]
VALUE = re.compile(r"(?<=: )[^{}\[\],\n]+|(?<=\[)[^\]\n,]+")


@st.composite
def swapped_values(draw: st.DrawFn) -> bytes:
    """A valid entity with some of its values replaced: YAML stays well-formed, so
    every swap is a probe of the models' validators (durations, zones, rrules...)."""
    text = draw(st.sampled_from(SEEDS))
    spans = [m.span() for m in VALUE.finditer(text)]
    chosen = draw(st.lists(st.sampled_from(spans), min_size=1, max_size=4, unique=True))
    for start, end in sorted(chosen, reverse=True):
        text = text[:start] + draw(st.one_of(scalars(), st.sampled_from(COLLECTIONS))) + text[end:]
    return text.encode("utf-8", errors="surrogatepass")


@FUZZ
@given(swapped_values())
def test_valid_entities_with_swapped_values(raw: bytes) -> None:
    assert_loaded_safely(raw)


@FUZZ
@given(st.sampled_from(SEEDS), st.data())
def test_valid_entities_with_flipped_bytes(seed: str, data: st.DataObject) -> None:
    raw = bytearray(seed.encode())
    for _ in range(data.draw(st.integers(1, 4))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    assert_loaded_safely(bytes(raw))


def test_seeds_are_valid_entities() -> None:
    # Edits start from valid files, so that they reach the models' validators.
    for seed in SEEDS:
        record = assert_loaded_safely(seed.encode())
        assert record.problems == [], (seed, record.problems)
        assert record.entity is not None


def _built(text: str, *, plain: bool) -> str:
    """The values (or the problem) of ``text`` as the plain walk or the general one
    builds them; repr keeps key order, NaN and -0.0 comparable."""
    from itsmcode.load.yamlio import YamlProblem, _compose, _Constructor

    try:
        constructor = _Constructor(LIMITS, text)
        assert constructor.plain or not plain
        constructor.plain = plain
        return repr(constructor.build(_compose(text, LIMITS)))
    except YamlProblem as problem:
        return repr((problem.rule, problem.message, problem.line, problem.column))


@FUZZ
@given(yamlish())
@example(b"a: 1\nb: {c: [x, 1e3, .nan, -0.0]}\na: 2\n")
@example(b"a: {<<: {b: 1}}\n")
@example(b"[x]: 1\n")
@example(b"y: {null: 1}\n")
def test_the_plain_walk_builds_what_the_general_one_does(raw: bytes) -> None:
    """Texts without anchors, aliases, tags or '?' keys take a walk without bookkeeping
    (yamlio._Constructor.plain_value); values and problems must be the general walk's."""
    text = raw.decode("utf-8", errors="replace")
    for mark in "&*!?":
        text = text.replace(mark, "")
    try:
        slow = _built(text, plain=False)
    except Exception:  # not a document (empty, several): nothing for the walk to build
        return
    assert _built(text, plain=True) == slow
