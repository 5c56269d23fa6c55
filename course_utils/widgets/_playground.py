"""The playground (lesson 12): train a small network live and watch why an activation works or fails.

`playground()` puts controls on top of `network.playground.Playground` (the UI-free engine,
which does all the computing) and its figure (`PlaygroundView`): the decision boundary with the
training and test points, the losses over the steps, every layer's gradient norm (log scale),
the share of dead (rectifiers) or saturated (sigmoid, tanh) units per hidden layer, and a
status line with a plain-words diagnosis.

How it stays responsive: Play starts a background thread that trains a chunk of steps, draws a
frame and sends it, about 12 times a second, under a lock that every control change and button
also takes. The kernel's main thread stays free for the front end's messages, so Pause and
every control answer while it trains (ipywidgets 8 sends state from any thread: ipykernel hands
every message to its I/O thread). Nothing starts by itself: without a front end (nbval, `make
notebooks`) nothing plays. Frames go to an `ipywidgets.Image` as JPEG bytes in a binary message
(no base64); the stored snapshot is a PNG."""

from __future__ import annotations

import collections
import contextlib
import html
import threading
import time

import ipywidgets as W
import numpy as np

from .. import activations
from ..network import playground as engine
from ..network.layers import INITIALIZERS
from ..plotting import DISPLAY_NAMES
from ._base import STORED_PNG, Explorer
from ._playground_view import PlaygroundView

FRAME_S = 1 / 12  # the frame period aimed at while playing: training fills what drawing leaves
MIN_TRAIN_S = 0.01  # but at least this much training per frame
MAX_STEPS = 100_000  # Play stops here, so a forgotten playground does not train forever
STEP_BUTTON = 10  # steps per press of Step
RESOLUTION = 50  # grid points per side of the boundary map
MAP_OPACITY = 0.55  # how strongly the probabilities colour the map
SNAPSHOT_BAND = 0.4  # inches on top of the figure for the stored snapshot's status line
JPEG_QUALITY = 85  # live frames (lines and text stay crisp enough at 100 dpi)

DATASET_LABELS = {"circles": "circles", "xor": "XOR", "moons": "moons", "spirals": "spirals"}
OPTIMIZER_LABELS = {"adam": "Adam", "momentum": "SGD + momentum", "sgd": "SGD"}
COLUMN = "262px"  # three columns of controls: data, network, training
STYLE = {"description_width": "100px"}
INIT_LABELS = {"auto": "auto (Xavier/He)", "xavier_normal": "Xavier normal",
               "xavier_uniform": "Xavier uniform", "he": "He normal", "he_uniform": "He uniform",
               "normal": "normal(σ)"}
LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
BATCH_SIZES = (1, 2, 5, 10, 20, 50, 100, 200)
PARAM_RANGES = {"negative_slope": (0.0, 1.0, 0.01), "alpha": (0.0, 3.0, 0.05)}
CLASS_MARKERS = ("o", "s")
LAYER_CMAP = "viridis"  # ordered colours, layer 1 dark to the last hidden layer light


def _column() -> W.Layout:
    """Every control has the width of its column (a Layout each: σ's is hidden on its own)."""
    return W.Layout(width=COLUMN)


def _dropdown(description, options, value):
    return W.Dropdown(options=options, value=value, description=description, style=STYLE,
                      layout=_column())


def _selection(description, options, value, fmt="{:g}"):
    options = sorted(set(options) | {value})
    return W.SelectionSlider(options=[(fmt.format(v), v) for v in options], value=value,
                             description=description, continuous_update=False,
                             style=STYLE, layout=_column())


