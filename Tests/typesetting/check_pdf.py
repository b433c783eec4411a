#!/usr/bin/env python3
"""Checks the typesetting of built reports' PDFs as a copy editor would, from the PDF itself.

Reads each report.pdf with poppler's `pdftotext -bbox-layout` (the position of every word) and
the page geometry of Templates/paper.yaml, and fails when
  - a line runs past the text frame (an overfull line);
  - a justified line stretches its word spaces beyond MAX_SPACE_RATIO times their natural width
    (justification widens every space of a line alike; the line's median gap is taken);
  - a page other than the last is more than a quarter empty at its foot while a float (figure or
    table) of the same section, placed on a later page, would have fitted into the gap. Pages
    that end a section (the next page starts a numbered section or the references) are excepted;
  - an internal link goes nowhere: every link annotation (cross-references to figures, tables,
    equations and sections, citations, table-of-contents lines) and every outline entry must name
    a destination the file defines, on one of its pages (read from `qpdf --json`); a link action
    other than going to a destination or opening a URI (JavaScript, launching a file, ...) fails too.

Usage: check_pdf.py BUILD_FOLDER... (each holding report.pdf). Exit status 1 on any failure.
"""

import html.parser
import json
import os
import re
import subprocess
import sys

# The widest a word space of a justified line may be, in multiples of the font's natural space.
MAX_SPACE_RATIO = 2.0
# DejaVu Serif: the space is 651/2048 em wide, and a word's box (ascent + descent) 1.164 em high.
NATURAL_SPACE_EM = 651 / 2048
BOX_HEIGHT_EM = 1.164
# The largest empty share of a page's text height at its foot.
MAX_EMPTY_SHARE = 0.25
# Tolerance of positions, in points.
EPSILON = 0.6


class Word:
    def __init__(self, attributes, text):
        self.x0, self.y0, self.x1, self.y1 = (float(attributes[k]) for k in ("xmin", "ymin", "xmax", "ymax"))
        self.text = text


class Line:
    def __init__(self, attributes):
        self.x0, self.y0, self.x1, self.y1 = (float(attributes[k]) for k in ("xmin", "ymin", "xmax", "ymax"))
        self.words = []

    @property
    def text(self):
        return " ".join(w.text for w in self.words)

    @property
    def height(self):
        return self.y1 - self.y0


class Block:
    def __init__(self):
        self.lines = []

    @property
    def y0(self):
        return min(l.y0 for l in self.lines)

    @property
    def y1(self):
        return max(l.y1 for l in self.lines)

    @property
    def x0(self):
        return min(l.x0 for l in self.lines)


class BBoxParser(html.parser.HTMLParser):
    """Pages of blocks of lines of words, from pdftotext's -bbox-layout XHTML."""

    def __init__(self):
        super().__init__()
        self.pages = []
        self.word = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "page":
            self.pages.append({"width": float(a["width"]), "height": float(a["height"]), "blocks": []})
        elif tag == "block":
            self.pages[-1]["blocks"].append(Block())
        elif tag == "line":
            self.pages[-1]["blocks"][-1].lines.append(Line(a))
        elif tag == "word":
            self.word = a
            self.text = ""

    def handle_data(self, data):
        if self.word is not None:
            self.text += data

    def handle_endtag(self, tag):
        if tag == "word" and self.word is not None:
            self.pages[-1]["blocks"][-1].lines[-1].words.append(Word(self.word, self.text))
            self.word = None


def pdf_string(value):
    """The text of a string or name in qpdf's JSON (version 2): "u:text", "b:hex" or "/Name"."""
    if isinstance(value, str):
        if value.startswith("u:"):
            return value[2:]
        if value.startswith("b:"):
            raw = bytes.fromhex(value[2:])
            if raw.startswith(b"\xfe\xff"):
                return raw[2:].decode("utf-16-be")
            return raw.decode("latin-1")
        if value.startswith("/"):
            return value[1:]
    return None


