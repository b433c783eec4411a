#!/usr/bin/env python3
"""Opens built reports' report.html in headless Chromium and checks what a reader sees.

For each report folder given (e.g. build/chinchilla), at a desktop and a phone width:
  - every inline figure is screenshotted and compared with Chromium's rendering of the same
    figure's standalone figures/<id>.svg, alone on a page at the same size and sub-pixel offset
    (they must agree to within anti-aliasing: a figure drawing another's glyphs or clip paths
    differs in several percent of its pixels);
  - every in-page link (cross-references, citations, the table of contents) names an element
    that exists, and no id is defined twice;
  - the page does not scroll sideways at phone width.

Chromium is driven through the DevTools protocol over a WebSocket, with the standard library
only. Exit status 0 when every check passes, 1 otherwise (each failure is printed).
"""

import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib

WIDTHS = [("desktop", 1280, 1000), ("phone", 390, 844)]
# A pixel "differs" when a channel differs by more than this (of 255); anti-aliased edges of the
# same drawing rasterised at the same size differ by less.
PIXEL_TOLERANCE = 64
# At most this share of a figure's pixels may differ (anti-aliasing along edges that fall
# differently on the pixel grid). Glyphs or clip paths borrowed from another figure change
# several percent.
DIFFERING_SHARE_LIMIT = 0.004


# MARK: a minimal WebSocket client (RFC 6455: client frames masked, text frames only)

