"""Lesson 12's playground in JupyterLab, as a student uses it: Run All, Play, watch, change, Pause.

Play must redraw the decision boundary at least 5 times in 3 s while the step count grows; the
learning-rate slider must answer while it plays without resetting the network; Pause must stop
the pictures. The redraw rate is reported (with the load), not asserted beyond the 5-in-3-s floor:
it depends on the machine. The stored notebook must show its snapshots before anything runs.
"""

from __future__ import annotations

import os
import re
import time

import pytest
from test_lessons_in_jupyterlab import NOTEBOOKS, code_cells_in, widget_outputs_in

pytestmark = pytest.mark.browser

WATCH_S = 3.0
MIN_CHANGES = 5


def playground_path():
    found = sorted(NOTEBOOKS.glob("12_*.ipynb"))
    return found[0] if found else None


def step_of(output) -> int:
    """The step in the status line, which must be on screen."""
    line = output.locator(".widget-html-content", has_text=re.compile(r"^step \d+")).first
    assert line.is_visible(), "the status line is not shown"
    text = line.text_content()
    match = re.search(r"step (\d+)", text)
    assert match, f"no step count in the status line: {text!r}"
    return int(match.group(1))


def test_play_trains_live_and_pause_stops_it(lab):
    path = playground_path()
    if path is None:
        pytest.skip("lesson 12 (notebooks/12_*.ipynb) does not exist")
    page = lab.open(f"notebooks/{path.name}")
    # Before running: the stored snapshots show, and no widget error.
    lab.wait_widgets(page, 0, timeout_ms=5_000)
    assert lab.widget_problems(page) == []
    assert page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output img").count() > 0

    started = time.monotonic()
    lab.run_all(page)
    ran = time.monotonic() - started
    cells = lab.cell_problems(page)
    assert cells["problems"] == [], f"{path.name} in JupyterLab"
    assert cells["code_cells"] == code_cells_in(path)
    expected = widget_outputs_in(path)
    lab.wait_widgets(page, expected)
    assert lab.widget_problems(page) == []
    assert lab.rendered_widget_views(page) == expected

    output = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output").filter(
        has=page.locator("img.widget-image")).first
    output.scroll_into_view_if_needed()
    play = output.get_by_role("button", name="Play")
    pause = output.get_by_role("button", name="Pause")
    first_step = step_of(output)
    lab.screenshot(page, "playground-before", output)

    play.click()
    watched = lab.count_image_changes(output, WATCH_S)
    playing_step = step_of(output)
    lab.screenshot(page, "playground-playing", output)
    assert watched["changes"] >= MIN_CHANGES, (
        f"the boundary image changed {watched['changes']} times in {WATCH_S:g} s while playing")
    assert playing_step > first_step, "Play showed new pictures but the step count did not grow"

    # A live control while playing: the learning rate changes without a reset.
    lr = output.locator(".widget-slider", has=page.locator(".widget-label",
                                                           has_text="learning rate"))
    handle = lr.locator(".noUi-handle")
    handle.focus()
    before_lr = lab.slider_state(lr)["readout"]
    handle.press("ArrowRight")
    page.wait_for_function(
        "([el, old]) => el.querySelector('.widget-readout').textContent.trim() !== old",
        arg=[lr.element_handle(), before_lr], timeout=10_000)
    time.sleep(0.5)
    after_lr = step_of(output)
    assert after_lr >= playing_step, f"the learning rate reset the network ({playing_step} -> {after_lr})"
    assert lab.count_image_changes(output, 1.0)["changes"] >= 1, "changing the rate stopped Play"

    pause.click()
    page.wait_for_function("b => !b.disabled", arg=play.element_handle(), timeout=10_000)
    time.sleep(0.5)  # a frame already on its way may still land
    paused_step = step_of(output)
    still = lab.count_image_changes(output, 1.5)
    assert still["changes"] == 0, f"{still['changes']} new pictures after Pause"
    assert step_of(output) == paused_step
    lab.screenshot(page, "playground-paused", output)

    assert lab.widget_problems(page) == []
    if lab.log_console_messages(page):
        pytest.fail(f"kernel output outside any cell:\n{lab.log_console_text(page)}")
    assert lab.unexpected_console_errors() == [], "browser console errors"

    times = watched["times"]
    rate = (len(times) - 1) / ((times[-1] - times[0]) / 1000) if len(times) > 1 else 0.0
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lab.report(f"playground ({path.name}): {watched['changes']} redraws in {WATCH_S:g} s after "
               f"Play ({rate:.1f} per second between the first and last), step {first_step} -> "
               f"{playing_step} in those {WATCH_S:g} s (about {(playing_step - first_step) / WATCH_S:.0f} "
               f"steps/s), learning rate {before_lr} -> {lab.slider_state(lr)['readout']} while "
               f"playing without a reset, paused at step {paused_step}; run all {ran:.1f} s; load "
               f"average {load:.1f} on {os.cpu_count()} CPUs")
