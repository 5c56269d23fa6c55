"""The playground's engine without any UI: stepping, determinism, resets, settings, diagnosis."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import activations
from course_utils.network import playground as engine
from course_utils.network._diagnosis import diagnose
from course_utils.network.playground import Playground


def weights(pg):
    return [p.copy() for p in pg.model.parameters()]


def same(a, b):
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


# --- determinism ---------------------------------------------------------------------------
@pytest.mark.parametrize("settings", [
    dict(),
    dict(dataset="spirals", activation="relu", optimizer="momentum", lr=0.1),
    dict(dataset="moons", activation="prelu", depth=2, width=5, batch_size=7),
])
def test_same_settings_give_the_same_boundary_after_n_steps(settings):
    a = Playground(**settings).step(120)
    b = Playground(**settings).step(120)
    assert np.array_equal(a.maps()["probability"], b.maps()["probability"])
    assert same(weights(a), weights(b))
    assert np.array_equal(a.history.as_array("train_loss"), b.history.as_array("train_loss"))


def test_how_the_steps_are_split_into_calls_does_not_matter():
    # The widget trains in chunks of whatever size fits a frame.
    whole = Playground(dataset="xor", activation="relu").step(100)
    parts = Playground(dataset="xor", activation="relu")
    for n in (1, 9, 37, 3, 50):
        parts.step(n)
    assert parts.steps == whole.steps == 100
    assert same(weights(parts), weights(whole))
    assert parts.history.step == whole.history.step == list(range(0, 101, 10))
    assert np.array_equal(parts.history.as_array("grad_norm"), whole.history.as_array("grad_norm"))


def test_a_different_seed_draws_another_network_on_the_same_data():
    a, b = Playground(seed=0), Playground(seed=1)
    assert np.array_equal(a.split.X_train, b.split.X_train)
    assert not same(weights(a), weights(b))


# --- reset and settings --------------------------------------------------------------------
def test_reset_returns_to_the_untrained_network():
    pg = Playground(activation="relu")
    fresh = weights(pg)
    pg.step(50)
    assert not same(weights(pg), fresh)
    pg.reset()
    assert pg.steps == 0 and pg.history.step == [0]
    assert same(weights(pg), fresh)
    assert same(weights(pg.step(50)), weights(Playground(activation="relu").step(50)))


def test_the_learning_rate_changes_without_a_reset():
    pg = Playground(activation="relu").step(30)
    before = weights(pg)
    assert pg.configure(lr=0.3) is False
    assert pg.steps == 30 and same(weights(pg), before)
    assert pg.optimizer.lr == 0.3 and pg.settings["lr"] == 0.3
    pg.step(20)
    assert pg.steps == 50 and pg.history.step[-1] == 50
    # The same as training 30 steps at 0.03 and 20 at 0.3 in one go.
    other = Playground(activation="relu").step(30)
    other.optimizer.lr = 0.3
    assert same(weights(pg), weights(other.step(20)))


def test_the_batch_size_changes_without_a_reset():
    pg = Playground().step(10)
    assert pg.configure(batch_size=50) is False
    assert pg.steps == 10
    pg.step(1)
    assert pg.model.layers[0].X.shape[0] == 50  # the last forward pass was a batch of 50


@pytest.mark.parametrize("change", [
    dict(activation="relu"), dict(depth=2), dict(width=4), dict(dataset="moons"),
    dict(noise=0.1), dict(points=200), dict(test_fraction=0.3), dict(seed=3),
    dict(init="he"), dict(init_std=2.0), dict(optimizer="sgd"),
])
def test_a_change_to_the_network_or_data_resets_cleanly(change):
    pg = Playground().step(40)
    assert pg.configure(**change) is True
    assert pg.steps == 0 and pg.history.step == [0] and pg.diverged is None
    fresh = Playground(**change)
    assert same(weights(pg), weights(fresh))
    assert np.array_equal(pg.split.X_train, fresh.split.X_train)
    assert same(weights(pg.step(30)), weights(fresh.step(30)))


def test_the_network_follows_depth_and_width():
    pg = Playground(depth=4, width=6)
    assert pg.model.sizes == [2, 6, 6, 6, 6, 2]
    pg.configure(depth=1, width=3)
    assert pg.model.sizes == [2, 3, 2]
    assert pg.state["grad_norm"].shape == (2,) and pg.state["dead"].shape == (1,)


def test_setting_the_same_values_again_changes_nothing():
    pg = Playground(activation="leaky_relu").step(20)
    assert pg.configure(**pg.settings) is False
    assert pg.steps == 20


def test_activation_parameters_and_their_defaults():
    pg = Playground(activation="leaky_relu", activation_params={"negative_slope": 0.2})
    assert pg.model.layers[0].activation.negative_slope == 0.2
    pg.configure(activation="elu")  # another activation starts from its own defaults
    assert pg.settings["activation_params"] == {"alpha": 1.0}
    pg.configure(activation_params={"alpha": 0.5})
    assert pg.model.layers[0].activation.alpha == 0.5
    pg = Playground(activation=activations.get("leaky_relu", negative_slope=0.3))
    assert pg.settings["activation"] == "leaky_relu"
    assert pg.settings["activation_params"] == {"negative_slope": 0.3}


def test_init_auto_picks_xavier_for_sigmoid_and_tanh_and_he_otherwise():
    assert Playground(activation="tanh").model.layers[0].init == "xavier_normal"
    assert Playground(activation="relu").model.layers[0].init == "he"
    normal = Playground(activation="sigmoid", init="normal", init_std=2.0, width=32)
    assert normal.model.layers[1].W.std() == pytest.approx(2.0, rel=0.15)


def test_normalizations_plug_in_as_one_entry(monkeypatch):
    built = []

    def factory(sizes, **kw):
        built.append(sizes)
        return engine.MLP(sizes, **kw)

    monkeypatch.setitem(engine.NORMALIZATIONS, "test norm", factory)
    pg = Playground()
    assert pg.configure(normalization="test norm") is True
    assert built == [[2, 8, 8, 8, 2]]


# --- bad input: clear errors, nothing changed ---------------------------------------------------
@pytest.mark.parametrize("settings, words", [
    (dict(dataset="spiral"), ["dataset", "'circles'", "'spirals'", "'spiral'"]),
    (dict(dataset=3), ["dataset", "got 3"]),
    (dict(activation="rellu"), ["unknown activation 'rellu'", "relu"]),
    (dict(activation="softmax"), ["softmax", "cannot be a hidden activation"]),
    (dict(activation="elu", activation_params={"negative_slope": 0.1}), ["elu", "alpha"]),
    (dict(depth=0), ["depth", "from 1 to 10", "got 0"]),
    (dict(depth=2.5), ["depth", "got 2.5"]),
    (dict(width=0), ["width", "got 0"]),
    (dict(lr=-0.1), ["lr", "positive", "-0.1"]),
    (dict(lr=0), ["lr", "positive"]),
    (dict(lr=float("nan")), ["lr", "positive"]),
    (dict(batch_size=0), ["batch_size", "positive integer"]),
    (dict(noise=-1.0), ["noise", "-1.0"]),
    (dict(points=5), ["points", "from 20"]),
    (dict(test_fraction=1.0), ["test_fraction", "0.1 to 0.9"]),
    (dict(init="glorot"), ["unknown init 'glorot'", "auto"]),
    (dict(optimizer="rmsprop"), ["optimizer", "'adam'", "'rmsprop'"]),
    (dict(normalization="batch"), ["normalization", "'none'"]),
    (dict(seed=-1), ["seed", "-1"]),
    (dict(learning_rate=0.1), ["unknown setting", "learning_rate", "lr"]),
])
def test_bad_settings_name_the_setting_and_the_value(settings, words):
    with pytest.raises(ValueError) as err:
        Playground(**settings)
    message = str(err.value)
    assert message.startswith("Playground: "), message
    for word in words:
        assert word in message, (word, message)


def test_a_bad_change_changes_nothing():
    pg = Playground().step(20)
    before = (pg.settings, weights(pg))
    with pytest.raises(ValueError, match="lr"):
        pg.configure(depth=2, lr=-1.0)
    assert pg.settings == before[0] and pg.steps == 20 and same(weights(pg), before[1])


def test_steps_must_be_a_positive_integer():
    with pytest.raises(ValueError, match="n must be a positive integer, got 0"):
        Playground().step(0)


# --- what it measures ---------------------------------------------------------------------------
def test_state_and_history():
    pg = Playground(dataset="xor", activation="relu", depth=2, record_every=5).step(23)
    state = pg.state
    assert state["step"] == 23 and pg.history.step == [0, 5, 10, 15, 20]
    assert set(state) >= {"train_loss", "test_loss", "train_accuracy", "test_accuracy",
                          "grad_norm", "dead", "saturated", "diverged", "diagnosis"}
    assert state["grad_norm"].shape == (3,) and state["dead"].shape == (2,)
    assert np.isnan(state["saturated"]).all()  # ReLU does not saturate
    assert pg.history.as_array("dead").shape == (5, 2)
    with pytest.raises(ValueError, match="unknown key 'loss'"):
        pg.history.as_array("loss")
    state["step"] = -1  # a copy: the caller cannot change the playground
    assert pg.state["step"] == 23


def test_it_learns_an_easy_problem():
    pg = Playground(dataset="xor", activation="relu").step(300)
    assert pg.state["test_accuracy"] > 0.95
    assert pg.history.test_loss[-1] < 0.5 * pg.history.test_loss[0]


def test_maps_cover_the_data():
    pg = Playground(dataset="moons", width=5).step(50)
    maps = pg.maps(30)
    assert maps["probability"].shape == (30, 30) and maps["units"].shape == (5, 30, 30)
    assert ((0 <= maps["probability"]) & (maps["probability"] <= 1)).all()
    low, high = pg.extent
    assert low < pg.split.X_train.min() and pg.split.X_train.max() < high
    grid = pg.grid(30)
    assert grid[0].tolist() == [low, low] and grid[-1].tolist() == [high, high]
    # maps() does not disturb training: the same steps give the same network.
    assert same(weights(pg.step(10)), weights(Playground(dataset="moons", width=5).step(60)))


def test_a_far_too_large_learning_rate_stops_training_and_says_so():
    pg = Playground(activation="leaky_relu", optimizer="sgd", lr=10.0).step(200)
    assert pg.diverged is not None and pg.steps == pg.diverged < 200
    assert "overflowed" in pg.state["diagnosis"]
    assert pg.step(10).steps == pg.diverged  # stays stopped until a reset


def test_diagnosis_of_a_deep_sigmoid_network_says_vanishing():
    pg = Playground(activation="sigmoid", depth=6, optimizer="momentum").step(400)
    assert "vanishing" in pg.state["diagnosis"]
    assert "layer 1's gradient is" in pg.state["diagnosis"]


def test_diagnosis_of_a_dead_relu_network():
    pg = Playground(activation="relu", lr=1.0).step(300)
    assert max(pg.state["dead"]) == 1.0
    assert "100 % dead" in pg.state["diagnosis"]


def test_diagnosis_rules():
    base = dict(step=50, train_loss=0.3, train_accuracy=0.9, test_accuracy=0.9,
                grad_norm=np.array([0.1, 0.1]), dead=np.array([0.0]),
                saturated=np.array([np.nan]), diverged=None)
    assert diagnose(base) == ""
    assert diagnose({**base, "dead": np.array([0.375])}) == "38 % of layer 1 is dead"
    assert "exploding" in diagnose({**base, "grad_norm": np.array([1e4, 1.0])})
    assert "exactly 0" in diagnose({**base, "grad_norm": np.array([0.0, 1.0])})
    assert "saturated" in diagnose({**base, "saturated": np.array([0.6])}, "saturated")
    assert "saturated" not in diagnose({**base, "saturated": np.array([0.6])}, "dead")
    assert "log 2" in diagnose({**base, "step": 400, "train_loss": 0.69})
    assert "overfitting" in diagnose({**base, "train_accuracy": 1.0, "test_accuracy": 0.8})
    assert diagnose({**base, "test_accuracy": 0.97, "train_accuracy": 0.98}).startswith("learned")
