"""widgets.playground without a browser: controls drive the engine (resets only where the network
changes), Play/Pause run and stop a thread, the figure follows the network, the stored output is a
PNG snapshot with deterministic text. (tests/browser/test_playground_in_jupyterlab.py drives it
in JupyterLab.)"""

from __future__ import annotations

import base64
import threading

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils import widgets  # noqa: E402
from course_utils.network.playground import Playground  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"


@pytest.fixture
def pg():
    made = []

    def make(*args, **kwargs):
        widget = widgets.playground(*args, **kwargs)
        made.append(widget)
        return widget

    yield make
    for widget in made:
        widget.close()
    assert not [t for t in threading.enumerate() if t.name == "playground"], "a thread survived"


def weights(trainer):
    return [p.copy() for p in trainer.model.parameters()]


def test_defaults_work_and_show_a_frame(pg):
    w = pg()
    s = w.trainer.settings
    assert (s["dataset"], s["activation"], s["depth"], s["width"]) == ("circles", "tanh", 3, 8)
    assert 200 <= s["points"] <= 500
    assert bytes(w.image.value).startswith(JPEG_MAGIC) and w.png().startswith(PNG_MAGIC)
    assert "step 0 ·" in w.status_line.value and not w.playing


def test_steps_trains_before_showing_and_matches_the_engine(pg):
    w = pg("spirals", "relu", depth=2, steps=60, lr=0.1)
    assert w.trainer.steps == 60
    engine = Playground(dataset="spirals", activation="relu", depth=2, lr=0.1).step(60)
    assert all(np.array_equal(a, b) for a, b in zip(weights(w.trainer), weights(engine)))


def test_learning_rate_and_batch_size_controls_do_not_reset(pg):
    w = pg(steps=30)
    frames = w.frames
    w.controls["lr"].value = 0.1
    w.controls["batch_size"].value = 20
    assert w.trainer.steps == 30
    assert "step 30 ·" in w.status_line.value and w.status_line.layout.display != "none"
    assert w.trainer.settings["lr"] == 0.1 and w.trainer.optimizer.lr == 0.1
    assert w.trainer.settings["batch_size"] == 20
    assert w.frames == frames + 2  # each change redrew


NETWORK_CONTROLS = [
    ("dataset", "xor"), ("noise", 0.2), ("test_fraction", 0.3), ("points", 200),
    ("activation", "relu"), ("depth", 5), ("width", 4), ("init", "normal"), ("init_std", 2.0),
    ("optimizer", "sgd"), ("seed", 7),
]


def test_network_controls_reset_to_step_zero(pg):
    w = pg()
    for key, value in NETWORK_CONTROLS:  # one widget, each control in turn
        w.run(30)
        w.controls[key].value = value
        assert w.trainer.steps == 0, key
        assert w.trainer.settings[key] == value


def test_depth_changes_the_per_layer_lines(pg):
    w = pg(depth=3)
    assert sum(k.startswith("grad.") for k in w.lines) == 4  # 3 hidden + the output layer
    w.controls["depth"].value = 7
    assert sum(k.startswith("grad.") for k in w.lines) == 8
    assert sum(k.startswith("health.") for k in w.lines) == 7
    assert len(w.lines["grad.8"].get_xdata()) == 1  # step 0 only, after the reset


def test_the_hyperparameter_control_follows_the_activation(pg):
    w = pg(activation="leaky_relu")
    assert [c.description for c in w._params_box.children] == ["negative_slope"]
    w.controls["leaky_relu.negative_slope"].value = 0.2
    assert w.trainer.settings["activation_params"] == {"negative_slope": 0.2}
    assert w.trainer.model.layers[0].activation.negative_slope == 0.2
    w.controls["activation"].value = "gelu"
    assert [c.description for c in w._params_box.children] == ["approximate"]
    w.controls["gelu.approximate"].value = True
    assert w.trainer.model.layers[0].activation.approximate is True
    w.controls["activation"].value = "relu"
    assert w._params_box.children == ()


