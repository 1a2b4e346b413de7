"""Loads lamas' report.html files in headless Chromium (Debian's chromium and chromium-driver,
driven over the WebDriver protocol with nothing but the standard library and polars) with the
network switched off, and checks each page:

- no console error, no uncaught exception, nothing fetched (the resource timing list is empty);
- every chart drawn with the right number of marks, counted from the results files beside the
  report (summary.csv, sensitivity.csv, timeseries.parquet, the experiment's plots), not from
  the data embedded in the page: a line per series (with a vertex per tick or window) for a
  run, a point or bar per cell with a value, a heatmap cell per pair of values, a bar per index
  (a shares plot of committed results, which keep no time series, is the exception: its curves
  are counted from the page's data);
- the interactive parts respond: choosing another metric redraws a plot with that metric's
  marks, the summary table sorts, the theme button turns the page dark;
- a screenshot of the whole page (and of its dark version) into --shots.

    python scripts/browser_test.py --shots DIR REPORT_DIR [REPORT_DIR ...]

Exits 1 with every failed check listed."""

import argparse
import base64
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from pathlib import Path

import polars as pl

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
MAX_POINTS = 2000  # src/html/run.rs
DRAWN = {"S1", "ST", "mu_star", "sigma"}  # src/plot/sensitivity.rs: the indices drawn
CAPTURE = """
window.__errors = [];
window.addEventListener('error', function (e) { window.__errors.push('error: ' + e.message); });
window.addEventListener('unhandledrejection', function (e) { window.__errors.push('rejection: ' + e.reason); });
var __err = console.error, __warn = console.warn;
console.error = function () { window.__errors.push('console.error: ' + [].join.call(arguments, ' ')); __err.apply(console, arguments); };
console.warn = function () { window.__errors.push('console.warn: ' + [].join.call(arguments, ' ')); __warn.apply(console, arguments); };
"""


