#!/usr/bin/env python3
"""Checks shopd's module boundaries (DESIGN §1) on a source tree; exits 1 on any violation.

The build keeps modules apart (each module's src/ is PRIVATE), but only for what CMake sees:
a "../" include, a hand-written link to another module's implementation, a query on another
module's table or Beast in module code all compile. This test catches them:

  (a) platform-knows-no-module  src/platform includes no module header (shop/<m>/..., modules/),
                                its CMake files link no module target, and its SQL (and
                                migrations outside a module's folder) names no module's table.
  (b) public-headers-only       code under src/modules/<m>/ includes another module only as
                                <shop/<other>/...>, and only a header that exists in
                                src/modules/<other>/include/shop/<other>/ (no "../" out of the
                                module, no modules/<other>/..., no <other>/src).
  (c) links-api-only            src/modules/<m>/CMakeLists.txt declares the module with
                                shop_module(NAME <m> ...), and no CMake file of the module links
                                another module's implementation target shop_<other> (only _api).
  (d) own-tables-only           SQL of module <m> (migrations/<m>/**.sql and SQL string literals
                                in src/modules/<m>/) names no table of another module after
                                FROM/JOIN/INTO/UPDATE/TABLE/REFERENCES, and creates tables only
                                with its own prefix <m>_. Platform tables (events_, schema_) are
                                anyone's.
  (e) app-only-wiring           only src/app links shop_<m> implementation targets or the Beast
                                server (shop_platform_http), and only src/app and
                                src/platform/http include <boost/beast...> or <boost/asio...>.

Each violation is printed as `file:line: rule: text`, paths relative to --source-dir.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

CPP_SUFFIXES = {".hpp", ".h", ".hh", ".ipp", ".cpp", ".cc", ".cxx"}
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
SQL_VERB_RE = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|WITH|REPLACE)\b", re.IGNORECASE)
SQL_TABLE_RE = re.compile(
    r"\b(FROM|JOIN|INTO|UPDATE|TABLE|REFERENCES)\s+"
    r"(?:IF\s+NOT\s+EXISTS\s+|IF\s+EXISTS\s+|ONLY\s+)?"
    r"(?:[\"`]?\w+[\"`]?\.)?[\"`]?([A-Za-z_]\w*)",
    re.IGNORECASE)
SQL_CREATE_TABLE_RE = re.compile(
    r"\bCREATE\s+(?:VIRTUAL\s+|TEMP\s+|TEMPORARY\s+|UNLOGGED\s+)?TABLE\s+"
    r"(?:IF\s+NOT\s+EXISTS\s+)?(?:[\"`]?\w+[\"`]?\.)?[\"`]?([A-Za-z_]\w*)",
    re.IGNORECASE)

RULE_A = "a/platform-knows-no-module"
RULE_B = "b/public-headers-only"
RULE_C = "c/links-api-only"
RULE_D = "d/own-tables-only"
RULE_E = "e/app-only-wiring"


@dataclass
class Violation:
    path: str
    line: int
    rule: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.text}"


class Tree:
    """The source tree being checked: its root, module names and a place to collect violations."""

    def __init__(self, root: Path) -> None:
        self.root = root
        modules_dir = root / "src" / "modules"
        self.modules = sorted(p.name for p in modules_dir.iterdir() if p.is_dir()) if modules_dir.is_dir() else []
        self.violations: list[Violation] = []

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def report(self, path: Path, line: int, rule: str, text: str) -> None:
        self.violations.append(Violation(self.rel(path), line, rule, text.strip()))

    def module_of(self, path: Path) -> str | None:
        parts = path.relative_to(self.root).parts
        if len(parts) > 3 and parts[:2] == ("src", "modules") and parts[2] in self.modules:
            return parts[2]
        return None

    def table_owner(self, table: str) -> str | None:
        """The module whose prefix the table carries (the longest matching module name)."""
        owners = [m for m in self.modules if table.lower().startswith(m.lower() + "_")]
        return max(owners, key=len) if owners else None


# ---------------------------------------------------------------- file readers


def files_under(directory: Path, suffixes: set[str] | None = None, name: str | None = None) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.rglob("*") if p.is_file()
                  and (suffixes is None or p.suffix in suffixes) and (name is None or p.name == name))


def includes(path: Path) -> list[tuple[int, str, str]]:
    """(line, include path, the whole line) for each #include."""
    found = []
    for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
        m = INCLUDE_RE.match(line)
        if m:
            found.append((number, m.group(2).strip(), line))
    return found


