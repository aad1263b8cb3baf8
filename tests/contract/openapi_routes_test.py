#!/usr/bin/env python3
"""The OpenAPI document and the binary's routes must agree.

Every API or operations route the binary registers (`shopd routes`) must be
documented in web/api/openapi.json with its method, and every documented
operation must exist in the binary, so the document cannot drift from the code
in either direction. HTML pages and /static/ are not part of the API contract.
"""
import argparse
import json
import os
import re
import subprocess
import sys

OPERATIONS = {"/livez", "/readyz", "/metrics"}
METHODS = {"get", "post", "put", "patch", "delete"}


def is_api(path: str) -> bool:
    return path.startswith("/api/") or path in OPERATIONS


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--source-dir", required=True)
    args = parser.parse_args()

    out = subprocess.run([args.binary, "--config", os.path.join(args.source_dir, "config/dev.toml"), "routes"],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    routes = set()
    for line in out.splitlines():
        method, path = line.split(" ", 1)
        if is_api(path):
            routes.add((method.lower(), path))
    if not routes:
        print("FAIL: `shopd routes` listed no API route")
        return 1

    with open(os.path.join(args.source_dir, "web/api/openapi.json")) as f:
        doc = json.load(f)
    if not str(doc.get("openapi", "")).startswith("3.1"):
        print("FAIL: the document is not OpenAPI 3.1")
        return 1
    documented = set()
    for path, item in doc["paths"].items():
        for method in item:
            if method in METHODS:
                documented.add((method, path))
        # Every {param} in a path must be declared as a path parameter.
        for name in re.findall(r"\{(\w+)\}", path):
            params = [p for m in item.values() if isinstance(m, dict) for p in m.get("parameters", [])]
            params += item.get("parameters", [])
            if not any(p.get("name") == name and p.get("in") == "path" for p in params if isinstance(p, dict)):
                print(f"FAIL: {path}: path parameter {{{name}}} is not declared")
                return 1

    missing = sorted(routes - documented)
    phantom = sorted(documented - routes)
    for method, path in missing:
        print(f"FAIL: route {method.upper()} {path} is not in openapi.json")
    for method, path in phantom:
        print(f"FAIL: openapi.json documents {method.upper()} {path}, which the binary does not serve")
    if missing or phantom:
        return 1
    print(f"ok: {len(routes)} API routes, all documented, nothing phantom")
    return 0


if __name__ == "__main__":
    sys.exit(main())
