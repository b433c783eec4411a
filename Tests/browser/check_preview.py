#!/usr/bin/env python3
"""`reportgen preview` end to end, in headless Chromium.

Usage: check_preview.py [REPORTGEN_BINARY]   (default .build/release/reportgen)

Makes a throwaway project (one IsoFLOP fit and its figure on Data/isoflop-small.csv, the
project's templates, a report template with a strict Content-Security-Policy), starts
`reportgen preview` on it with a free port, opens the page in Chromium through the DevTools
protocol and then, one at a time:
  - changes a sentence, a directive (the fit drops its two highest-loss runs) and the data file
    (a row removed), and checks that the page shows each change within a second of the rebuild
    preview announces, scrolled where the reader left it;
  - breaks the directive and checks that the page shows the located error (file:line:column,
    the source line and a caret) within a second, then fixes it and sees the report again;
  - asks for files outside the report folder (`..`, `%2e%2e`, an encoded slash, an absolute
    path, a symbolic link out of the folder) and with a foreign Host header, all refused;
  - sends SIGINT: preview must exit 0 and free its port.
The built report.html itself must not contain the reload script. Exit status 0 when every check
passes, 1 otherwise.
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_html import DevTools, WebSocket, launch_chromium  # noqa: E402  (the same DevTools client)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOCUMENT = "Reports/preview.md"
# The page must show a change this soon after preview reports the rebuild (seconds).
SHOW_WITHIN = 1.0
# A strict policy: no script, no request, unless preview widens it for its own script.
POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

failures = []


def fail(message):
    failures.append(message)
    print("check_preview: error: " + message, file=sys.stderr)


def make_project(root):
    os.makedirs(os.path.join(root, ".git"))
    os.makedirs(os.path.join(root, "Reports"))
    os.makedirs(os.path.join(root, "Data"))
    shutil.copy(os.path.join(REPO, "Data/isoflop-small.csv"), os.path.join(root, "Data/isoflop-small.csv"))
    shutil.copytree(os.path.join(REPO, "Templates"), os.path.join(root, "Templates"))
    template_path = os.path.join(root, "Templates/report.html.mustache")
    with open(template_path, encoding="utf-8") as f:
        template = f.read()
    meta = f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">'
    template = template.replace('<meta charset="utf-8">', '<meta charset="utf-8">' + meta, 1)
    assert meta in template, "the report template has no charset meta to put the policy after"
    with open(template_path, "w", encoding="utf-8") as f:
        f.write(template)
    with open(os.path.join(REPO, "Tests/ReportgenCoreTests/Fixtures/small-report.md"), encoding="utf-8") as f:
        document = f.read()
    # A long page, so that there is somewhere to scroll to.
    filler = "\n\n".join(f"Filler paragraph {i}: the page must be taller than the window to test the scroll position." for i in range(40))
    document = document.replace("```{fit} isoflops", filler + "\n\n```{fit} isoflops", 1)
    write(root, DOCUMENT, document)


def write(root, path, text):
    # Written in place (not renamed), as many editors save.
    with open(os.path.join(root, path), "w", encoding="utf-8") as f:
        f.write(text)


def read(root, path):
    with open(os.path.join(root, path), encoding="utf-8") as f:
        return f.read()


class Preview:
    """The preview process; every line it prints is kept with the time it arrived."""

    def __init__(self, binary, root):
        self.process = subprocess.Popen([binary, "preview", DOCUMENT], cwd=root, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, bufsize=1)
        self.lines = []
        self.errors = []
        self.lock = threading.Condition()
        threading.Thread(target=self._read, args=(self.process.stdout, self.lines), daemon=True).start()
        threading.Thread(target=self._read, args=(self.process.stderr, self.errors), daemon=True).start()

    def _read(self, stream, into):
        for line in stream:
            with self.lock:
                into.append((time.time(), line.rstrip("\n")))
                self.lock.notify_all()

    def wait_for(self, pattern, timeout=120):
        """The first line matching `pattern` not yet consumed: (arrival time, match)."""
        deadline = time.time() + timeout
        regex = re.compile(pattern)
        with self.lock:
            while True:
                for index, (at, line) in enumerate(self.lines):
                    match = regex.search(line)
                    if match:
                        del self.lines[:index + 1]
                        return at, match
                remaining = deadline - time.time()
                if remaining <= 0 or self.process.poll() is not None:
                    raise TimeoutError(f"preview printed no line matching {pattern!r}; stdout so far: {self.lines}; "
                                       f"stderr: {[l for _, l in self.errors][-20:]}")
                self.lock.wait(min(remaining, 0.2))


def page_text(page):
    return page.evaluate("document.body ? document.body.innerText : ''")


# When the page now loaded started loading and when it had loaded (its scroll position restored),
# in seconds since 1970 by the page's own clock; null until the load has finished.
LOAD_TIMES = """(() => {
  const navigation = performance.getEntriesByType('navigation')[0];
  if (!navigation || navigation.loadEventEnd === 0) return null;
  return [performance.timeOrigin / 1000, (performance.timeOrigin + navigation.loadEventEnd) / 1000];
})()"""


def wait_for_page(page, predicate, built_at, what):
    """Polls the page until `predicate(text)` holds and the page has loaded, then fails when it
    finished loading more than SHOW_WITHIN after the rebuild, or never did.

    The rebuild's moment is when this script read preview's line about it, or the moment the page
    began to reload if that was earlier (the reload follows the rebuild, and a busy machine can
    delay the line), so the measured delay is never shorter than the real one."""
    while True:
        try:
            text = page_text(page)
            times = page.evaluate(LOAD_TIMES) if predicate(text) else None
            if times:
                break
        except RuntimeError:
            text = ""  # the page is being replaced
        if time.time() > built_at + SHOW_WITHIN + 10:
            fail(f"{what}: the page did not show it within {SHOW_WITHIN + 10:.0f} s of the rebuild")
            return text
        time.sleep(0.02)
    started, loaded = times
    delay = loaded - min(built_at, started)
    print(f"check_preview: {what}: shown {delay * 1000:.0f} ms after the rebuild")
    if delay > SHOW_WITHIN:
        fail(f"{what}: shown {delay:.2f} s after the rebuild, more than {SHOW_WITHIN} s")
    return text


def scroll_position(page):
    return page.evaluate("window.scrollY")


def raw_get(port, path, host=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
    connection.putheader("Host", host or f"127.0.0.1:{port}")
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


def check_refusals(root, port, folder):
    secret = "preview-secret-outside-the-report-folder"
    write(root, "Reports/secret.txt", secret)
    os.symlink(os.path.join(root, "Reports/secret.txt"), os.path.join(folder, "link-out.txt"))
    os.symlink(os.path.join(root, "Reports"), os.path.join(folder, "linked-folder"))
    attempts = [
        "/../Reports/secret.txt",
        "/../../Reports/secret.txt",
        "/%2e%2e/%2e%2e/Reports/secret.txt",
        "/%2E%2E%2F%2E%2E%2FReports%2Fsecret.txt",
        "/figures/..%2f..%2f..%2fReports%2fsecret.txt",
        "/figures/%2e%2e/%2e%2e/%2e%2e/Reports/secret.txt",
        "/..\\..\\Reports\\secret.txt",
        "/" + os.path.join(root, "Reports/secret.txt"),
        "//" + os.path.join(root, "Reports/secret.txt").lstrip("/"),
        "/link-out.txt",
        "/linked-folder/secret.txt",
        "/%00/../Reports/secret.txt",
    ]
    for path in attempts:
        status, body = raw_get(port, path)
        if status == 200 or secret.encode() in body:
            fail(f"GET {path} was served ({status}); only the report folder's own files may be")
    status, body = raw_get(port, "/manifest.json")
    if status != 200 or b"\"steps\"" not in body:
        fail(f"GET /manifest.json: {status}, expected the report's manifest")
    status, _ = raw_get(port, "/report.html", host="attacker.example:80")
    if status != 403:
        fail(f"a request with a foreign Host header got {status}, expected 403")
    print(f"check_preview: {len(attempts)} paths out of the report folder and a foreign Host refused")


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, ".build/release/reportgen"))
    if not os.access(binary, os.X_OK):
        sys.exit(f"check_preview: no reportgen binary at {binary} (make build)")
    started = time.time()
    scratch = tempfile.mkdtemp(prefix="check-preview-")
    root = os.path.join(scratch, "project")
    make_project(root)
    preview = Preview(binary, root)
    chromium = None
    try:
        _, serving = preview.wait_for(r"serving (\S+)/ at http://127\.0\.0\.1:(\d+)/")
        folder = os.path.join(root, serving.group(1))
        port = int(serving.group(2))
        preview.wait_for(r"^generation 1: built")
        with open(os.path.join(folder, "report.html"), encoding="utf-8") as f:
            built = f.read()
        if "__reportgen" in built or "<script" in built:
            fail("the built report.html contains a script; the reload script belongs to preview only")
        if POLICY not in built:
            fail("the fixture's Content-Security-Policy is not in the built report")

        chromium, endpoint = launch_chromium(os.path.join(scratch, "profile"))
        request = urllib.request.Request(endpoint + "/json/new?about:blank", method="PUT")
        target = json.load(urllib.request.urlopen(request, timeout=30))
        page = DevTools(WebSocket(target["webSocketDebuggerUrl"]))
        page.call("Page.enable")
        page.call("Emulation.setDeviceMetricsOverride", width=1280, height=700, deviceScaleFactor=1, mobile=False)
        page.open(f"http://127.0.0.1:{port}/")
        text = page_text(page)
        if "For each of the nine compute budgets" not in text:
            fail("the first page does not show the report")
        runs = re.search(r"(\d+) runs", text)
        if not runs:
            fail("the report does not say how many runs it fitted")
            return
        total = int(runs.group(1))
        if page.evaluate("document.querySelector('script[src=\"/__reportgen/preview.js\"]') !== null") is not True:
            fail("the served page has no reload script")
        page.evaluate("window.scrollTo(0, 900)")
        scrolled = scroll_position(page)
        if scrolled < 800:
            fail(f"the page did not scroll (scrollY {scrolled}); the fixture is too short")

        # 1. A sentence.
        write(root, DOCUMENT, read(root, DOCUMENT).replace("For each of the nine compute budgets", "Edited sentence: for each of the nine compute budgets", 1))
        built_at, _ = preview.wait_for(r"^generation 2: built")
        wait_for_page(page, lambda t: "Edited sentence: for each" in t, built_at, "an edited sentence")
        time.sleep(0.1)
        if abs(scroll_position(page) - scrolled) > 2:
            fail(f"the reload did not keep the scroll position ({scroll_position(page)} after, {scrolled} before)")

        # 2. A directive: the fit leaves out its two highest-loss runs.
        write(root, DOCUMENT, read(root, DOCUMENT).replace("approach: 2\ndata: sweep", "approach: 2\ndata: sweep\nexclude-highest-loss: 2", 1))
        built_at, _ = preview.wait_for(r"^generation 3: built")
        wait_for_page(page, lambda t: f"{total - 2} runs" in t, built_at, "a changed directive")

        # 3. A data file: one run fewer.
        rows = read(root, "Data/isoflop-small.csv").rstrip("\n").split("\n")
        write(root, "Data/isoflop-small.csv", "\n".join(rows[:-1]) + "\n")
        built_at, _ = preview.wait_for(r"^generation 4: built")
        wait_for_page(page, lambda t: f"{total - 3} runs" in t, built_at, "a changed data file")
        if abs(scroll_position(page) - scrolled) > 2:
            fail(f"the reload did not keep the scroll position ({scroll_position(page)} after, {scrolled} before)")

        # 4. An error, shown located in the page until it is fixed.
        source = read(root, DOCUMENT)
        line = source[:source.index("approach: 2")].count("\n") + 1
        write(root, DOCUMENT, source.replace("approach: 2", "approach: 7", 1))
        built_at, _ = preview.wait_for(r"^generation 5: 1 error")
        located = f"{DOCUMENT}:{line}:"
        text = wait_for_page(page, lambda t: located in t and "approach: 7" in t, built_at, "the located error")
        if not re.search(r"\n\s*\^", text):
            fail("the error page has no caret under the source line")
        write(root, DOCUMENT, source)
        built_at, _ = preview.wait_for(r"^generation 6: built")
        wait_for_page(page, lambda t: f"{total - 3} runs" in t and located not in t, built_at, "the report after the fix")

        check_refusals(root, port, folder)

        # 5. Ctrl-C: exit 0, port released.
        preview.process.send_signal(signal.SIGINT)
        try:
            code = preview.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            fail("preview did not stop within 10 s of SIGINT")
            preview.process.kill()
            code = preview.process.wait()
        if code != 0:
            fail(f"preview exited {code} on SIGINT, expected 0")
        # Nothing listens any more: a connection is refused, and a new server can bind the port
        # (with SO_REUSEADDR, as servers do: closed connections may linger in TIME_WAIT).
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
            fail(f"port {port} still accepts connections after preview stopped")
        except ConnectionRefusedError:
            pass
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
            probe.listen(1)
        except OSError as error:
            fail(f"port {port} cannot be bound after preview stopped: {error}")
        finally:
            probe.close()
    except Exception as error:  # a timeout or a protocol error is a failure of the check, not a crash
        fail(f"{type(error).__name__}: {error}")
    finally:
        if preview.process.poll() is None:
            preview.process.kill()
            preview.process.wait()
        if chromium is not None:
            chromium.kill()
            chromium.wait()
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"check_preview: {len(failures)} failures, {time.time() - started:.1f} s")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
