"""The demo sits on top of the import contract, with no exceptions of its own (issue 5:
"the import contract has the demo on top and no new exceptions"). ``lint-imports``
enforces the contract; this test keeps the contract itself from being loosened."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

# The exceptions the contract had before the demo became an app. Removing one is fine;
# adding one needs a decision (an ADR), not a quiet edit.
KNOWN_EXCEPTIONS = {
    "liaison.people.views -> liaison.activities.**",
    "liaison.*.tests.** -> liaison.**",
}


def layers_contract() -> dict[str, object]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    return contract  # type: ignore[no-any-return]


def test_the_demo_is_the_top_layer_above_oversight() -> None:
    layers = layers_contract()["layers"]
    assert isinstance(layers, list)
    assert layers[:2] == ["liaison.demo", "liaison.oversight"]


def test_the_contract_has_no_new_exceptions_and_none_for_the_demo() -> None:
    ignored = set(layers_contract().get("ignore_imports", []))  # type: ignore[call-overload]
    assert ignored <= KNOWN_EXCEPTIONS
    assert not [rule for rule in ignored if "demo" in rule]


def test_no_other_app_imports_the_demo() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "liaison").rglob("*.py")
        if "demo" not in path.relative_to(ROOT / "liaison").parts[:1]
        and re.search(r"^\s*(from|import)\s+liaison\.demo\b", path.read_text(), re.M)
    ]
    assert offenders == []
