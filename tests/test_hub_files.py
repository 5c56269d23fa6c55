"""The class hub's files, checked without root or a running hub (tests/hub runs the real thing):
pins, per-role settings, class settings validation, what a new home receives, the Kubernetes
files, and the helpers that build the hub test's submissions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
HUB = ROOT / "hub"
sys.path.insert(0, str(HUB))
sys.path.insert(0, str(ROOT / "tests" / "hub"))

import hub_install  # noqa: E402
import submissions  # noqa: E402
from hub_settings import ClassSettings  # noqa: E402

LESSONS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))


def test_the_proxy_is_pinned_exactly_and_locked():
    wanted = json.loads((HUB / "package.json").read_text())["dependencies"]["configurable-http-proxy"]
    assert wanted[0].isdigit(), f"package.json must pin configurable-http-proxy exactly, not {wanted!r}"
    lock = json.loads((HUB / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/configurable-http-proxy"]["version"] == wanted
    assert all("resolved" not in p or "registry.npmjs.org" in p["resolved"]
               for p in lock["packages"].values()), "package-lock.json points outside npm"


def load_role_config(role: str, name: str):
    return json.loads((HUB / "roles" / role / name).read_text())


def test_students_get_no_instructor_tools_and_instructors_do():
    disabled = load_role_config("student", "labconfig/page_config.json")["disabledExtensions"]
    for plugin in ("formgrader", "create-assignment", "course-list"):
        assert disabled.get(f"@jupyter/nbgrader:{plugin}") is True
    assert "@jupyter/nbgrader:assignment-list" not in disabled
    server = load_role_config("student", "jupyter_server_config.d/zz-course-student.json")
    assert server["ServerApp"]["jpserver_extensions"]["nbgrader.server_extensions.formgrader"] is False
    assert "disabledExtensions" not in load_role_config("instructor", "labconfig/page_config.json")
    # The formgrader is an iframe inside JupyterLab: JupyterHub's default CSP forbids that.
    csp = load_role_config("instructor", "jupyter_server_config.json")["ServerApp"][
        "tornado_settings"]["headers"]["Content-Security-Policy"]
    assert csp == "frame-ancestors 'self'"
    common = load_role_config("common", "jupyter_server_config.json")
    assert common["ServerKernelManager"]["transport"] == "ipc"


@pytest.mark.parametrize("role", ["student", "instructor"])
def test_nbgrader_settings_come_from_the_spawner_environment(role, monkeypatch, tmp_path):
    from traitlets.config.loader import PyFileConfigLoader

    # The installed layout: <prefix>/hub/roles/<role>/, the course's config in <prefix>/hub/.
    roles = tmp_path / "hub" / "roles" / role
    roles.mkdir(parents=True)
    (roles / "nbgrader_config.py").write_bytes((HUB / "roles" / role / "nbgrader_config.py").read_bytes())
    (tmp_path / "hub" / "course_nbgrader_config.py").write_bytes(
        (ROOT / "tools" / "nbgrader_config.py").read_bytes())
    monkeypatch.setenv("COURSE_HUB_COURSE_ID", "c1")
    monkeypatch.setenv("COURSE_HUB_EXCHANGE", "/srv/x")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    config = PyFileConfigLoader("nbgrader_config.py", str(roles)).load_config()
    assert config.CourseDirectory.course_id == "c1" and config.Exchange.root == "/srv/x"
    if role == "instructor":
        assert config.CourseDirectory.root == str(tmp_path / "home" / "nbgrader")
        # The course's own settings came along: feedback without the hidden tests.
        names = [p.__name__ for p in config.GenerateFeedback.preprocessors]
        assert "ClearHiddenTests" in names, names


@pytest.mark.parametrize("change, words", [
    ({"course_id": "a b"}, "course_id must be"),
    ({"group_prefix": "Bad_Name"}, "group_prefix must be"),
    ({"port": 8081}, "hub_port and port are both 8081; they must differ"),
    ({"hub_port": 0}, "hub_port must be a port number 1-65535; got 0"),
    ({"exchange_root": "relative/x"}, "exchange_root must be an absolute path; got 'relative/x'"),
    ({"ip": "localhost"}, "ip must be an IP address"),
    ({"auth": "dummy"}, "auth must be one of shared-password, pam, local-config; got 'dummy'"),
    ({"auth": "local-config"}, "needs local_config"),
    ({"idle_timeout": -1}, "idle_timeout must be a whole number of seconds >= 0; got -1"),
])
def test_class_settings_name_the_bad_value(change, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
        ClassSettings(**change)


def test_class_settings_round_trip(tmp_path):
    settings = ClassSettings(state_dir=str(tmp_path / "state"), course_id="c2", port=9000)
    settings.save()
    assert ClassSettings.load(tmp_path / "state") == settings
    assert (tmp_path / "state").stat().st_mode & 0o777 == 0o700
    with pytest.raises(FileNotFoundError, match="hubctl init"):
        ClassSettings.load(tmp_path / "elsewhere")


def test_a_students_home_gets_the_lessons_and_no_solutions():
    members = hub_install.template_members()
    student = {name for name, _ in members["student"]}
    for lesson in LESSONS:
        assert f"course/notebooks/{lesson}" in student and f"course/exercises/{lesson}" in student
    assert not any("solution" in name or name.startswith("nbgrader/") for name in student)
    instructor = {name for name, _ in members["instructor"]}
    assert student <= instructor
    for source in (ROOT / "solutions").glob("*.ipynb"):
        assert f"nbgrader/source/lesson{source.name[:2]}/{source.name}" in instructor
    tar = hub_install.make_tar(members["student"])
    assert tar == hub_install.make_tar(members["student"]), "the template is not reproducible"


def test_the_kubernetes_values_match_the_image():
    values = yaml.safe_load((HUB / "kubernetes" / "config.yaml").read_text())
    user = values["singleuser"]
    assert user["extraEnv"]["KERAS_BACKEND"] == "jax" and user["extraEnv"]["JAX_PLATFORMS"] == "cpu"
    mounts = {m["mountPath"] for m in user["storage"]["extraVolumeMounts"]}
    assert user["extraEnv"]["COURSE_HUB_EXCHANGE"] in mounts
    assert values["hub"]["config"]["JupyterHub"]["authenticator_class"] not in ("dummy", "null")
    assert values["hub"]["config"]["Authenticator"]["allow_all"] is False
    for code in values["hub"]["extraConfig"].values():
        compile(code, "extraConfig", "exec")
    dockerfile = (HUB / "kubernetes" / "Dockerfile").read_text()
    for needed in ("constraints.txt", "USER jovyan", "COPY hub/roles", "course-home-setup",
                   user["lifecycleHooks"]["postStart"]["exec"]["command"][0]):
        assert needed in dockerfile, f"the Dockerfile lacks {needed!r}"
    script = HUB / "kubernetes" / "course-home-setup"
    assert os.access(script, os.X_OK) and "cp -R -n" in script.read_text()
    subprocess.run(["sh", "-n", str(script)], check=True)


def test_the_hub_tests_submissions_are_built_from_the_notebooks_metadata():
    solutions = json.loads((ROOT / "solutions" / "07_softmax.ipynb").read_text())
    released = json.loads((ROOT / "exercises" / "07_softmax.ipynb").read_text())
    assert submissions.auto_points(solutions) > 0
    assert submissions.auto_points(released) == submissions.auto_points(solutions)
    model = submissions.answers(solutions)
    filled = submissions.fill(released, model)
    answered = {submissions.nbgrader(c)["grade_id"]: submissions.source(c) for c in filled["cells"]
                if submissions.nbgrader(c).get("solution")}
    assert answered == model
    broken, name, points = submissions.break_one_function(solutions)
    changed = [k for k in model if broken[k] != model[k]]
    assert len(changed) == 1 and f"def {name}(" in broken[changed[0]] and points > 0
    compile(broken[changed[0]], "broken", "exec")