class WebSocket:
    def __init__(self, url):
        assert url.startswith("ws://")
        host_port, _, path = url[len("ws://"):].partition("/")
        host, _, port = host_port.partition(":")
        self.sock = socket.create_connection((host, int(port)), timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (f"GET /{path} HTTP/1.1\r\nHost: {host_port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
        self.sock.sendall(request.encode())
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("WebSocket handshake: connection closed")
            response += chunk
        head, _, self.buffer = response.partition(b"\r\n\r\n")
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise ConnectionError("WebSocket handshake refused: " + head.decode(errors="replace"))

    def send(self, text):
        payload = text.encode()
        header = bytearray([0x81])
        n = len(payload)
        if n < 126:
            header.append(0x80 | n)
        elif n < 1 << 16:
            header.append(0x80 | 126)
            header += struct.pack(">H", n)
        else:
            header.append(0x80 | 127)
            header += struct.pack(">Q", n)
        mask = os.urandom(4)
        header += mask
        self.sock.sendall(bytes(header) + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise ConnectionError("WebSocket closed")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def receive(self):
        message = b""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            payload = self._read(n)
            opcode = b0 & 0x0F
            if opcode == 0x8:
                raise ConnectionError("WebSocket closed by Chromium")
            if opcode in (0x9, 0xA):
                continue
            message += payload
            if b0 & 0x80:
                return message.decode()


class DevTools:
    """One page target: `call` sends a command and waits for its reply (events are skipped)."""

    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.receive())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open(self, url):
        self.call("Page.navigate", url=url)
        deadline = time.time() + 30
        while self.evaluate("document.readyState") != "complete":
            if time.time() > deadline:
                raise TimeoutError(f"{url} did not finish loading")
            time.sleep(0.05)
        # Fonts and images decoded before any measurement or screenshot.
        self.evaluate("document.fonts.ready.then(() => Promise.all([...document.images].map(i => i.decode().catch(() => null)))).then(() => true)")

    def screenshot(self, x, y, width, height, keep=None):
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                         clip={"x": x, "y": y, "width": width, "height": height, "scale": 1})["data"]
        png = base64.b64decode(data)
        # CHECK_HTML_SHOTS=folder keeps every screenshot, to look at.
        if keep and os.environ.get("CHECK_HTML_SHOTS"):
            os.makedirs(os.environ["CHECK_HTML_SHOTS"], exist_ok=True)
            with open(os.path.join(os.environ["CHECK_HTML_SHOTS"], keep + ".png"), "wb") as f:
                f.write(png)
        return decode_png(png)


# MARK: PNG decoding (8-bit RGB or RGBA, not interlaced: what Chromium writes)

def decode_png(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos = 8
    idat = b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0, "unsupported PNG"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows = []
    previous = bytearray(stride)
    for y in range(height):
        filter_type = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = previous[i]
            c = previous[i - channels] if i >= channels else 0
            if filter_type == 1:
                line[i] = (line[i] + a) & 0xFF
            elif filter_type == 2:
                line[i] = (line[i] + b) & 0xFF
            elif filter_type == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif filter_type == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                predictor = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + predictor) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def differing_share(image_a, image_b):
    """The share of pixels whose colour differs by more than PIXEL_TOLERANCE in some channel."""
    wa, ha, ca, rows_a = image_a
    wb, hb, cb, rows_b = image_b
    if (wa, ha) != (wb, hb):
        return 1.0
    differing = 0
    for row_a, row_b in zip(rows_a, rows_b):
        for x in range(wa):
            pa, pb = x * ca, x * cb
            if (abs(row_a[pa] - row_b[pb]) > PIXEL_TOLERANCE or abs(row_a[pa + 1] - row_b[pb + 1]) > PIXEL_TOLERANCE
                    or abs(row_a[pa + 2] - row_b[pb + 2]) > PIXEL_TOLERANCE):
                differing += 1
    return differing / (wa * ha)


# MARK: the checks

LINKS_AND_IDS = """(() => {
  const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
  const seen = new Set(), duplicates = [];
  for (const id of ids) { if (seen.has(id)) duplicates.push(id); seen.add(id); }
  const broken = [...document.querySelectorAll('a[href^="#"]')]
    .map(a => decodeURIComponent(a.getAttribute('href').slice(1)))
    .filter(id => !document.getElementById(id));
  const links = document.querySelectorAll('a[href^="#"]').length;
  return {duplicates, broken, links};
})()"""

OVERFLOW = """(() => ({scroll: document.documentElement.scrollWidth, viewport: document.documentElement.clientWidth,
  wide: [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect();
    if (r.right <= document.documentElement.clientWidth + 0.5) return false;
    for (let p = e.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return false;
    }
    return true;
  }).slice(0, 5).map(e => e.tagName + (typeof e.className === 'string' && e.className ? '.' + e.className : ''))}))()"""

FIGURES = """(() => [...document.querySelectorAll('figure[id^="fig:"] > svg')].map(svg => {
  const r = svg.getBoundingClientRect();
  return {id: svg.parentElement.id.slice(4), x: r.x + window.scrollX, y: r.y + window.scrollY, width: r.width, height: r.height};
}))()"""


def check_report(page, folder, failures, scratch):
    html = os.path.abspath(os.path.join(folder, "report.html"))
    name = os.path.basename(os.path.normpath(folder))
    if not os.path.exists(html):
        failures.append(f"{html}: missing (build the report first)")
        return
    for label, width, height in WIDTHS:
        page.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=label == "phone")
        page.call("Emulation.setEmulatedMedia", media="screen", features=[{"name": "prefers-color-scheme", "value": "light"}])
        page.open("file://" + html)
        where = f"{name} at {label} width ({width}px)"

        links = page.evaluate(LINKS_AND_IDS)
        if links["duplicates"]:
            failures.append(f"{where}: ids defined more than once: {sorted(set(links['duplicates']))[:8]}")
        if links["broken"]:
            failures.append(f"{where}: links to missing elements: {sorted(set(links['broken']))[:8]}")
        if links["links"] == 0:
            failures.append(f"{where}: no in-page links at all")

        overflow = page.evaluate(OVERFLOW)
        if overflow["scroll"] > overflow["viewport"]:
            failures.append(f"{where}: the page scrolls sideways ({overflow['scroll']}px of content in {overflow['viewport']}px): {overflow['wide']}")

        figures = page.evaluate(FIGURES)
        if not figures:
            failures.append(f"{where}: no inline figures")
        inline_shots = []
        for figure in figures:
            x0, y0 = int(figure["x"]), int(figure["y"])
            w, h = round(figure["x"] + figure["width"]) - x0, round(figure["y"] + figure["height"]) - y0
            inline_shots.append((figure, (x0, y0, w, h), page.screenshot(x0, y0, w, h, keep=f"{name}-{label}-{figure['id']}-inline")))

        # The same figures, each alone from its standalone SVG at the same size and sub-pixel offset.
        for figure, (x0, y0, w, h), inline in inline_shots:
            svg = os.path.abspath(os.path.join(folder, "figures", figure["id"] + ".svg"))
            if not os.path.exists(svg):
                failures.append(f"{where}: figure {figure['id']}: {svg} missing")
                continue
            # The file's own markup (its own ids, nothing else on the page), at the inline figure's
            # size and sub-pixel offset: an <img> would be rasterised through the image pipeline,
            # snapped to whole pixels, and differ in every anti-aliased edge.
            with open(svg, encoding="utf-8") as f:
                markup = f.read()
            markup = markup[markup.index("<svg"):].replace(
                "<svg", f"<svg style=\"display:block;width:{figure['width']}px;height:{figure['height']}px\"", 1)
            alone = os.path.join(scratch, f"{name}-{label}-{figure['id']}.html")
            with open(alone, "w", encoding="utf-8") as f:
                f.write("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body style=\"margin:0;background:#fff\">"
                        f"<div style=\"position:absolute;left:{figure['x'] - x0}px;top:{figure['y'] - y0}px\">{markup}</div></body></html>")
            page.open("file://" + alone)
            standalone = page.screenshot(0, 0, w, h, keep=f"{name}-{label}-{figure['id']}-alone")
            share = differing_share(inline, standalone)
            verdict = "ok" if share <= DIFFERING_SHARE_LIMIT else "DIFFERENT"
            print(f"  {where}: figure {figure['id']:<16} {w}x{h}px, {100 * share:.2f}% of pixels differ  {verdict}")
            if share > DIFFERING_SHARE_LIMIT:
                failures.append(f"{where}: figure {figure['id']} differs from figures/{figure['id']}.svg in {100 * share:.2f}% of its pixels (limit {100 * DIFFERING_SHARE_LIMIT:.1f}%)")
        print(f"  {where}: {len(figures)} figures, {links['links']} in-page links, width {overflow['scroll']}px")