def _pause_step(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_STEPS:
        raise ValueError(f"playground: pause_at must be a step from 0 (never) to {MAX_STEPS}, "
                         f"got {value!r}")
    return value


class PlaygroundWidget(PlaygroundView):
    """See `playground`."""

    kind = "PlaygroundWidget"
    figure_note = "Figure: the playground (run the notebook to train it live)"

    def __init__(self, trainer: engine.Playground, units: bool = False, pause_at: int = 0):
        super().__init__(trainer, units)
        pause_at = _pause_step(pause_at)
        self._lock = threading.RLock()  # the engine and the figure: one thread at a time
        self._waiting, self._waiting_lock = 0, threading.Lock()
        self._thread = None
        self._stop = threading.Event()
        # Per frame while playing: (start time, steps, training s, drawing + sending s, and
        # the same two as this thread's CPU time).
        self.timings = collections.deque(maxlen=10_000)
        self._make_controls(pause_at)
        self._make_figure()
        self._start()

    # --- controls --------------------------------------------------------------------
    def _make_controls(self, pause_at):
        s = self.trainer.settings
        names = [n for n in activations.available() if activations.get(n).elementwise]
        self.controls = {
            "dataset": _dropdown("problem", [(DATASET_LABELS.get(k, k), k)
                                             for k in engine.DATASETS], s["dataset"]),
            "noise": W.FloatSlider(value=s["noise"], min=0.0, max=max(0.3, s["noise"]),
                                   step=0.01, description="noise", continuous_update=False,
                                   style=STYLE, layout=_column()),
            "test_fraction": W.FloatSlider(value=s["test_fraction"], min=0.1, max=0.9, step=0.1,
                                           description="test share", continuous_update=False,
                                           readout_format=".1f", style=STYLE,
                                           layout=_column()),
            "points": W.IntSlider(value=s["points"], min=50, max=max(1000, s["points"]),
                                  step=50, description="points", continuous_update=False,
                                  style=STYLE, layout=_column()),
            "activation": _dropdown("activation", [(DISPLAY_NAMES.get(n, n), n) for n in names],
                                    s["activation"]),
            "depth": W.IntSlider(value=s["depth"], min=1, max=engine.MAX_DEPTH,
                                 description="hidden layers", continuous_update=False,
                                 style=STYLE, layout=_column()),
            "width": W.IntSlider(value=s["width"], min=1, max=engine.MAX_WIDTH,
                                 description="units per layer", continuous_update=False,
                                 style=STYLE, layout=_column()),
            "init": _dropdown("initialisation", [(INIT_LABELS.get(k, k), k)
                                                 for k in ("auto", *INITIALIZERS)], s["init"]),
            "init_std": W.FloatSlider(value=s["init_std"], min=0.05, max=max(5.0, s["init_std"]),
                                      step=0.05, description="σ", continuous_update=False,
                                      style=STYLE, layout=_column()),
            "normalization": _dropdown("normalisation", list(engine.NORMALIZATIONS),
                                       s["normalization"]),
            "optimizer": _dropdown("optimiser", [(OPTIMIZER_LABELS.get(k, k), k)
                                                 for k in engine.OPTIMIZERS], s["optimizer"]),
            "lr": _selection("learning rate", LEARNING_RATES, s["lr"]),
            "batch_size": _selection("batch size", BATCH_SIZES, s["batch_size"], "{:d}"),
            "seed": W.BoundedIntText(value=s["seed"], min=0, max=2**32 - 1, description="seed",
                                     style=STYLE, layout=_column()),
            "pause_at": W.BoundedIntText(value=pause_at, min=0, max=MAX_STEPS,
                                         description="pause at step", style=STYLE,
                                         tooltip="Play stops at this step (0: never)",
                                         layout=W.Layout(width="200px", margin="0 0 0 12px")),
        }
        # One control per hyperparameter of each activation, shown with that activation.
        self._param_controls = {}
        for name in names:
            for param, default in activations.get(name).params.items():
                value = s["activation_params"].get(param, default) if name == s["activation"] \
                    else default
                key = f"{name}.{param}"
                if isinstance(default, bool):
                    control = W.Checkbox(value=bool(value), description=param, indent=False,
                                         layout=W.Layout(width="auto"))
                else:
                    low, high, step = PARAM_RANGES.get(param, (0.0, 3.0, 0.05))
                    control = W.FloatSlider(value=float(np.mean(value)),
                                            min=min(low, np.min(value)),
                                            max=max(high, np.max(value)), step=step,
                                            description=param, continuous_update=False,
                                            style=STYLE, layout=_column())
                self._param_controls[key] = control
                self.controls[key] = control
        self.buttons = {
            "play": W.Button(description="Play", icon="play", button_style="success",
                             tooltip="train continuously", layout=W.Layout(width="80px")),
            "pause": W.Button(description="Pause", icon="pause", disabled=True,
                              tooltip="stop training", layout=W.Layout(width="85px")),
            "step": W.Button(description=f"Step (+{STEP_BUTTON})", icon="step-forward",
                             tooltip=f"train {STEP_BUTTON} steps",
                             layout=W.Layout(width="115px")),
            "reset": W.Button(description="Reset", icon="refresh",
                              tooltip="a fresh network (same settings)",
                              layout=W.Layout(width="80px")),
        }
        self.buttons["play"].on_click(lambda _: self.play())
        self.buttons["pause"].on_click(lambda _: self.pause())
        self.buttons["step"].on_click(lambda _: self.run(STEP_BUTTON))
        self.buttons["reset"].on_click(lambda _: self.reset())
        # The status line (Explorer's own `status` shows redraw errors, and hides when fine).
        self.status_line = W.HTML(layout=W.Layout(min_height="2.8em", margin="4px 0 0 0"))
        self.image = W.Image(format="jpeg", layout=W.Layout(max_width="100%", height="auto"))

    def _layout(self) -> W.Widget:
        c = self.controls
        self._params_box = W.VBox([])

        def column(title, *children):
            return W.VBox([W.HTML(f"<b>{title}</b>"), *children],
                          layout=W.Layout(width=COLUMN, margin="0 8px 0 0"))

        columns = W.HBox([
            column("data", c["dataset"], c["noise"], c["test_fraction"], c["points"]),
            column("network", c["activation"], self._params_box, c["depth"], c["width"],
                   c["init"], c["init_std"], c["normalization"]),
            column("training", c["optimizer"], c["lr"], c["batch_size"], c["seed"]),
        ], layout=W.Layout(flex_flow="row wrap"))
        buttons = W.HBox([*self.buttons.values(), c["pause_at"]],
                         layout=W.Layout(flex_flow="row wrap", align_items="center"))
        if len(engine.NORMALIZATIONS) < 2:
            c["normalization"].layout.display = "none"
        self._show_conditional()
        return W.VBox([columns, buttons, self.status_line, self.status, self.image])

    def _show_conditional(self):
        """Show the hyperparameters of the chosen activation, and σ for init="normal"."""
        act = self.controls["activation"].value
        if hasattr(self, "_params_box"):
            self._params_box.children = [c for k, c in self._param_controls.items()
                                         if k.split(".")[0] == act]
        self.controls["init_std"].layout.display = (
            None if self.controls["init"].value == "normal" else "none")

    # --- drawing ---------------------------------------------------------------------
    def _redraw(self, changed):
        with self._claim():
            self._apply(changed)
            self._draw_frame()

    def _apply(self, changed):
        """Send changed controls to the engine (a network change resets it)."""
        c = self.controls
        if changed & {"activation", "init"}:
            self._show_conditional()
        changes = {k: c[k].value for k in changed
                   if k in engine.DEFAULTS and k != "activation_params"}
        act = c["activation"].value
        if "activation" in changed or any(k.startswith(act + ".") for k in changed):
            changes["activation"] = act
            changes["activation_params"] = {
                k.split(".", 1)[1]: (bool(ctrl.value) if isinstance(ctrl, W.Checkbox)
                                     else float(ctrl.value))
                for k, ctrl in self._param_controls.items() if k.split(".")[0] == act}
        if changes:
            self.trainer.configure(**changes)

    def _set_status(self):
        self.status_line.value = self.status_html()

    def status_html(self) -> str:
        """The status line for the page: numbers on one line, the diagnosis below."""
        first, _, diagnosis = self.status_text().partition("\n")
        playing = " (playing)" if self.playing else ""
        text = (f"<span style='font-variant-numeric: tabular-nums'>{html.escape(first)}"
                f"{playing}</span>")
        if diagnosis:
            text += f"<br><b>Diagnosis:</b> {html.escape(diagnosis)}"
        return text

    def _show(self, frame: bytes) -> None:
        self.image.value = frame

    def png(self) -> bytes:
        """The current frame as PNG bytes."""
        with self._claim():
            return Explorer._encode(self, STORED_PNG)

    @contextlib.contextmanager
    def _claim(self):
        """The lock, for the main thread: a playing thread lets it in at its next frame."""
        with self._waiting_lock:
            self._waiting += 1
        try:
            self._lock.acquire()
        finally:
            with self._waiting_lock:
                self._waiting -= 1
        try:
            yield
        finally:
            self._lock.release()

    # --- playing ---------------------------------------------------------------------
    @property
    def playing(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and not self._stop.is_set()

    def play(self) -> None:
        """Train continuously in a background thread until Pause (or the pause step)."""
        if self.playing:
            return
        if self._thread is not None:
            self._thread.join()  # a paused run finishes its chunk first (at most one frame)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, args=(self._stop,),
                                        name="playground", daemon=True)
        self._set_buttons(True)
        self._thread.start()

    def pause(self) -> None:
        """Stop training after the current chunk (returns at once)."""
        self._stop.set()
        self._set_buttons(False)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until playing stops; returns True if it has."""
        if self._thread is not None:
            self._thread.join(timeout)
        return not (self._thread is not None and self._thread.is_alive())

    def _set_buttons(self, playing: bool):
        self.buttons["play"].disabled = playing
        self.buttons["pause"].disabled = not playing

    def _loop(self, stop: threading.Event):
        # Each frame: train for what is left of FRAME_S after the last frame's drawing (at
        # least one record's worth of steps), draw, send. Slow drawing (a busy machine) thus
        # costs training speed, not frames.
        per_step, draw = 1e-3, FRAME_S / 2
        try:
            while not stop.is_set():
                started, cpu = time.perf_counter(), time.thread_time()
                with self._lock:
                    t = self.trainer
                    limit = self.controls["pause_at"].value or MAX_STEPS
                    every = t.record_every
                    budget = max(FRAME_S - draw, MIN_TRAIN_S)
                    # Chunks of whole records: the frame then shows a recorded state.
                    chunk = max(every, int(budget / per_step) // every * every)
                    todo = min(chunk, limit - t.steps)
                    if todo <= 0 or t.diverged is not None:
                        break
                    t.step(todo)
                    trained, trained_cpu = time.perf_counter() - started, time.thread_time() - cpu
                    self._draw_frame()
                    self._render()
                    drawn, drawn_cpu = time.perf_counter() - started, time.thread_time() - cpu
                per_step = 0.5 * per_step + 0.5 * trained / todo
                draw = 0.5 * draw + 0.5 * (drawn - trained)
                self.timings.append((started, todo, trained, drawn - trained, trained_cpu,
                                     drawn_cpu - trained_cpu))
                left = FRAME_S - (time.perf_counter() - started)
                # Behind schedule, go on at once (a sleep on a busy machine oversleeps), unless
                # the main thread waits for the lock (a control, a button): then let it in.
                time.sleep(left if left > 0 else 0.002 if self._waiting else 0)
        finally:
            stop.set()
            self._set_buttons(False)
            with self._lock:
                self._set_status()

    def speed(self) -> dict:
        """While playing (from `timings`): frames and steps per second, and the kernel's
        milliseconds per frame (medians; wall and this thread's CPU time) spent training and
        drawing (drawing includes encoding and handing the frame to the front end)."""
        rows = list(self.timings)
        if len(rows) < 2:
            return {"frames": len(rows)}
        span = rows[-1][0] - rows[0][0]
        body = rows[:-1]  # the last frame's interval has not ended yet
        return {
            "frames": len(rows),
            "frames_per_s": len(body) / span,
            "steps_per_s": sum(r[1] for r in body) / span,
            "train_ms": 1e3 * float(np.median([r[2] for r in rows])),
            "draw_ms": 1e3 * float(np.median([r[3] for r in rows])),
            "train_cpu_ms": 1e3 * float(np.median([r[4] for r in rows])),
            "draw_cpu_ms": 1e3 * float(np.median([r[5] for r in rows])),
        }

    # --- code API --------------------------------------------------------------------
    def run(self, steps: int) -> PlaygroundWidget:
        """Train `steps` steps now (in this thread) and show the result."""
        with self._claim():
            self.trainer.step(steps)
            self._draw_frame()
            self._render()
        return self

    def reset(self) -> PlaygroundWidget:
        """A fresh network with the same settings (step 0)."""
        with self._claim():
            self.trainer.reset()
            self._draw_frame()
            self._render()
        return self

    def update(self, changed=None) -> None:
        with self._claim():
            super().update(changed)

    def close(self) -> None:
        self.pause()
        self.wait(5.0)
        super().close()

    def describe(self) -> str:
        return (f"Playground: {self.trainer.describe()}; trained {self.trainer.steps} steps. "
                "(Run the notebook to train it live.)")

    def _repr_mimebundle_(self, include=None, exclude=None):
        with self._claim():
            return self._stored_bundle(include, exclude)


def playground(dataset="circles", activation="tanh", depth=3, width=8, *, steps=0,
               pause_at=0, units=False, **settings) -> PlaygroundWidget:
    """Train a small network live on a 2-D problem and watch why an activation works or fails.

    Controls (in `.controls`, set `.value` to drive them from code): the problem, its noise,
    test share and number of points; the activation (and its hyperparameter), hidden layers,
    units per layer, initialisation (and σ for "normal"); the optimiser, learning rate, batch
    size and seed; Play, Pause, Step (+10 steps), Reset and "pause at step". Changing the
    learning rate or the batch size goes on training; any other control starts a fresh
    network at step 0 (the same settings always give the same network and the same steps).

    The figure: P(class 1) over the plane with the decision boundary, the training points
    (white edge) and test points (dark edge); the training and test loss; ‖∂L/∂W‖ of every
    layer on a log scale (lines that drift apart: vanishing or exploding gradients); the share
    of dead units (rectifiers) or saturated outputs (sigmoid, tanh) per hidden layer; and with
    units=True each first-layer unit's output over the plane. The status line above gives the
    numbers and a diagnosis in words.

    Args:
        dataset: "circles" (default), "xor", "moons" or "spirals".
        activation: any elementwise activation name (default "tanh").
        depth: hidden layers, 1–10 (default 3).
        width: units per hidden layer, 1–32 (default 8).
        steps: train this many steps before showing (default 0): the stored notebook then
            shows a trained state where no kernel runs.
        pause_at: Play pauses at this step (default 0: never; the "pause at step" control).
        units: show the first hidden layer's units (default False).
        **settings: any other setting of `network.playground.Playground` (noise, points,
            test_fraction, activation_params, init, init_std, optimizer, lr, batch_size,
            seed, ...).

    Returns:
        A PlaygroundWidget: `.trainer` is the engine (`.state`, `.history`, `.step(n)`),
        `.run(n)` trains n steps and redraws, `.play()` / `.pause()` as the buttons.

    Example:
        >>> from course_utils import widgets
        >>> pg = widgets.playground("xor", "relu", depth=2, steps=200)
        >>> pg.trainer.steps, pg.trainer.state["test_accuracy"] > 0.9
        (200, True)
        >>> pg.controls["lr"].value = 0.1        # live: no reset
        >>> pg.trainer.steps
        200
        >>> pg.close()
    """
    _pause_step(pause_at)
    trainer = engine.Playground(dataset=dataset, activation=activation, depth=depth,
                                width=width, **settings)
    if steps:
        trainer.step(steps)
    return PlaygroundWidget(trainer, units=units, pause_at=pause_at)