def blank_out(text: str, pattern: str, flags: int = 0) -> str:
    """Replaces each match by spaces (keeping newlines), so offsets and line numbers still hold."""
    return re.sub(pattern, lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=flags)


def cmake_tokens(text: str) -> list[tuple[int, str]]:
    """(line, token) for a CMake file: words, quoted strings (unquoted), "(" and ")"; comments dropped."""
    tokens, i, line = [], 0, 1
    while i < len(text):
        c = text[i]
        if c == "#":
            bracket = re.compile(r"#\[(=*)\[").match(text, i)
            closing = "]" + bracket.group(1) + "]" if bracket else "\n"
            end = text.find(closing, i)
            end = len(text) if end < 0 else end + (len(closing) if bracket else 0)
            line += text.count("\n", i, end)
            i = end
        elif c == '"':
            m = re.compile(r'"((?:\\.|[^"\\])*)"?').match(text, i)
            tokens.append((line, m.group(1)))
            line += m.group(0).count("\n")
            i = m.end()
        elif c in "()":
            tokens.append((line, c))
            i += 1
        elif c.isspace():
            line += c == "\n"
            i += 1
        else:
            m = re.compile(r'[^\s()#"]+').match(text, i)
            tokens.append((line, m.group(0)))
            i = m.end()
    return tokens


def cmake_commands(path: Path) -> list[tuple[int, str, list[tuple[int, str]]]]:
    """(line, command name in lower case, [(line, argument)]) for each command call in a CMake file."""
    tokens = cmake_tokens(path.read_text(errors="replace"))
    commands, i = [], 0
    while i + 1 < len(tokens):
        line, word = tokens[i]
        if tokens[i + 1][1] != "(" or word in ("(", ")"):
            i += 1
            continue
        depth, i, args = 1, i + 2, []
        while i < len(tokens) and depth:
            token = tokens[i][1]
            depth += {"(": 1, ")": -1}.get(token, 0)
            if token not in ("(", ")"):
                args.append(tokens[i])
            i += 1
        commands.append((line, word.lower(), args))
    return commands


def linked_targets(commands: list[tuple[int, str, list[tuple[int, str]]]]) -> list[tuple[int, str]]:
    """Targets a CMake file links: target_link_libraries after the consumer, shop_module USES/PLATFORM."""
    linked = []
    for _, name, args in commands:
        if name == "target_link_libraries":
            linked += args[1:]
        elif name == "shop_module":
            section = None
            for line, value in args:
                if value in ("NAME", "SOURCES", "USES", "PLATFORM"):
                    section = value
                elif section in ("USES", "PLATFORM"):
                    linked.append((line, value))
    # A generator expression such as $<BUILD_INTERFACE:shop_x> links the names inside it.
    return [(line, part) for line, value in linked for part in re.split(r"[$<>:;,]", value) if part]


CPP_TOKEN_RE = re.compile(
    r'(?P<raw>R"(?P<delim>[^(\s]*)\((?P<raw_body>.*?)\)(?P=delim)")'
    r'|"(?P<body>(?:\\.|[^"\\\n])*)"'
    r"|'(?:\\.|[^'\\\n])*'"
    r"|//[^\n]*|/\*.*?\*/",
    re.DOTALL)


