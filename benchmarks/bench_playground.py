"""How fast the playground trains and redraws (lesson 12), in the kernel and in a real browser.

Kernel, no browser (ratios to baselines measured in the same run):
- training steps/s of `Playground.step` at the default size (2 inputs, 3 hidden layers of 8,
  400 points, batch 10, Adam), with its measurements every 10 steps, against the bare
  forward/backward/Adam loop on the same network;
- kernel time per redraw (update the artists, compose, encode the JPEG), wall and CPU medians,
  against a full `savefig` of the same figure as PNG (what a naive redraw costs at least);
- Play without a front end for a few seconds: frames/s and steps/s of the playing thread.

Browser (skipped without Chromium and Playwright): JupyterLab in headless Chromium opens a
scratch notebook with `widgets.playground()`, presses Play and counts the new pictures for a few
seconds; the kernel's own per-frame timings (`PlaygroundWidget.speed()`) are read afterwards.

Target: at least 10 redraws per second in the browser, with training going on between them.
On a shared machine absolute numbers move with the load (printed); the ratios move less.

Usage: python benchmarks/bench_playground.py [--no-browser] [--seconds S]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402

from course_utils import widgets  # noqa: E402
from course_utils.network import losses  # noqa: E402
from course_utils.network._threads import single_blas_thread  # noqa: E402
from course_utils.network.playground import Playground  # noqa: E402

TARGET_FPS = 10.0


def load() -> str:
    avg = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"load average {avg:.1f} on {os.cpu_count()} CPUs"


def timed(action, repeats):
    """Median wall and CPU milliseconds of `action()`."""
    wall, cpu = [], []
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        action()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return 1e3 * statistics.median(wall), 1e3 * statistics.median(cpu)


def steps_per_second(steps=2000):
    """(engine, bare loop) steps/s on the default playground, best of 3 each."""
    def engine():
        pg = Playground()
        start = time.perf_counter()
        pg.step(steps)
        return steps / (time.perf_counter() - start)

    def bare():
        pg = Playground()  # the same data and network, trained without any measuring
        model, opt, ce = pg.model, pg.optimizer, losses.SoftmaxCrossEntropy()
        X, y = pg.split.X_train, pg.split.y_train
        params, rng = model.parameters(), np.random.default_rng(0)
        start = time.perf_counter()
        with single_blas_thread():
            order, pos = rng.permutation(len(y)), 0
            for _ in range(steps):
                if pos >= len(y):
                    order, pos = rng.permutation(len(y)), 0
                rows = order[pos:pos + 10]
                pos += 10
                model.backward(ce.gradient(model.forward(X[rows]), y[rows]))
                opt.step(params, model.gradients())
        return steps / (time.perf_counter() - start)

    return max(engine() for _ in range(3)), max(bare() for _ in range(3))


def kernel_frames(repeats=40):
    pg = widgets.playground(steps=200)

    def redraw():
        pg._draw_frame()
        pg._render()

    frame = timed(redraw, repeats)
    full = timed(lambda: pg.fig.savefig(io.BytesIO(), format="png"), max(repeats // 4, 5))
    pg.close()
    return frame, full


def play_headless(seconds):
    pg = widgets.playground()
    pg.play()
    time.sleep(seconds)
    pg.pause()
    pg.wait(10.0)
    speed = pg.speed()
    pg.close()
    return speed


SCRATCH = """from course_utils import widgets
pg = widgets.playground()
pg"""


def browser(seconds):
    """Redraws/s seen in JupyterLab, steps/s from the status line, and the kernel's speed()."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return "skipped: the playwright package is missing (pip install -e '.[dev]')"
    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    from conftest import CHROMIUM_ARGS, find_chromium
    from jlab_page import LabSession, LabWindow
    from jlab_server import LabServer

    chromium = find_chromium()
    if chromium is None:
        return "skipped: no Chromium (the Debian package `chromium`, or CHROMIUM_PATH)"
    import json
    import re

    with tempfile.TemporaryDirectory(prefix="bench-playground-") as tmp:
        tmp = Path(tmp)
        (tmp / "nb").mkdir()
        cells = [SCRATCH, "print(pg.speed())"]
        notebook = {"cells": [{"cell_type": "code", "metadata": {}, "source": c, "outputs": [],
                               "execution_count": None} for c in cells],
                    "metadata": {"kernelspec": {"name": "python3", "language": "python",
                                                "display_name": "Python 3 (ipykernel)"}},
                    "nbformat": 4, "nbformat_minor": 5}
        (tmp / "nb" / "bench.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
        server = LabServer(root_dir=tmp / "nb", workdir=tmp)
        server.start()
        try:
            with sync_playwright() as p:
                context = p.chromium.launch_persistent_context(
                    str(tmp / "profile"), executable_path=chromium, headless=True,
                    args=CHROMIUM_ARGS, viewport={"width": 1280, "height": 900})
                window = LabWindow(context, server)
                lab = LabSession(window, "bench", tmp, print)
                page = lab.open("bench.ipynb")
                page.locator(".jp-Cell").first.click()
                page.keyboard.press("Shift+Enter")
                output = page.locator(".jp-OutputArea-output").filter(
                    has=page.locator("img.widget-image")).first
                output.wait_for(timeout=60_000)

                def step():
                    text = output.locator(".widget-html-content",
                                          has_text=re.compile(r"^step \d+")).first.text_content()
                    return int(re.search(r"step (\d+)", text).group(1))

                before = step()
                output.get_by_role("button", name="Play").click()
                watched = lab.count_image_changes(output, seconds)
                after = step()
                output.get_by_role("button", name="Pause").click()
                page.wait_for_timeout(500)
                second = page.locator(".jp-Cell").nth(1)
                second.locator(".jp-InputArea-editor").click()
                page.keyboard.press("Shift+Enter")  # the second cell: print(pg.speed())
                second = second.locator(".jp-OutputArea-output")
                second.wait_for(timeout=30_000)
                kernel = second.inner_text()
                context.close()
        finally:
            server.stop()
    times = watched["times"]
    rate = (len(times) - 1) / ((times[-1] - times[0]) / 1e3) if len(times) > 1 else 0.0
    return {"redraws": watched["changes"], "redraws_per_s": rate,
            "steps_per_s": (after - before) / seconds, "kernel": kernel.strip()}


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args(argv)

    print(f"Playground speed at the default size (circles, 400 points, 3 hidden layers of 8, "
          f"tanh, Adam, batch 10); {load()}")
    engine, bare = steps_per_second()
    print(f"  training: Playground.step {engine:,.0f} steps/s (measures every 10 steps); bare "
          f"loop {bare:,.0f} steps/s; engine ÷ bare = {engine / bare:.2f}")
    (wall, cpu), (full_wall, full_cpu) = kernel_frames()
    print(f"  kernel time per redraw: {wall:.1f} ms wall, {cpu:.1f} ms CPU (median); full PNG "
          f"savefig of the same figure {full_wall:.1f} ms wall, {full_cpu:.1f} ms CPU: "
          f"{full_cpu / cpu:.1f}× cheaper")
    speed = play_headless(args.seconds)
    print(f"  Play without a browser for {args.seconds:g} s: {speed['frames_per_s']:.1f} frames/s, "
          f"{speed['steps_per_s']:,.0f} steps/s; per frame {speed['train_ms']:.0f} ms training, "
          f"{speed['draw_ms']:.0f} ms drawing (CPU {speed['train_cpu_ms']:.0f} + "
          f"{speed['draw_cpu_ms']:.0f} ms)")
    if args.no_browser:
        return 0
    result = browser(args.seconds)
    if isinstance(result, str):
        print(f"  browser: {result}")
        return 0
    verdict = "PASS" if result["redraws_per_s"] >= TARGET_FPS else "MISS"
    print(f"  JupyterLab in headless Chromium, {args.seconds:g} s of Play: {result['redraws']} "
          f"redraws, {result['redraws_per_s']:.1f} per second (target ≥ {TARGET_FPS:g}: "
          f"{verdict}); {result['steps_per_s']:,.0f} training steps/s; {load()}")
    print(f"  the kernel's own timings while playing: {result['kernel']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
