#!/usr/bin/env python3
"""Files and lines per target: every folder of Sources/ and Tests/ that holds Swift or C sources.

Lines are all lines of the source files (.swift, .c, .h), comments and blank lines included.
`make loc` prints the table; `scripts/loc.py --write docs/ARCHITECTURE.md` replaces the table
between the `<!-- loc:begin -->` and `<!-- loc:end -->` markers of that file with the current one.

Usage: loc.py [--write FILE]
"""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXTENSIONS = (".swift", ".c", ".h")
BEGIN, END = "<!-- loc:begin -->", "<!-- loc:end -->"


def count(folder):
    """(files, lines) of the sources under `folder`, walked in sorted order."""
    files = lines = 0
    for directory, subdirectories, names in os.walk(folder):
        subdirectories.sort()
        for name in sorted(names):
            if name.endswith(EXTENSIONS):
                with open(os.path.join(directory, name), "rb") as f:
                    lines += f.read().count(b"\n")
                files += 1
    return files, lines


def table():
    rows = []
    totals = {}
    for top in ("Sources", "Tests"):
        base = os.path.join(ROOT, top)
        for target in sorted(os.listdir(base)):
            folder = os.path.join(base, target)
            if not os.path.isdir(folder):
                continue
            files, lines = count(folder)
            if files == 0:
                continue  # a system library: a module map only
            rows.append(f"| `{top}/{target}` | {files} | {lines} |")
            f, l = totals.get(top, (0, 0))
            totals[top] = (f + files, l + lines)
    out = ["| target | files | lines |", "|---|---:|---:|"] + rows
    out += [f"| all of `{top}` | {f} | {l} |" for top, (f, l) in totals.items()]
    return "\n".join(out)


def main():
    text = table()
    if len(sys.argv) == 3 and sys.argv[1] == "--write":
        path = sys.argv[2]
        with open(path) as f:
            document = f.read()
        start, end = document.find(BEGIN), document.find(END)
        if start < 0 or end < start:
            sys.exit(f"{path}: no {BEGIN} … {END} markers to write the table between")
        document = document[: start + len(BEGIN)] + "\n" + text + "\n" + document[end:]
        with open(path, "w") as f:
            f.write(document)
        print(f"wrote the table of {text.count(chr(10)) - 1} rows to {path}")
    elif len(sys.argv) == 1:
        print(text)
    else:
        sys.exit(__doc__.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
