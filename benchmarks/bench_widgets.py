"""Kernel-side cost of one control change in each explorer (target: median ≤ 50 ms).

What is timed: setting a control's `.value` from Python, which runs the same observer a slider
drag runs — recompute the curves, redraw what changed, encode the PNG, hand it to the Output
widget. Not timed: the browser's repaint and the websocket (measured once in JupyterLab in
headless Chromium: slider key press → repainted plot ≈ 105–125 ms end to end).

Baseline, measured in the same run: the naive way, a full `savefig` of the same figure per
change (what `interact` + `plt.show()` costs at least, before building a new figure).

Usage: python benchmarks/bench_widgets.py [repeats]   (default 30 changes per control)
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import time

os.environ.setdefault("MPLBACKEND", "Agg")

from course_utils import widgets  # noqa: E402

TARGET_MS = 50.0
CLICK_TARGET_MS = 100.0


def timed(action, repeats):
    """Median wall-clock and CPU milliseconds of `action(i)` over `repeats` calls."""
    wall, cpu = [], []
    for i in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        action(i)
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return 1e3 * statistics.median(wall), 1e3 * statistics.median(cpu)


def change(explorer, key, values):
    control = explorer.controls[key]
    return lambda i: setattr(control, "value", values[i % len(values)])


def main(argv):
    """Time every control; PASS when the CPU median is within target (sliders: 50 ms)."""
    repeats = int(argv[0]) if argv else 30
    slopes = [round(0.02 * k, 2) for k in range(1, 40)]
    alphas = [round(0.1 * k, 2) for k in range(1, 25)]
    # A drag: the right handle moves in slider steps from 5 down to 1 and back.
    highs = [5.0 - 0.5 * k for k in range(9)]
    ranges = [(-5.0, h) for h in highs + highs[-2:0:-1]]
    cases = []  # (label, explorer, control, values, kind): sliders are dragged, clicks clicked
    act = widgets.activation_explorer("leaky_relu", overlay=("relu", "tanh"))
    cases.append(("activation: negative_slope slider", act, "negative_slope", slopes))
    cases.append(("activation: x_range slider", act, "x_range", ranges))
    cases.append(("activation: derivative checkbox (click)", act, "derivative", [False, True]))
    cases.append(("activation: overlay checkboxes (click)", act, "overlay",
                  [("relu",), ("relu", "tanh"), ("relu", "tanh", "gelu")]))
    elu = widgets.activation_explorer("elu")
    cases.append(("activation: ELU alpha slider", elu, "alpha", alphas))
    soft = widgets.softmax_explorer((2.0, 1.0, 0.1, -1.0))
    cases.append(("softmax: logit slider", soft, "logit_1", [round(0.2 * k - 3, 1)
                                                             for k in range(30)]))
    cases.append(("softmax: temperature slider", soft, "temperature",
                  [0.1, 0.2, 0.5, 1.0, 2.0, 5.0]))
    comp = widgets.comparison_explorer()
    cases.append(("comparison: probe x0 slider", comp, "x0", [round(0.1 * k - 3, 1)
                                                              for k in range(60)]))
    cases.append(("comparison: x_range slider", comp, "x_range", ranges))
    cases.append(("comparison: names checkboxes (click)", comp, "names",
                  [("sigmoid", "tanh"), ("sigmoid", "tanh", "relu"), ("relu", "gelu")]))

    baseline, baseline_cpu = timed(lambda i: act.fig.savefig(io.BytesIO(), format="png"),
                                   repeats)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"Median time per control change, {repeats} changes each (load average {load:.1f} "
          f"on {os.cpu_count()} CPUs: wall time grows with load, CPU time much less)")
    print(f"  target: a slider move ≤ {TARGET_MS:.0f} ms of kernel CPU; a click ≤ "
          f"{CLICK_TARGET_MS:.0f} ms (it re-renders the legend)")
    print(f"  {'control':<46}{'wall ms':>9}{'CPU ms':>9}")
    print(f"  {'baseline: full savefig of the figure':<46}{baseline:9.1f}{baseline_cpu:9.1f}")
    misses = 0
    for label, explorer, key, values in cases:
        wall, cpu = timed(change(explorer, key, values), repeats)
        target = CLICK_TARGET_MS if "(click)" in label else TARGET_MS
        ok = cpu <= target
        misses += not ok
        print(f"  {label:<46}{wall:9.1f}{cpu:9.1f}  {baseline_cpu / cpu:4.1f}× baseline  "
              f"{'PASS' if ok else 'MISS'}")
    for explorer in {id(c[1]): c[1] for c in cases}.values():
        explorer.close()
    print(f"{'PASS' if not misses else 'MISS'}: {len(cases) - misses}/{len(cases)} controls "
          "within target")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
