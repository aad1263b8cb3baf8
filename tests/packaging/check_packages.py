#!/usr/bin/env python3
"""Checks that shopd's Debian package lists are complete, real and shared by every install path.

shopd is installed two ways: scripts/install-deps.sh on a developer or CI machine, and the
Dockerfile for the image. Both must read the same lists (scripts/deps/*.txt), or the image
drifts from what the tests ran against. And the runtime list must cover every shared library
the binary loads, or the image builds fine and then fails at start on a missing .so.

  (a) lists: the Dockerfile installs its build stage from scripts/deps/build.txt and its final
      stage from scripts/deps/runtime.txt, names no package of its own, and install-deps.sh reads
      build.txt and test.txt.
  (b) binary (with --binary): every library the binary needs directly (DT_NEEDED) belongs
      (dpkg -S) to a runtime.txt package or to one debian:bookworm-slim already has (Essential
      or Priority required, plus what those depend on); every library `ldd` resolves,
      transitively, belongs to one of those or to a dependency apt pulls in for a runtime.txt
      package; nothing is "not found"; every runtime.txt package exists (apt-cache show).
  (c) build list: every build.txt and test.txt package exists, and libboost-dev /
      libboost-all-dev (Boost 1.74, no Boost.JSON, conflicting with 1.81) are not listed.

Usage: check_packages.py --source-dir DIR [--binary PATH]. Exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

FORBIDDEN_BUILD_PACKAGES = {"libboost-dev", "libboost-all-dev"}


class Report:
    """Collects failures and notes; prints each failure as it is found."""

    def __init__(self) -> None:
        self.failures: list[str] = []
        self.checks = 0

    def check(self, ok: bool, rule: str, message: str) -> None:
        self.checks += 1
        if not ok:
            self.failures.append(f"{rule}: {message}")
            print(f"FAIL {rule}: {message}")

    def note(self, rule: str, message: str) -> None:
        print(f"note {rule}: {message}")


def read_list(path: Path) -> list[str]:
    """Package names from a list file: one a line, '#' starts a comment. A missing file lists none."""
    if not path.is_file():
        return []
    names = []
    for line in path.read_text().splitlines():
        name = line.split("#", 1)[0].strip()
        if name:
            names.append(name)
    return names


def run(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, check=False)


# ---------------------------------------------------------------- (a) lists


def dockerfile_stages(text: str) -> list[list[str]]:
    """The Dockerfile's instructions (continuation lines joined), grouped by FROM stage."""
    joined = re.sub(r"\\\n", " ", text)
    stages: list[list[str]] = []
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            stages.append([])
        if stages:
            stages[-1].append(line)
    return stages


def stage_installs_from(stage: list[str], list_name: str) -> tuple[bool, str]:
    """Whether a stage COPYs scripts/deps/<list_name> and feeds that copy to apt-get install."""
    copied_to = None
    for line in stage:
        m = re.match(r"COPY\s+(?:--\S+\s+)*scripts/deps/" + re.escape(list_name) + r"\s+(\S+)",
                     line, re.IGNORECASE)
        if m:
            copied_to = m.group(1)
    if copied_to is None:
        return False, f"no COPY of scripts/deps/{list_name}"
    for line in stage:
        if line.upper().startswith("RUN ") and copied_to in line and "apt-get install" in line:
            return True, ""
    return False, f"scripts/deps/{list_name} is copied to {copied_to} but no RUN installs from it"


def literal_apt_packages(stage: list[str]) -> list[str]:
    """Package names written directly after `apt-get install` (they belong in a list file)."""
    found = []
    for line in stage:
        for m in re.finditer(r"apt-get\s+install((?:\s+[^\s&|;]+)*)", line):
            for word in m.group(1).split():
                if not word.startswith("-"):
                    found.append(word)
    return found


