#!/usr/bin/env python3
"""Proves check_packages.py fires: each of its checks fails on a planted mistake.

A packaging check that passes on everything would let a Dockerfile drift from
scripts/deps/ or an image miss a shared library. So the checker runs on copies of the
real Dockerfile, install-deps.sh and lists with one mistake each, and on a Debian binary
whose libraries runtime.txt does not cover (redis-server: jemalloc, lzf).

Usage: test_check_packages.py --source-dir DIR
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

CHECKER = Path(__file__).resolve().parent / "check_packages.py"
FOREIGN_BINARY = Path("/usr/bin/redis-server")

source_dir = Path(__file__).resolve().parents[2]


def copy_packaging_files(into: Path) -> None:
    for relative in ("Dockerfile", "scripts/install-deps.sh", "scripts/deps/build.txt",
                     "scripts/deps/runtime.txt", "scripts/deps/test.txt"):
        (into / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source_dir / relative, into / relative)


def run_checker(root: Path, *extra: str) -> tuple[int, str]:
    result = subprocess.run([sys.executable, str(CHECKER), "--source-dir", str(root), *extra],
                            capture_output=True, text=True, check=False)
    return result.returncode, result.stdout + result.stderr


def failures(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("FAIL ")]


class CheckPackagesFires(unittest.TestCase):
    def setUp(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="shopd-packaging-"))
        copy_packaging_files(self.root)

    def tearDown(self) -> None:
        shutil.rmtree(self.root)

    def edit(self, relative: str, old: str, new: str) -> None:
        path = self.root / relative
        text = path.read_text()
        self.assertIn(old, text, f"{relative} no longer contains {old!r}; update this test")
        path.write_text(text.replace(old, new))

    def test_copy_of_real_files_passes(self) -> None:
        code, output = run_checker(self.root)
        self.assertEqual(failures(output), [])
        self.assertEqual(code, 0)

    def test_dockerfile_runtime_stage_not_from_list(self) -> None:
        self.edit("Dockerfile", "COPY scripts/deps/runtime.txt", "COPY scripts/deps/build.txt")
        code, output = run_checker(self.root)
        self.assertEqual(code, 1)
        self.assertTrue(any("runtime.txt" in line for line in failures(output)), output)

    def test_dockerfile_names_its_own_package(self) -> None:
        self.edit("Dockerfile", "xargs apt-get install -y --no-install-recommends",
                  "xargs apt-get install -y --no-install-recommends libjemalloc2")
        code, output = run_checker(self.root)
        self.assertEqual(code, 1)
        self.assertTrue(any("libjemalloc2" in line for line in failures(output)), output)

    def test_install_script_ignores_test_list(self) -> None:
        self.edit("scripts/install-deps.sh", "test.txt", "tests.list")
        code, output = run_checker(self.root)
        self.assertEqual(code, 1)
        self.assertTrue(any("test.txt" in line for line in failures(output)), output)

    def test_boost_174_in_build_list(self) -> None:
        self.edit("scripts/deps/build.txt", "libboost1.81-dev", "libboost1.81-dev\nlibboost-all-dev")
        code, output = run_checker(self.root)
        self.assertEqual(code, 1)
        self.assertTrue(any("libboost-all-dev" in line for line in failures(output)), output)

    def test_unknown_runtime_package(self) -> None:
        self.edit("scripts/deps/runtime.txt", "libpq5", "libpq5\nlibshopd-no-such-package9")
        code, output = run_checker(self.root, "--binary", sys.executable)
        self.assertEqual(code, 1)
        self.assertTrue(any("libshopd-no-such-package9" in line for line in failures(output)), output)

    def test_binary_needing_unlisted_libraries(self) -> None:
        if not FOREIGN_BINARY.is_file():
            self.skipTest(f"{FOREIGN_BINARY} not installed (scripts/install-deps.sh --test)")
        code, output = run_checker(self.root, "--binary", str(FOREIGN_BINARY))
        self.assertEqual(code, 1)
        self.assertTrue(any("libjemalloc2" in line for line in failures(output)), output)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-dir", type=Path)
    args, rest = parser.parse_known_args()
    if args.source_dir:
        source_dir = args.source_dir.resolve()
    unittest.main(argv=[sys.argv[0], "-v", *rest])
