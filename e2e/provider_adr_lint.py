#!/usr/bin/env python3
"""The API Design Rules linter's rules over the provider API's document.

    python3 e2e/provider_adr_lint.py [path/to/adr_check.py]

`../shared/tools/adr_check.py` lints and probes `/api/v1`; this runs the same linter rules (the Logius
ADR 2.1.0 spectral ruleset as that tool translates it) over `Sources/RegieProviderAPI/openapi.json`,
so the provider API keeps to the rules its document can show. Its runtime behaviour (problem+json,
API-Version, 405, no trailing slash) is the same middleware as `/api/v1`'s and is checked by the
contract test. Prints "provider adr: P/N rules pass"; exit 0 only if every counted rule passes, 2 when
the tool is not there.
"""

import importlib.util
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    tool = Path(argv[0]) if argv else REPO.parent / "shared" / "tools" / "adr_check.py"
    if not tool.is_file():
        print(f"SKIPPED: {tool} is not there (it comes with ../shared)")
        return 2
    sys.path.insert(0, str(tool.parent))
    spec = importlib.util.spec_from_file_location("adr_check", tool)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    document = json.loads((REPO / "Sources" / "RegieProviderAPI" / "openapi.json").read_text())
    module.lint(document)
    counted = [r for r in module.results if r[1]]
    failing = [r for r in counted if not r[2]]
    for rule in failing:
        print(f"FAILED {rule[0]}: {str(rule[3])[:300]}")
    print(f"provider adr: {len(counted) - len(failing)}/{len(counted)} rules pass")
    return 0 if counted and not failing else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