def sql_literals(path: Path) -> list[tuple[str, list[int]]]:
    """SQL text of each C++ string literal (adjacent literals joined), with a source line per character."""
    text = path.read_text(errors="replace")
    literals: list[tuple[str, list[int]]] = []
    previous_end = None
    for m in CPP_TOKEN_RE.finditer(text):
        group = "raw_body" if m.group("raw") else "body" if m.group("body") is not None else None
        if group is None:
            continue  # a comment or a character literal
        body, first_line = m.group(group), text.count("\n", 0, m.start(group)) + 1
        lines = [first_line + body.count("\n", 0, k) for k in range(len(body))]
        if previous_end is not None and text[previous_end:m.start()].strip() == "":
            joined, joined_lines = literals[-1]
            literals[-1] = (joined + body, joined_lines + lines)
        else:
            literals.append((body, lines))
        previous_end = m.end()
    return [(sql, lines) for sql, lines in literals if SQL_VERB_RE.match(sql)]


# ---------------------------------------------------------------- rules


def check_platform(tree: Tree) -> None:
    """(a), and the CMake half of (e) for src/platform."""
    platform = tree.root / "src" / "platform"
    for path in files_under(platform, CPP_SUFFIXES):
        for line, target, text in includes(path):
            first = target.split("/")
            if "modules/" in target or (len(first) > 1 and first[0] == "shop" and first[1] in tree.modules):
                tree.report(path, line, RULE_A, text)
    for path in files_under(platform, name="CMakeLists.txt"):
        for line, target in linked_targets(cmake_commands(path)):
            for m in tree.modules:
                if target == f"shop_{m}_api":
                    tree.report(path, line, RULE_A, f"links {target}")
                elif target == f"shop_{m}":
                    tree.report(path, line, RULE_E, f"links {target} (only src/app links implementations)")


def check_module_includes(tree: Tree, module: str) -> None:
    """(b) for one module's C++ files."""
    module_dir = tree.root / "src" / "modules" / module
    others = [m for m in tree.modules if m != module]
    for path in files_under(module_dir, CPP_SUFFIXES):
        for line, target, text in includes(path):
            parts = target.split("/")
            if ".." in parts:
                resolved = (path.parent / target).resolve()
                if not resolved.is_relative_to(module_dir.resolve()):
                    tree.report(path, line, RULE_B, f"{text} (reaches out of module {module})")
                continue
            if "modules" in parts or any(o in parts[:1] or f"{o}/src/" in target for o in others):
                tree.report(path, line, RULE_B, f"{text} (another module's files, not its public include/)")
                continue
            if len(parts) > 2 and parts[0] == "shop" and parts[1] in others:
                other = parts[1]
                public = tree.root / "src" / "modules" / other / "include" / target
                if not public.is_file():
                    tree.report(path, line, RULE_B, f"{text} (not a public header of module {other})")


def check_module_cmake(tree: Tree, module: str) -> None:
    """(c) for one module's CMake files."""
    module_dir = tree.root / "src" / "modules" / module
    top = module_dir / "CMakeLists.txt"
    if not top.is_file():
        tree.report(module_dir, 0, RULE_C, f"module {module} has no CMakeLists.txt")
    else:
        declared = [[value for _, value in args] for _, name, args in cmake_commands(top) if name == "shop_module"]
        names = [args[args.index("NAME") + 1] for args in declared if "NAME" in args[:-1]]
        if names != [module]:
            tree.report(top, 1, RULE_C, f"declares no shop_module(NAME {module} ...)"
                        + (f" (declares {', '.join(names)})" if names else ""))
    for path in files_under(module_dir, name="CMakeLists.txt"):
        for line, target in linked_targets(cmake_commands(path)):
            for other in tree.modules:
                if other != module and target == f"shop_{other}":
                    tree.report(path, line, RULE_C, f"links {target}, the implementation of module {other}"
                                f" (link shop_{other}_api, or USES {other})")