def check_install_paths(source: Path, report: Report) -> None:
    dockerfile = source / "Dockerfile"
    report.check(dockerfile.is_file(), "lists", f"{dockerfile} is missing")
    if dockerfile.is_file():
        stages = dockerfile_stages(dockerfile.read_text())
        report.check(len(stages) >= 2, "lists", f"Dockerfile should have a build and a runtime stage ({len(stages)} found)")
        if len(stages) >= 2:
            ok, why = stage_installs_from(stages[0], "build.txt")
            report.check(ok, "lists", f"Dockerfile build stage does not install scripts/deps/build.txt: {why}")
            ok, why = stage_installs_from(stages[-1], "runtime.txt")
            report.check(ok, "lists", f"Dockerfile final stage does not install scripts/deps/runtime.txt: {why}")
        for i, stage in enumerate(stages):
            literal = literal_apt_packages(stage)
            report.check(not literal, "lists",
                         f"Dockerfile stage {i} names packages outside scripts/deps: {' '.join(literal)}")

    script = source / "scripts" / "install-deps.sh"
    report.check(script.is_file(), "lists", f"{script} is missing")
    if script.is_file():
        text = script.read_text()
        report.check("scripts/deps" in text, "lists", "install-deps.sh does not read scripts/deps/")
        for name in ("build.txt", "test.txt"):
            report.check(name in text, "lists", f"install-deps.sh does not read {name}")

    for name in ("build.txt", "runtime.txt", "test.txt"):
        path = source / "scripts" / "deps" / name
        report.check(path.is_file() and bool(read_list(path)), "lists", f"{path} is missing or lists no package")


# ---------------------------------------------------------------- package database


class Dpkg:
    """The installed packages: priority, essential flag and dependencies, read once."""

    def __init__(self) -> None:
        out = run(["dpkg-query", "-W", "-f",
                   "${Package}\t${Status}\t${Priority}\t${Essential}\t${Pre-Depends}\t${Depends}\t${Provides}\n"])
        self.installed: dict[str, tuple[str, str, str]] = {}
        self.providers: dict[str, str] = {}
        for line in out.stdout.splitlines():
            name, status, priority, essential, predepends, depends, provides = (line.split("\t") + [""] * 7)[:7]
            if not status.endswith(" installed"):
                continue
            self.installed[name] = (priority, essential, ", ".join(x for x in (predepends, depends) if x))
            for virtual in provides.split(","):
                virtual = virtual.strip().split(" ", 1)[0]
                if virtual:
                    self.providers.setdefault(virtual, name)

    def _resolve(self, name: str) -> str | None:
        name = name.split(":", 1)[0]
        if name in self.installed:
            return name
        return self.providers.get(name)

    def dependencies(self, package: str) -> list[str]:
        """Installed packages apt would have pulled in for `package` (first installed alternative)."""
        result = []
        for clause in self.installed.get(package, ("", "", ""))[2].split(","):
            for alternative in clause.split("|"):
                name = alternative.strip().split(" ", 1)[0]
                resolved = self._resolve(name) if name else None
                if resolved:
                    result.append(resolved)
                    break
        return result

    def closure(self, roots: set[str]) -> set[str]:
        seen: set[str] = set()
        pending = [p for p in roots if p in self.installed]
        while pending:
            package = pending.pop()
            if package in seen:
                continue
            seen.add(package)
            pending.extend(self.dependencies(package))
        return seen

    def slim_base(self) -> set[str]:
        """What debian:bookworm-slim has: Essential and Priority required packages, plus their dependencies."""
        roots = {name for name, (priority, essential, _) in self.installed.items()
                 if priority == "required" or essential == "yes"}
        return self.closure(roots)


def owners_of(paths: list[str]) -> dict[str, str]:
    """Path -> the package that ships it (one dpkg -S call), trying merged-/usr spellings too."""
    spellings: dict[str, list[str]] = {}
    for path in paths:
        candidates = [path, os.path.realpath(path)]
        for p in list(candidates):
            candidates.append(p[len("/usr"):] if p.startswith("/usr/") else "/usr" + p)
        spellings[path] = list(dict.fromkeys(candidates))
    everything = sorted({c for candidates in spellings.values() for c in candidates})
    owner_by_spelling = {}
    for line in run(["dpkg", "-S", *everything]).stdout.splitlines():
        if line.startswith("diversion ") or ": " not in line:
            continue
        packages, spelled = line.split(": ", 1)
        owner_by_spelling[spelled] = packages.split(",")[0].split(":")[0].strip()
    owners = {}
    for path, candidates in spellings.items():
        found = [owner_by_spelling[c] for c in candidates if c in owner_by_spelling]
        if found:
            owners[path] = found[0]
    return owners