class Driver:
    """A chromedriver process and one session, over HTTP on 127.0.0.1."""

    def __init__(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc = subprocess.Popen(
            [CHROMEDRIVER, f"--port={self.port}", "--allowed-ips=127.0.0.1"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.profile = tempfile.mkdtemp(prefix="lamas-chromium-")
        for _ in range(100):
            try:
                self.call("GET", "/status")
                break
            except OSError:
                time.sleep(0.1)
        args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions",
                f"--user-data-dir={self.profile}", "--window-size=1280,900",
                # No network: every host resolves to nothing and every proxy is a dead port.
                "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
                "--force-prefers-reduced-motion"]
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
            "goog:loggingPrefs": {"browser": "ALL"},
        }}}
        self.session = self.call("POST", "/session", caps)["sessionId"]
        self.cdp("Network.enable", {})
        self.cdp("Network.emulateNetworkConditions", {
            "offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
        self.cdp("Page.addScriptToEvaluateOnNewDocument", {"source": CAPTURE})

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data,
                                     method=method, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=120) as r:
            return json.loads(r.read() or b"{}").get("value")

    def s(self, method, path, body=None):
        return self.call(method, f"/session/{self.session}{path}", body)

    def cdp(self, cmd, params):
        return self.s("POST", "/goog/cdp/execute", {"cmd": cmd, "params": params})

    def js(self, script, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def open(self, path):
        self.s("POST", "/url", {"url": path.resolve().as_uri()})
        for _ in range(200):
            if self.js("return document.readyState === 'complete' && !!document.querySelector('footer')"):
                return
            time.sleep(0.05)
        errors = self.js("return window.__errors || []") + self.console()
        raise RuntimeError(f"{path}: the page never finished drawing (no footer): {errors}")

    def console(self):
        """SEVERE and WARNING entries of the browser's log since the last call."""
        try:
            log = self.s("POST", "/se/log", {"type": "browser"}) or []
        except OSError:
            return []
        return [e["message"] for e in log if e.get("level") in ("SEVERE", "WARNING")]

    def screenshot(self, path):
        h = self.js("return Math.ceil(document.documentElement.scrollHeight)")
        self.cdp("Emulation.setDeviceMetricsOverride",
                 {"width": 1280, "height": min(h, 16000), "deviceScaleFactor": 1, "mobile": False})
        shot = self.cdp("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        path.write_bytes(base64.b64decode(shot["data"]))
        self.cdp("Emulation.clearDeviceMetricsOverride", {})

    def quit(self):
        try:
            self.call("DELETE", f"/session/{self.session}")
        finally:
            self.proc.terminate()
            self.proc.wait(timeout=20)


COUNT = """
return Array.from(document.querySelectorAll('figure[data-chart]')).map(function (f) {
  return { id: f.dataset.chart, marks: f.querySelectorAll('.mark').length,
    lines: Array.from(f.querySelectorAll('path.mark.line')).map(function (p) {
      return { points: Number(p.dataset.points), vertices: (p.getAttribute('d').match(/[ML]/g) || []).length };
    }) };
});
"""


def finite(v):
    return v is not None and isinstance(v, (int, float)) and math.isfinite(v)


# ---- what a run's report must draw, from its own files ----

def run_expected(d):
    """{chart id: [points of each line]} from timeseries.parquet and the manifest."""
    ts = pl.read_parquet(d / "timeseries.parquet")
    resolved = json.loads((d / "manifest.json").read_text())["resolved"]
    t = ts.height
    k = max(1, math.ceil(t / MAX_POINTS))
    ends = [min((i + 1) * k, t) - 1 for i in range(math.ceil(t / k))]

    def points(values):
        return sum(1 for i in ends if finite(values[i]))

    done = ts["tasks_completed"].cum_sum().to_list()
    lines = {
        "tasks": [len(ends)] * 3,
        "success": [sum(1 for i in ends if done[i] > 0)],
        "agents": [len(ends)] * 2,
        "messages": [len(ends)],
        "shares": [points(ts[c].to_list()) for c in ts.columns
                   if c.startswith("share_") and (ts[c].fill_null(0) > 0).any()],
        "payoffs": [points(ts[c].fill_nan(None).to_list()) for c in ts.columns
                    if c.startswith("payoff_mean_") and ts[c].fill_nan(None).drop_nulls().len() > 0],
    }
    if resolved.get("faults") is not None:
        lines["faults"] = [len(ends)]
    return lines


def check_run(drv, d, problems):
    want = run_expected(d)
    got = {c["id"]: c for c in drv.js(COUNT)}
    if set(got) != set(want):
        problems.append(f"{d}: charts {sorted(got)}, expected {sorted(want)}")
    for cid, lines in want.items():
        c = got.get(cid)
        if c is None:
            continue
        if c["marks"] != len(lines):
            problems.append(f"{d}: chart `{cid}` has {c['marks']} lines, expected {len(lines)}")
        drawn = sorted(l["points"] for l in c["lines"])
        if drawn != sorted(lines):
            problems.append(f"{d}: chart `{cid}` lines have {drawn} points, expected {sorted(lines)}")
        for l in c["lines"]:
            if l["vertices"] != l["points"]:
                problems.append(f"{d}: chart `{cid}` draws {l['vertices']} vertices for {l['points']} points")
    rows = drv.js("return document.querySelectorAll('.card tr').length")
    if rows == 0:
        problems.append(f"{d}: no headline metric shown")


# ---- what a sweep's report must draw, from its own files ----

class Sweep:
    def __init__(self, d):
        self.dir = d
        self.manifest = json.loads((d / "manifest.json").read_text())
        exp = tomllib.loads(Path(self.manifest["experiment"]["file"]).read_text())
        self.plots = exp.get("plot", [])
        self.metrics = self.manifest["metrics"]
        self.cells = self.manifest["cells"] if isinstance(self.manifest["cells"], list) else []
        self.means = {}
        for f in ("summary.csv", "timings.csv"):
            if (d / f).is_file():
                df = pl.read_csv(d / f, infer_schema_length=None)
                for c, m, mean in zip(df["cell"], df["metric"], df["mean"]):
                    self.means[(c, m)] = mean

    def value(self, cell, metric):
        v = self.means.get((cell["cell"], metric))
        return v if finite(v) else None

    def selected(self, spec):
        filt = flat(spec.get("where", {}))
        return [c for c in self.cells
                if all(str(c["params"].get(k)) == str(v) for k, v in filt.items())]

    def marks(self, spec, metric=None):
        metric = metric or spec.get("metric")
        cells = self.selected(spec)
        kind = spec["kind"]
        if kind in ("line", "bar"):
            # A logarithmic scale shows only positive values (as the PNG plots).
            def shown(c):
                v = self.value(c, metric)
                x = c["params"].get(spec["x"])
                return (v is not None and (not spec.get("log_y") or v > 0)
                        and (not (kind == "line" and spec.get("log_x")) or
                             not isinstance(x, (int, float)) or x > 0))
            return sum(1 for c in cells if shown(c))
        if kind == "heatmap":
            seen, n = set(), 0
            for c in cells:
                pair = (str(c["params"][spec["x"]]), str(c["params"][spec["y"]]))
                if pair in seen:
                    continue
                seen.add(pair)
                n += self.value(c, metric) is not None
            return n
        if kind == "shares":
            ts = self.dir / "timeseries.parquet"
            if not ts.is_file():
                # Committed results keep no time series: the curves the report carries (computed
                # when it was written) are the one count taken from the page's own data.
                return self.embedded_curves(spec["name"])
            df = pl.read_parquet(ts).filter(pl.col("cell").is_in([c["cell"] for c in cells]))
            return sum(1 for c in df.columns if c.startswith("share_") and (df[c].fill_null(0) > 0).any())
        raise ValueError(kind)

    def embedded_curves(self, name):
        html = (self.dir / "report.html").read_text(encoding="utf-8")
        start = html.index('<script type="application/json" id="data">') + len(
            '<script type="application/json" id="data">')
        data = json.loads(html[start:html.index("</script>", start)])
        plot = next(p for p in data["plots"] if p["name"] == name)
        return len(plot["curves"] or [])

    def explore(self):
        return sum(1 for c in self.cells if self.value(c, self.metrics[0]) is not None)

    def sensitivity(self):
        f = self.dir / "sensitivity.csv"
        if not f.is_file():
            return None
        df = pl.read_csv(f, infer_schema_length=None)
        df = df.filter(pl.col("index").is_in(list(DRAWN)))
        if df.height == 0:
            return 0
        first = df["metric"][0]
        return df.filter((pl.col("metric") == first) & pl.col("estimate").is_not_null()
                         & pl.col("estimate").is_finite()).height


def flat(table, prefix=""):
    """A TOML table's leaves by dotted path, as experiment files' `where` is read."""
    out = {}
    for k, v in table.items():
        if isinstance(v, dict):
            out.update(flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def check_sweep(drv, d, problems):
    sw = Sweep(d)
    got = {c["id"]: c["marks"] for c in drv.js(COUNT)}
    want = {p["name"]: sw.marks(p) for p in sw.plots}
    want["explore"] = sw.explore()
    sens = sw.sensitivity()
    if sens is not None:
        want["sensitivity"] = sens
    if set(got) != set(want):
        problems.append(f"{d}: charts {sorted(got)}, expected {sorted(want)}")
    for cid, n in want.items():
        if n is None:
            n = 0
        if got.get(cid) != n:
            problems.append(f"{d}: chart `{cid}` has {got.get(cid)} marks, expected {n}")
    # Choosing another metric redraws the first line or bar plot with that metric's marks.
    spec = next((p for p in sw.plots if p["kind"] in ("line", "bar", "heatmap")), None)
    if spec is not None:
        other = next(m for m in sw.metrics[::-1] if m != spec.get("metric"))
        n = drv.js("""
            var f = document.querySelector('figure[data-chart="' + arguments[0] + '"]');
            var s = f.querySelector('select');
            s.value = arguments[1]; s.dispatchEvent(new Event('change'));
            return f.querySelectorAll('.mark').length;""", spec["name"], other)
        if n != sw.marks(spec, other):
            problems.append(f"{d}: plot `{spec['name']}` with metric {other} has {n} marks, "
                            f"expected {sw.marks(spec, other)}")
    # The summary table holds the cells (the first 500) and sorts.
    rows = drv.js("""
        var t = document.querySelectorAll('table.data')[1];
        var th = t.querySelectorAll('th')[t.querySelectorAll('th').length - 1];
        th.click(); th.click();
        return [t.querySelectorAll('tbody tr').length, th.getAttribute('aria-sort')];""")
    if rows[0] != min(500, len(sw.cells)) or rows[1] != "descending":
        problems.append(f"{d}: summary table shows {rows[0]} rows sorted {rows[1]}, expected "
                        f"{min(500, len(sw.cells))} sorted descending")
    failed = len(sw.manifest.get("failed", []))
    shown = drv.js("""
        var h = Array.from(document.querySelectorAll('h2')).find(function (h) { return h.textContent === 'Failed runs'; });
        var t = h.nextElementSibling.querySelector('table');
        return t ? t.querySelectorAll('tbody tr').length : 0;""")
    if shown != failed:
        problems.append(f"{d}: {shown} failed runs listed, the manifest has {failed}")


def check(drv, d, shots, problems):
    report = d / "report.html"
    size = report.stat().st_size
    if size >= 2_000_000:
        problems.append(f"{report}: {size} bytes, over 2 MB")
    drv.console()  # drop what came before
    drv.open(report)
    kind = json.loads((d / "manifest.json").read_text())["kind"]
    (check_run if kind == "run" else check_sweep)(drv, d, problems)
    errors = drv.js("return window.__errors") + drv.console()
    problems.extend(f"{report}: {e}" for e in errors)
    fetched = drv.js("return performance.getEntriesByType('resource').map(function (e) { return e.name; })")
    if fetched:
        problems.append(f"{report}: fetched {fetched}")
    # The folder's path, less the test's own work folder: `quickstart`, `results-team-size-quick`.
    parts = [p for p in d.resolve().relative_to(Path.cwd().resolve()).parts
             if p not in ("target", "browser-test", "sweeps")] if d.resolve().is_relative_to(Path.cwd().resolve()) else [d.name]
    name = "-".join(parts)
    drv.open(report)  # a fresh page for the picture, as a reader first sees it
    drv.screenshot(shots / f"{name}.png")
    bg = drv.js("""
        var b = document.querySelector('header button'); b.click(); b.click();
        return getComputedStyle(document.body).backgroundColor;""")
    if bg != "rgb(21, 24, 28)":
        problems.append(f"{report}: the theme button did not turn the page dark ({bg})")
    drv.screenshot(shots / f"{name}-dark.png")
    drv.js("try { localStorage.clear(); } catch (e) {}")
    return size


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shots", type=Path, required=True, help="folder for the screenshots")
    ap.add_argument("dirs", type=Path, nargs="+", help="results folders with a report.html")
    a = ap.parse_args()
    a.shots.mkdir(parents=True, exist_ok=True)
    problems = []
    drv = Driver()
    try:
        for d in a.dirs:
            before = len(problems)
            try:
                size = check(drv, d, a.shots, problems)
            except (RuntimeError, OSError, KeyError, ValueError) as e:
                problems.append(f"{d}: {e}")
            for p in problems[before:]:
                print(f"FAIL {p}")
            if len(problems) == before:
                print(f"ok   {d / 'report.html'} ({size / 1e3:.0f} kB)")
    finally:
        drv.quit()
    if problems:
        print(f"browser test: {len(problems)} problem(s)")
        sys.exit(1)
    print(f"browser test: {len(a.dirs)} reports passed; screenshots in {a.shots}")


if __name__ == "__main__":
    main()
