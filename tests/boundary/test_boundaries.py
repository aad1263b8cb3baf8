#!/usr/bin/env python3
"""Runs the module-boundary checker (check_boundaries.py) and proves it fires.

A boundary test that silently checks nothing is worse than none, so the checker runs three
times: on a clean fixture tree (must pass), on a violating fixture tree (must fail, reporting
exactly the planted violations: at least one of each rule (a)-(e), nothing else), and on the
real source tree given by --source-dir (must pass).

Usage: test_boundaries.py --source-dir DIR
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHECKER = HERE / "check_boundaries.py"
FIXTURES = HERE / "fixtures"

# (file, rule) for every violation planted in fixtures/violating.
PLANTED = [
    ("src/platform/db/pool.hpp", "a/platform-knows-no-module"),
    ("src/modules/beta/src/beta_service.hpp", "b/public-headers-only"),       # private header by <shop/...>
    ("src/modules/beta/src/beta_service.hpp", "b/public-headers-only"),       # "../../alpha/src/..."
    ("src/modules/beta/src/http/beta_routes.cpp", "b/public-headers-only"),   # "modules/alpha/src/..."
    ("src/modules/beta/CMakeLists.txt", "c/links-api-only"),                  # links shop_alpha
    ("src/modules/gamma/CMakeLists.txt", "c/links-api-only"),                 # no shop_module()
    ("migrations/alpha/0001_x.sql", "d/own-tables-only"),                     # UPDATE beta_lines
    ("src/modules/beta/src/beta_service.cpp", "d/own-tables-only"),           # JOIN alpha_items
    ("src/modules/beta/src/http/beta_routes.cpp", "e/app-only-wiring"),       # <boost/beast/...>
]
RULES = ["a/", "b/", "c/", "d/", "e/"]

source_dir: Path | None = None


def run_checker(root: Path) -> tuple[int, list[str]]:
    result = subprocess.run([sys.executable, str(CHECKER), "--source-dir", str(root)],
                            capture_output=True, text=True, check=False)
    sys.stdout.write(f"--- {root}\n{result.stdout}{result.stderr}")
    violations = [line for line in result.stdout.splitlines() if not line.startswith("boundaries:")]
    return result.returncode, violations


def parse(line: str) -> tuple[str, str]:
    """(file, rule) of a `file:line: rule: text` line."""
    location, rule, _ = line.split(": ", 2)
    return location.rsplit(":", 1)[0], rule


class BoundaryTest(unittest.TestCase):
    def test_clean_fixture_passes(self) -> None:
        code, violations = run_checker(FIXTURES / "clean")
        self.assertEqual(violations, [])
        self.assertEqual(code, 0)

    def test_violating_fixture_reports_every_rule(self) -> None:
        code, violations = run_checker(FIXTURES / "violating")
        self.assertEqual(code, 1)
        found = [parse(line) for line in violations]
        for rule in RULES:
            self.assertTrue(any(r.startswith(rule) for _, r in found), f"rule {rule} never reported")
        self.assertEqual(sorted(found), sorted(PLANTED), "missed, doubled or unplanted violations")

    def test_real_tree_passes(self) -> None:
        if source_dir is None:
            self.skipTest("no --source-dir given")
        code, violations = run_checker(source_dir)
        self.assertEqual(violations, [])
        self.assertEqual(code, 0)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-dir", type=Path)
    args, rest = parser.parse_known_args()
    source_dir = args.source_dir.resolve() if args.source_dir else None
    unittest.main(argv=[sys.argv[0], "-v", *rest])