def existing_packages(names: list[str]) -> set[str]:
    """The names apt knows as real packages (one apt-cache show call)."""
    if not names:
        return set()
    out = run(["apt-cache", "show", "--no-all-versions", *names])
    return set(re.findall(r"^Package: (\S+)$", out.stdout, re.MULTILINE))


# ---------------------------------------------------------------- (b) binary


def ldd_libraries(binary: Path) -> tuple[dict[str, str], list[str]]:
    """Soname -> resolved path for every library ldd lists, and the sonames it could not find."""
    out = run(["ldd", str(binary)])
    resolved, missing = {}, []
    for line in out.stdout.splitlines():
        m = re.match(r"\s*(\S+)\s+=>\s+(.*?)\s*(\(0x[0-9a-f]+\))?$", line)
        if not m:
            continue
        soname, target = m.group(1), m.group(2)
        if target == "not found":
            missing.append(soname)
        elif target.startswith("/"):
            resolved[soname] = target
    return resolved, missing


def direct_needs(binary: Path) -> set[str]:
    out = run(["readelf", "-d", str(binary)])
    return set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out.stdout))


def check_binary(source: Path, binary: Path, report: Report) -> None:
    report.check(binary.is_file(), "binary", f"{binary} is missing")
    if not binary.is_file():
        return
    runtime = set(read_list(source / "scripts" / "deps" / "runtime.txt"))
    known = existing_packages(sorted(runtime))
    for name in sorted(runtime):
        report.check(name in known, "binary", f"runtime.txt package {name} is unknown to apt-cache show")

    dpkg = Dpkg()
    base = dpkg.slim_base()
    pulled_in = dpkg.closure(runtime)
    resolved, missing = ldd_libraries(binary)
    needed = direct_needs(binary)
    report.check(bool(resolved), "binary", f"ldd lists no library for {binary}")
    report.check(not missing, "binary", f"ldd cannot find {', '.join(missing)}")

    used_runtime = set()
    owners = owners_of(sorted(resolved.values()))
    for soname, path in sorted(resolved.items()):
        package = owners.get(path)
        report.check(package is not None, "binary", f"{soname} ({path}) belongs to no Debian package")
        if package is None:
            continue
        if package in runtime:
            used_runtime.add(package)
        if soname in needed:
            report.check(package in runtime or package in base, "binary",
                         f"{soname} is needed directly but its package {package} is neither in runtime.txt "
                         "nor in debian:bookworm-slim")
        else:
            report.check(package in runtime or package in base or package in pulled_in, "binary",
                         f"{soname} is loaded indirectly but its package {package} is neither in runtime.txt, "
                         "nor in debian:bookworm-slim, nor a dependency of a runtime.txt package")
    for name in sorted(runtime - used_runtime):
        report.note("binary", f"runtime.txt lists {name}, which provides no library the binary loads")
    print(f"binary: {len(resolved)} libraries ({len(needed)} direct), "
          f"{len(used_runtime)} of {len(runtime)} runtime.txt packages used")


# ---------------------------------------------------------------- (c) build list


def check_build_list(source: Path, report: Report) -> None:
    deps = source / "scripts" / "deps"
    build = read_list(deps / "build.txt")
    for name in build:
        report.check(name not in FORBIDDEN_BUILD_PACKAGES, "build",
                     f"build.txt lists {name} (Boost 1.74, no Boost.JSON; conflicts with libboost1.81-dev)")
    for list_name in ("build.txt", "test.txt"):
        names = read_list(deps / list_name)
        known = existing_packages(names)
        for name in names:
            report.check(name in known, "build", f"{list_name} package {name} is unknown to apt-cache show")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-dir", type=Path, required=True)
    parser.add_argument("--binary", type=Path)
    args = parser.parse_args()
    source = args.source_dir.resolve()

    report = Report()
    check_install_paths(source, report)
    check_build_list(source, report)
    if args.binary:
        check_binary(source, args.binary.resolve(), report)
    else:
        print("binary: skipped (no --binary)")

    failed = len(report.failures)
    print(f"packaging: {report.checks - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