def launch_chromium(profile):
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        sys.exit("check_html: chromium is not installed (make deps installs it)")
    arguments = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--mute-audio",
                 "--no-first-run", "--disable-extensions", "--allow-file-access-from-files",
                 "--font-render-hinting=none", "--force-color-profile=srgb",
                 f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank"]
    process = subprocess.Popen(arguments, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        line = process.stderr.readline()
        if not line and process.poll() is not None:
            break
        if "DevTools listening on " in line:
            url = line.split("DevTools listening on ", 1)[1].strip()
            return process, url.split("/devtools/")[0].replace("ws://", "http://")
    process.kill()
    sys.exit("check_html: Chromium did not start")


def main():
    folders = sys.argv[1:]
    if not folders:
        sys.exit("usage: check_html.py BUILD_FOLDER...")
    started = time.time()
    failures = []
    scratch = tempfile.mkdtemp(prefix="check-html-")
    process, endpoint = launch_chromium(os.path.join(scratch, "profile"))
    try:
        request = urllib.request.Request(endpoint + "/json/new?about:blank", method="PUT")
        target = json.load(urllib.request.urlopen(request, timeout=30))
        page = DevTools(WebSocket(target["webSocketDebuggerUrl"]))
        page.call("Page.enable")
        for folder in folders:
            check_report(page, folder, failures, scratch)
    finally:
        process.kill()
        process.wait()
        shutil.rmtree(scratch, ignore_errors=True)
    for failure in failures:
        print("check_html: error: " + failure, file=sys.stderr)
    print(f"check_html: {len(folders)} reports, {len(failures)} failures, {time.time() - started:.1f} s")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
