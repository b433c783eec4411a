#!/usr/bin/env python3
"""Fails on force unwraps (`x!`, `as!`), `try!` and implicitly unwrapped optionals in the given folders.

The engine code reads untrusted documents, data files and cache entries: a value that is not there
must become a located error or be ruled out by the code's structure, never a crash. This runs
`swift format lint` (a Swift parser, so `!=`, prefix `!` and text in strings are never mistaken for
an unwrap) with the project's `.swift-format` and its three rules NeverForceUnwrap,
NeverUseForceTry and NeverUseImplicitlyUnwrappedOptionals switched on. A `swift-format-ignore`
comment in these folders fails too: it would switch the check off without a word.

Usage: no-force-unwraps.py FOLDER...   (run from the project root; `make lint` names the folders)
"""

import json
import os
import re
import subprocess
import sys

RULES = ("NeverForceUnwrap", "NeverUseForceTry", "NeverUseImplicitlyUnwrappedOptionals")


def main():
    folders = sys.argv[1:]
    if not folders:
        sys.exit("usage: no-force-unwraps.py FOLDER...")
    with open(".swift-format") as f:
        configuration = json.load(f)
    configuration.setdefault("rules", {}).update({rule: True for rule in RULES})
    swift = os.environ.get("SWIFT", "swift")
    lint = subprocess.run(
        [swift, "format", "lint", "--strict", "--recursive", "--configuration", json.dumps(configuration, sort_keys=True)] + folders,
        capture_output=True, text=True)
    findings = [line for line in lint.stderr.splitlines() if line.strip()]
    # Comments that would silence the rules, found outside string literals by their own syntax.
    ignore = re.compile(r"//\s*swift-format-ignore")
    for folder in folders:
        for directory, subdirectories, names in os.walk(folder):
            subdirectories.sort()
            for name in sorted(n for n in names if n.endswith(".swift")):
                path = os.path.join(directory, name)
                with open(path, encoding="utf-8") as f:
                    for number, line in enumerate(f, start=1):
                        if ignore.search(line):
                            findings.append(f"{path}:{number}:1: error: a swift-format-ignore comment in engine code: "
                                            "handle the missing value instead")
    if lint.returncode != 0 and not findings:
        findings.append(f"swift format lint failed (exit {lint.returncode}) without a finding")
    for finding in findings:
        print(finding, file=sys.stderr)
    if findings:
        print(f"no-force-unwraps: {len(findings)} findings in {', '.join(folders)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
