# Activation Functions, Hands-On — everything a student, instructor or CI runs.
#   make lab         set up .venv (first time) and open JupyterLab on the course
#   make test        set up .venv with the test tools and run the whole suite
#   make notebooks   re-execute every notebook in place (fresh kernel, top to bottom)
#   make exercises   regenerate exercises/ from solutions/ (never overwrites a student's edits)
#   make bench       run the speed benchmarks in benchmarks/ (make bench-hub: a class logging in)
#   make test-student-install   run every notebook with only what `make lab` installs (CI)
#   make hub         (root) a demo class hub on 127.0.0.1:8000: JupyterHub, Unix users, nbgrader
#   make test-hub    (root) the class hub end to end (tests/hub); make hub-clean removes the demo
# Needs only python3 (3.10 to 3.13) and make. Versions come from constraints.txt.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
PIP    := $(PY) -m pip install --disable-pip-version-check -c constraints.txt
PORT   ?= 8888
# Jupyter refuses to run as root unless told; only then is --allow-root added.
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
JOBS  ?= 2
# Only folders that exist: a missing path makes pytest-xdist collect nothing at all.
TEST_PATHS := $(wildcard course_utils tests notebooks solutions exercises)
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
STUDENT_VENV ?= .venv-student

# Lesson 10 runs Keras on JAX: every process make starts gets the backend (JupyterLab, its
# terminals, the tests); kernels get it from the course's kernel spec (installed below).
export KERAS_BACKEND := jax
export JAX_PLATFORMS := cpu

# `make test` runs on NumPy's baseline (SSE) kernels and OpenBLAS's oldest, where `make
# notebooks` stores what the machine's best kernels print: a stored output that depends on the
# last bits of a float fails on the authors' machine first, not on a student's. (x86 only: the
# names mean nothing on ARM, where the bounds, not a run, cover the kernels.)
# (Recursive `=`: the names come from the installed NumPy, read when the recipe runs.)
ifeq ($(shell uname -m),x86_64)
OTHER_KERNELS = NPY_DISABLE_CPU_FEATURES="$(shell $(PY) tests/numpy_levels.py baseline)" OPENBLAS_CORETYPE=Prescott
endif

.PHONY: help lab test test-fast test-student-install notebooks exercises bench venv clean \
        hub hub-clean test-hub bench-hub
help:
	@sed -n '2,11p' Makefile

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10 or newer is needed; found " + sys.version.split()[0] + ". Run: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)

# One stamp per install flavour, refreshed whenever the pins or the package metadata change.
$(VENV)/.course-installed: $(PY) pyproject.toml constraints.txt
	$(PIP) -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ipykernel)" \
	    --env KERAS_BACKEND jax --env JAX_PLATFORMS cpu
	@touch $@

$(VENV)/.dev-installed: $(VENV)/.course-installed
	$(PIP) -e ".[dev,instructor]"
	@touch $@

venv: $(VENV)/.course-installed

lab: $(VENV)/.course-installed
	$(BIN)/jupyter lab --ip=127.0.0.1 --port=$(PORT) --ServerApp.root_dir=. \
	    --LabApp.default_url=/lab/tree/notebooks/00_why_nonlinearity.ipynb $(ROOT_FLAG)

# tests/hub creates Unix users and a system-wide install: only `make test-hub` runs it.
test: $(VENV)/.dev-installed
	$(OTHER_KERNELS) $(PY) -m pytest -n $(JOBS) $(TEST_PATHS) --ignore=tests/hub $(NBVAL)

# Unit tests and doctests only (no notebooks): the quick loop while editing course_utils.
test-fast: $(VENV)/.dev-installed
	$(PY) -m pytest course_utils tests --ignore=tests/browser --ignore=tests/hub

# The class hub (hub/, as root): installs under $(HUB_PREFIX), runs a throw-away class.
HUB_PREFIX ?= /opt/activations-hub
HUB_PORT   ?= 8000
test-hub: $(VENV)/.dev-installed
	COURSE_HUB_PREFIX=$(HUB_PREFIX) $(PY) -m pytest tests/hub

# 20 students logging in at once (root): the table in benchmarks/README.md.
bench-hub: $(VENV)/.dev-installed
	COURSE_HUB_PREFIX=$(HUB_PREFIX) $(PY) benchmarks/hub_load.py --write-readme

hub:
	$(PYTHON) hub/hubctl.py demo --prefix $(HUB_PREFIX) --port $(HUB_PORT)

hub-clean:
	$(PYTHON) hub/hubctl.py remove-class --state /srv/activations-hub-demo --delete-homes

notebooks: $(VENV)/.dev-installed
	$(PY) tools/run_notebooks.py notebooks/*.ipynb solutions/*.ipynb
	$(PY) tools/make_exercises.py

exercises: $(VENV)/.dev-installed
	$(PY) tools/make_exercises.py $(if $(FORCE),--force)

# A fresh venv with the course install alone (what `make lab` gives a student, no test tools):
# every lesson, solution and exercise must run to the end in it.
test-student-install:
	rm -rf $(STUDENT_VENV)
	$(MAKE) VENV=$(STUDENT_VENV) venv
	$(STUDENT_VENV)/bin/python tools/run_notebooks.py --check notebooks/*.ipynb solutions/*.ipynb exercises/*.ipynb

bench: $(VENV)/.dev-installed
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) $(STUDENT_VENV) build *.egg-info .pytest_cache .hypothesis