def check_links(pdf, failures):
    """Every internal link and outline entry of the PDF names a destination that the file defines
    on one of its pages. Returns (links, outline entries, named destinations) counted."""
    name = os.path.relpath(pdf)
    dump = subprocess.run(["qpdf", "--json=2", "--json-key=qpdf", pdf], capture_output=True, text=True, check=True).stdout
    objects = json.loads(dump)["qpdf"][1]

    def value(ref_or_value):
        """An object's value, following an indirect reference ("12 0 R")."""
        if isinstance(ref_or_value, str) and ref_or_value.endswith(" R"):
            entry = objects.get("obj:" + ref_or_value)
            return entry.get("value") if entry else None
        return ref_or_value

    root = value(objects["trailer"]["value"]["/Root"])
    # The pages in reading order, from the page tree.
    ordered = []
    stack = [root["/Pages"]]
    while stack:
        ref = stack.pop()
        node = value(ref)
        if node.get("/Type") == "/Page":
            ordered.append(ref)
        stack.extend(reversed(node.get("/Kids", [])))
    pages = set(ordered)
    # Named destinations: the /Dests name tree of the catalog's /Names, and the older /Dests dictionary.
    named = {}
    names = value(root.get("/Names", {})) or {}
    stack = [names["/Dests"]] if "/Dests" in names else []
    while stack:
        node = value(stack.pop())
        entries = node.get("/Names", [])
        for key, target in zip(entries[0::2], entries[1::2]):
            named[pdf_string(key)] = value(target)
        stack.extend(node.get("/Kids", []))
    for key, target in (value(root.get("/Dests", {})) or {}).items():
        named[pdf_string(key)] = value(target)
    for key, target in sorted(named.items()):
        explicit = target.get("/D") if isinstance(target, dict) else target
        if not isinstance(explicit, list) or not explicit or explicit[0] not in pages:
            failures.append(f"{name}: destination {key!r} is not on a page of the document")

    def resolves(destination, where):
        destination = value(destination)
        if isinstance(destination, list):
            if not destination or destination[0] not in pages:
                failures.append(f"{name}: {where} goes to an explicit destination off the document's pages")
            return
        key = pdf_string(destination)
        if key is None:
            failures.append(f"{name}: {where} has a destination that is neither a name nor a page ({destination!r})")
        elif key not in named:
            failures.append(f"{name}: {where} goes to {key!r}, a destination the file does not define")

    def follow(holder, where):
        if "/Dest" in holder:
            resolves(holder["/Dest"], where)
            return
        action = value(holder.get("/A"))
        if action is None:
            failures.append(f"{name}: {where} has neither a destination nor an action")
            return
        kind = action.get("/S")
        if kind == "/GoTo":
            resolves(action.get("/D"), where)
        elif kind != "/URI":
            failures.append(f"{name}: {where} runs an action of kind {kind}: only destinations and URIs are allowed")

    link_count = 0
    for page_number, ref in enumerate(ordered, start=1):
        for annotation in value(value(ref).get("/Annots", [])) or []:
            annotation = value(annotation)
            if annotation.get("/Subtype") != "/Link":
                continue
            link_count += 1
            rect = ", ".join(f"{v:g}" for v in annotation.get("/Rect", []))
            follow(annotation, f"page {page_number}: the link at [{rect}]")
    outline_count = 0
    outlines = value(root.get("/Outlines"))
    stack = [outlines["/First"]] if outlines and "/First" in outlines else []
    seen = set()
    while stack:
        ref = stack.pop()
        if ref in seen:
            failures.append(f"{name}: the outline loops at {ref}")
            break
        seen.add(ref)
        item = value(ref)
        outline_count += 1
        follow(item, f"the outline entry {pdf_string(item.get('/Title'))!r}")
        if "/Next" in item:
            stack.append(item["/Next"])
        if "/First" in item:
            stack.append(item["/First"])
    return link_count, outline_count, len(named)


def margins(style_path):
    """top, bottom, inner, outer margins in points from the paper style (72 pt when unstated)."""
    values = {"top": 72.0, "bottom": 72.0, "inner": 72.0, "outer": 72.0}
    if os.path.exists(style_path):
        with open(style_path) as f:
            for line in f:
                m = re.match(r"\s*margins:\s*\{([^}]*)\}", line)
                if m:
                    for part in m.group(1).split(","):
                        key, _, value = part.partition(":")
                        if key.strip() in values:
                            values[key.strip()] = float(value)
    return values


