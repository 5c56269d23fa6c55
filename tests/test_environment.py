"""The environment the course creates: Keras on JAX in every kernel, no side effects on import.

(That every notebook runs with the student install alone, without the test tools, is checked
by `make test-student-install`, which CI runs: it builds a fresh venv, too slow for `make test`.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import start_new_kernel

ROOT = Path(__file__).resolve().parent.parent


def test_the_course_kernel_spec_sets_the_keras_backend():
    spec = KernelSpecManager().get_kernel_spec("python3")
    assert Path(spec.argv[0]).resolve().parent == Path(sys.executable).resolve().parent, spec.argv
    assert spec.env.get("KERAS_BACKEND") == "jax", spec.env


@pytest.mark.slow
def test_import_keras_works_first_thing_in_a_course_kernel():
    # A kernel started as JupyterLab starts it, from an environment without KERAS_BACKEND
    # (Keras 3 alone would pick TensorFlow, which the course does not install).
    env = {k: v for k, v in os.environ.items() if k not in ("KERAS_BACKEND", "JAX_PLATFORMS")}
    outputs = []
    km, kc = start_new_kernel(kernel_name="python3", env=env, cwd=str(ROOT))
    try:
        reply = kc.execute_interactive("import keras; print(keras.backend.backend())", timeout=120,
                                       output_hook=outputs.append)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert reply["content"]["status"] == "ok", reply["content"]
    text = "".join(m["content"].get("text", "") for m in outputs if m["msg_type"] == "stream")
    assert text.strip() == "jax"


def test_importing_course_utils_leaves_the_process_alone():
    # The libraries course_utils builds on first: their own import-time filters are not ours.
    code = """
import os, warnings, numpy as np, numpy.polynomial, scipy.special, matplotlib.pyplot, ipywidgets
env, filters, rng = dict(os.environ), list(warnings.filters), np.random.get_state()[1].copy()
import course_utils
from course_utils import activations, checks, data, gradcheck, keras_compare, network, plotting, widgets
assert dict(os.environ) == env, set(os.environ.items()) ^ set(env.items())
assert list(warnings.filters) == filters
assert (np.random.get_state()[1] == rng).all()
"""
    env = {k: v for k, v in os.environ.items() if k not in ("KERAS_BACKEND", "JAX_PLATFORMS")}
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
