"""axe-core, the accessibility engine browsers' own audits use, run in a page.

Installed by ``make test`` (``npm ci --prefix tests/axe``); without it the tests
that call :func:`serious_violations` skip, unless ``REQUIRE_AXE=1`` (as in CI).
"""

import os
from pathlib import Path

import pytest

AXE_SCRIPT = (
    Path(__file__).resolve().parents[1] / "axe" / "node_modules" / "axe-core" / "axe.min.js"
)
BLOCKING_IMPACTS = {"serious", "critical"}


def require_axe():
    if AXE_SCRIPT.exists():
        return
    reason = "axe-core is not installed (npm ci --prefix tests/axe)"
    if os.environ.get("REQUIRE_AXE") == "1":
        pytest.fail(f"REQUIRE_AXE=1 but {reason}")
    pytest.skip(reason)


def serious_violations(page):
    """axe-core's serious and critical violations on the page as it is now, one
    readable line per rule and element."""
    require_axe()
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    violations = page.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}: "
        f"{' '.join(map(str, node['target']))} {node['html'][:160]}"
        for violation in violations
        if violation["impact"] in BLOCKING_IMPACTS
        for node in violation["nodes"]
    ]