def check(pdf, style, failures):
    name = os.path.relpath(pdf)
    layout = subprocess.run(["pdftotext", "-bbox-layout", pdf, "-"], capture_output=True, text=True, check=True).stdout
    parser = BBoxParser()
    parser.feed(layout)
    pages = parser.pages
    m = margins(style)
    stretches = []
    summaries = []
    body_height = None
    for index, page in enumerate(pages):
        left, right = m["inner"], page["width"] - m["outer"]
        top, bottom = m["top"], page["height"] - m["bottom"]
        # The running header sits in the top margin and the page number in the bottom one.
        blocks = [b for b in page["blocks"] if b.lines and b.y0 >= top - 4 and b.y1 <= bottom + 4]
        page["body"] = blocks
        for block in blocks:
            for line in block.lines:
                for word in line.words:
                    if word.x1 > right + EPSILON or word.x0 < left - EPSILON:
                        failures.append(f"{name}: page {index + 1}: overfull line ({word.x1 - right:+.1f} pt past the frame): {line.text[:70]!r}")
                        break
                # A justified line fills the frame from edge to edge; its gaps are its word spaces.
                if len(line.words) >= 3 and abs(line.x0 - left) < EPSILON and abs(line.x1 - right) < EPSILON:
                    em = line.height / BOX_HEIGHT_EM
                    natural = NATURAL_SPACE_EM * em
                    # Justification adds the same width to every space of a line; the median gap
                    # is a space of the body font (a monospace or a math space differs).
                    gaps = sorted(b.x0 - a.x1 for a, b in zip(line.words, line.words[1:]))
                    ratio = gaps[len(gaps) // 2] / natural
                    stretches.append(ratio)
                    if ratio > MAX_SPACE_RATIO:
                        failures.append(f"{name}: page {index + 1}: a word space {ratio:.2f} times its natural width (limit {MAX_SPACE_RATIO}): {line.text[:70]!r}")
        page["frame"] = (left, right, top, bottom)
    heights = sorted(l.height for p in pages for b in p["body"] for l in b.lines if abs(l.x0 - p["frame"][0]) < EPSILON)
    body_height = heights[len(heights) // 2] if heights else 11.6

    def starts_section(block):
        first = block.lines[0]
        return first.height > 1.25 * body_height and (re.match(r"^\d+ ", first.text) or first.text.startswith("References"))

    def floats(page, above=float("inf")):
        """(kind, height) of each figure or table on the page whose caption starts above `above`,
        from its caption and its neighbours."""
        left, right, top, _ = page["frame"]
        # Text blocks of the flow (paragraphs, headings, captions) start at the frame's left edge
        # and run over half its width; a figure's own labels do neither.
        edge = [b for b in page["body"] if abs(b.x0 - left) < EPSILON and max(l.x1 for l in b.lines) - left > 0.5 * (right - left)]
        edge.sort(key=lambda b: b.y0)
        found = []
        for k, block in enumerate(edge):
            if block.y0 >= above:
                break
            text = block.lines[0].text
            if re.match(r"^Figure \d+:", text):
                above = edge[k - 1].y1 if k > 0 else top
                found.append(("figure", block.y1 - above))
            elif re.match(r"^Table \d+:", text):
                after = [b for b in edge[k + 1:] if b.lines[0].height >= 0.95 * body_height]
                table_lines = [l for b in page["body"] for l in b.lines if l.y0 > block.y1 and (not after or l.y1 < after[0].y0)]
                end = max((l.y1 for l in table_lines), default=block.y1)
                found.append(("table", end - block.y0))
        return found

    for index, page in enumerate(pages[:-1]):
        _, _, top, bottom = page["frame"]
        if not page["body"]:
            continue
        used = max(b.y1 for b in page["body"])
        empty = (bottom - used) / (bottom - top)
        summaries.append(empty)
        if empty <= MAX_EMPTY_SHARE:
            continue
        gap = bottom - used - 12  # the space a float keeps from what is above it
        candidates = []
        for later in pages[index + 1:]:
            ordered = sorted(later["body"], key=lambda b: b.y0)
            if ordered and starts_section(ordered[0]):
                break
            section = next((b.y0 for b in ordered if starts_section(b)), float("inf"))
            candidates += floats(later, above=section)
            if section < float("inf"):
                break
        fitting = [c for c in candidates if c[1] <= gap]
        if fitting:
            kind, height = fitting[0]
            failures.append(f"{name}: page {index + 1} is {100 * empty:.0f}% empty at its foot while a later {kind} ({height:.0f} pt) would fit in its {gap:.0f} pt")
    worst = max(stretches, default=0)
    links, outline, destinations = check_links(pdf, failures)
    print(f"  {name}: {len(pages)} pages, {len(stretches)} justified lines, widest word spaces {worst:.2f}× natural, "
          f"emptiest page foot {100 * max(summaries, default=0):.0f}%, {links} links and {outline} outline entries "
          f"to {destinations} destinations")


def main():
    folders = sys.argv[1:]
    if not folders:
        sys.exit("usage: check_pdf.py BUILD_FOLDER...")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    style = os.path.join(root, "Templates", "paper.yaml")
    failures = []
    for folder in folders:
        pdf = os.path.join(folder, "report.pdf")
        if not os.path.exists(pdf):
            failures.append(f"{pdf}: missing (build the report first)")
            continue
        check(pdf, style, failures)
    for failure in failures:
        print("check_pdf: error: " + failure, file=sys.stderr)
    print(f"check_pdf: {len(folders)} reports, {len(failures)} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