def sql_sources(migration_dirs: list[Path], code_dir: Path):
    """(file, SQL text, offset -> line) for each migration file and each SQL literal in code_dir."""
    for directory in migration_dirs:
        for path in files_under(directory, {".sql"}):
            sql = blank_out(path.read_text(errors="replace"), r"--[^\n]*|/\*.*?\*/", re.DOTALL)
            yield path, sql, lambda offset, s=sql: s.count("\n", 0, offset) + 1
    for path in files_under(code_dir, CPP_SUFFIXES):
        for sql, lines in sql_literals(path):
            yield path, sql, lambda offset, ls=lines: ls[min(offset, len(ls) - 1)]


def check_sql(tree: Tree, module: str | None, path: Path, sql: str, line_of) -> None:
    """(d) on one piece of module SQL, or (a) on platform SQL (module None): no other module's table."""
    rule = RULE_D if module else RULE_A
    sql = blank_out(sql, r"'(?:[^']|'')*'")  # values, not names
    for m in SQL_TABLE_RE.finditer(sql):
        table = m.group(2)
        owner = tree.table_owner(table)
        if owner is not None and owner != module:
            tree.report(path, line_of(m.start(2)), rule, f"{m.group(1)} {table}: table of module {owner}")
    if module is None:
        return
    for m in SQL_CREATE_TABLE_RE.finditer(sql):
        table = m.group(1)
        if not table.lower().startswith(module.lower() + "_"):
            tree.report(path, line_of(m.start(1)), RULE_D,
                        f"CREATE TABLE {table}: module {module} creates tables prefixed {module}_ only")


def check_module_sql(tree: Tree, module: str) -> None:
    for path, sql, line_of in sql_sources([tree.root / "migrations" / module],
                                          tree.root / "src" / "modules" / module):
        check_sql(tree, module, path, sql, line_of)


def check_platform_sql(tree: Tree) -> None:
    migrations = tree.root / "migrations"
    shared = [d for d in sorted(migrations.iterdir()) if d.is_dir() and d.name not in tree.modules] \
        if migrations.is_dir() else []
    for path, sql, line_of in sql_sources(shared, tree.root / "src" / "platform"):
        check_sql(tree, None, path, sql, line_of)


def check_wiring(tree: Tree) -> None:
    """(e): Beast/Asio includes and implementation links outside src/app."""
    src = tree.root / "src"
    app, http = src / "app", src / "platform" / "http"
    for path in files_under(src, CPP_SUFFIXES):
        if path.is_relative_to(app) or path.is_relative_to(http):
            continue
        for line, target, text in includes(path):
            if target.startswith(("boost/beast", "boost/asio")):
                tree.report(path, line, RULE_E, f"{text} (Beast/Asio stay in src/app and src/platform/http)")
    for path in files_under(src, name="CMakeLists.txt"):
        if path.is_relative_to(app) or path.is_relative_to(src / "platform"):
            continue  # platform CMake files are checked in check_platform
        module = tree.module_of(path)
        for line, target in linked_targets(cmake_commands(path)):
            if target == "shop_platform_http":
                tree.report(path, line, RULE_E, "links shop_platform_http (only src/app runs the server)")
            elif module is None and target in {f"shop_{m}" for m in tree.modules}:
                tree.report(path, line, RULE_E, f"links {target} (only src/app links implementations)")


def check_tree(root: Path) -> list[Violation]:
    tree = Tree(root)
    check_platform(tree)
    check_platform_sql(tree)
    for module in tree.modules:
        check_module_includes(tree, module)
        check_module_cmake(tree, module)
        check_module_sql(tree, module)
    check_wiring(tree)
    return tree.violations


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-dir", type=Path, required=True, help="root holding src/ and migrations/")
    args = parser.parse_args()
    root = args.source_dir.resolve()
    if not (root / "src").is_dir():
        print(f"{root}: no src/ folder", file=sys.stderr)
        return 2
    violations = sorted(check_tree(root), key=lambda v: (v.path, v.line, v.rule))
    for violation in violations:
        print(violation)
    modules = Tree(root).modules
    print(f"boundaries: {len(modules)} modules ({', '.join(modules) or 'none'}), {len(violations)} violations")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