def test_sigma_shows_only_for_the_normal_initialiser(pg):
    w = pg()
    assert w.controls["init_std"].layout.display == "none"
    w.controls["init"].value = "normal"
    assert w.controls["init_std"].layout.display is None
    w.controls["init_std"].value = 1.5
    assert w.trainer.settings["init_std"] == 1.5


def test_health_panel_switches_between_saturated_and_dead(pg):
    w = pg(activation="tanh")
    assert w.trainer.health == "saturated" and "saturated" in w.health_title.get_text()
    w.controls["activation"].value = "relu"
    assert w.trainer.health == "dead" and "dead" in w.health_title.get_text()


def test_step_and_reset_buttons(pg):
    w = pg()
    w.buttons["step"].click()
    assert w.trainer.steps == 10
    w.buttons["reset"].click()
    assert w.trainer.steps == 0


def test_play_trains_in_the_background_and_pause_stops_it(pg):
    w = pg()
    w.buttons["play"].click()
    assert w.playing and w.buttons["play"].disabled and not w.buttons["pause"].disabled
    deadline = threading.Event()
    for _ in range(200):  # at most ~10 s on a busy machine
        if w.trainer.steps >= 50 and len(w.timings) >= 3:
            break
        deadline.wait(0.05)
    w.buttons["pause"].click()
    assert w.wait(10.0), "the training thread did not stop"
    assert not w.playing and not w.buttons["play"].disabled and w.buttons["pause"].disabled
    steps = w.trainer.steps
    assert steps >= 50 and steps % w.trainer.record_every == 0  # whole records per frame
    deadline.wait(0.2)
    assert w.trainer.steps == steps  # really stopped
    assert w.speed()["frames"] >= 3


def test_play_stops_exactly_at_the_pause_step_with_the_same_network(pg):
    w = pg("moons", "relu")
    w.controls["pause_at"].value = 75
    w.play()
    assert w.wait(60.0)
    assert w.trainer.steps == 75
    engine = Playground(dataset="moons", activation="relu").step(75)
    assert all(np.array_equal(a, b) for a, b in zip(weights(w.trainer), weights(engine)))
    w.play()  # already there: returns at once
    assert w.wait(10.0) and w.trainer.steps == 75


def test_controls_work_while_playing(pg):
    w = pg()
    w.play()
    try:
        w.controls["lr"].value = 0.01
        assert w.trainer.optimizer.lr == 0.01
        w.controls["depth"].value = 2
        assert w.trainer.model.sizes == [2, 8, 8, 2]
        assert w.playing  # a reset keeps playing
    finally:
        w.pause()
        assert w.wait(10.0)


def test_play_stops_when_the_numbers_overflow(pg):
    w = pg(activation="leaky_relu", optimizer="sgd", lr=10.0)
    w.play()
    assert w.wait(30.0)
    assert w.trainer.diverged is not None
    assert "overflowed" in w.status_line.value


def test_stored_output_is_a_png_snapshot_with_deterministic_text(pg):
    a, b = pg("spirals", steps=100), pg("spirals", steps=100)
    bundle = a._repr_mimebundle_()
    png = base64.b64decode(bundle["image/png"])
    assert png.startswith(PNG_MAGIC)
    assert bundle["text/plain"] == b._repr_mimebundle_()["text/plain"]
    assert bundle["text/plain"].startswith("Playground: spirals")
    assert "trained 100 steps" in bundle["text/plain"]
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_units_row_shows_every_first_layer_unit(pg):
    w = pg(width=5, units=True)
    mosaic = np.ma.getdata(w.units_image.get_array())
    assert mosaic.shape == (50, 5 * 50 + 4 * 4)
    unit = mosaic[:, :50]
    assert np.nanmin(unit) == 0.0 and np.nanmax(unit) == 1.0  # each unit scaled to its range


def test_bad_settings_raise_before_any_widget_is_made():
    with pytest.raises(ValueError, match="dataset must be one of"):
        widgets.playground("spiral")
    with pytest.raises(ValueError, match="depth"):
        widgets.playground(depth=0)
