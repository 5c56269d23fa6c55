"""The class hub as people see it: log in through the login page in headless Chromium (the
system one; nothing is downloaded), then look at JupyterLab's Nbgrader menu. Screenshots go to
a folder named in the timings at the end of the run."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from conftest import timing

pytestmark = [pytest.mark.hub, pytest.mark.slow, pytest.mark.timeout(600)]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
INSTRUCTOR_TOOLS = {"Formgrader", "Create assignment", "Course List"}


@pytest.fixture(scope="module")
def browser():
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    reason = None
    if not path or not os.access(path, os.X_OK):
        reason = "no Chromium: install the system package `chromium` or set CHROMIUM_PATH"
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            reason = "the `playwright` Python package is missing (pip install -e '.[dev]')"
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    shots = Path(tempfile.mkdtemp(prefix="course-hub-screenshots-"))
    timing(f"screenshots: {shots}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium, shots
        finally:
            chromium.close()


def open_lab(browser, class_hub, name):
    """Log in through the hub's login form; returns the page once JupyterLab shows its menus."""
    chromium, _ = browser
    page = chromium.new_context(viewport={"width": 1280, "height": 800}).new_page()
    started = time.monotonic()
    page.goto(f"{class_hub.url}/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", class_hub.password(name))
    page.click("#login_submit")
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").wait_for(timeout=180_000)
    timing(f"{name}: login page -> JupyterLab with menus in Chromium: {time.monotonic() - started:.1f} s")
    return page


def nbgrader_menu(page) -> set[str]:
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    items = page.locator(".lm-Menu-itemLabel")
    items.first.wait_for()
    return {label.strip() for label in items.all_inner_texts() if label.strip()}


def test_a_student_sees_assignments_and_no_instructor_tools(browser, class_hub, graded):
    page = open_lab(browser, class_hub, class_hub.students[0])
    try:
        menu = nbgrader_menu(page)
        assert "Assignment List" in menu and not menu & INSTRUCTOR_TOOLS, menu
        page.locator(".lm-Menu-itemLabel", has_text="Assignment List").click()
        # The student submitted lesson 07 (the `graded` fixture): nbgrader lists it.
        page.locator("#submitted_assignments_list").get_by_text("lesson07").first.wait_for(
            timeout=60_000)
        page.screenshot(path=str(browser[1] / "student-assignments.png"))
    finally:
        page.context.close()


def test_an_instructor_opens_the_formgrader_inside_jupyterlab(browser, class_hub, graded):
    page = open_lab(browser, class_hub, class_hub.instructor)
    try:
        menu = nbgrader_menu(page)
        assert {"Assignment List", "Formgrader", "Create assignment"} <= menu, menu
        page.locator(".lm-Menu-itemLabel", has_text="Formgrader").first.click()
        # JupyterHub forbids framing (CSP frame-ancestors 'none'); the instructors' servers
        # allow their own origin (roles/instructor), or this frame stays blank.
        frame = page.frame_locator("iframe").first
        frame.get_by_text("Manage Assignments").first.wait_for(timeout=60_000)
        frame.get_by_text("lesson07").first.wait_for(timeout=60_000)
        page.screenshot(path=str(browser[1] / "instructor-formgrader.png"))
    finally:
        page.context.close()
