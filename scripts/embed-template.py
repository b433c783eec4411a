#!/usr/bin/env python3
"""Writes Sources/Composition/BuiltInTemplate.swift from Templates/report.html.mustache.

A document in a project without its own Templates/report.html.mustache is rendered with this
built-in copy, so its HTML page looks like the flagship's. CompositionTests fails when the two
differ; run `make template` (this script) after editing the template.
"""

import sys

template = open("Templates/report.html.mustache", encoding="utf-8").read()
if '"#' in template or "\\(" in template:
    sys.exit("the template holds a sequence a Swift raw string cannot carry")
swift = (
    "// Written by scripts/embed-template.py from Templates/report.html.mustache; do not edit.\n\n"
    "extension HTMLPage {\n"
    "    /// Templates/report.html.mustache as shipped, for projects that have no template of their own.\n"
    '    static let builtIn = #"""\n'
    + "".join("        " + line if line.strip() else line for line in template.splitlines(keepends=True))
    + '\n        """#\n}\n'
)
open("Sources/Composition/BuiltInTemplate.swift", "w", encoding="utf-8").write(swift)
