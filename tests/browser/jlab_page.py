"""JupyterLab as a student drives it, through Playwright: open, Run All, inspect, move sliders.

Everything is found the way a student finds it (menus, status-bar text, slider labels), never by
cell index, so the tests survive lessons being rewritten.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

RUN_ALL_TIMEOUT_MS = 150_000  # lesson 08 takes ~25 s on a busy 2-core machine; under the
# 300 s pytest-timeout even with the open and the idle wait, so fixtures always clean up
OPEN_TIMEOUT_MS = 60_000

# Browser console messages that are not bugs of the course, each with the reason it is harmless.
# A console error matching none of these fails the test that saw it.
BENIGN_CONSOLE_PATTERNS = [
    # Offline, a request to an outside host fails with one of these; the request itself is
    # reported once, as "request to an outside host", rather than twice.
    re.compile(r"net::ERR_(NAME_NOT_RESOLVED|INTERNET_DISCONNECTED|CONNECTION_REFUSED|"
               r"ADDRESS_UNREACHABLE|NETWORK_ACCESS_DENIED)"),
]

# The visible notebook (other open documents are hidden panels).
NB = ".jp-NotebookPanel:not(.lm-mod-hidden)"

KERNEL_STATUS_JS = """() => {
    // The status bar's kernel text, e.g. 'Python 3 (ipykernel) | Idle'.
    const item = document.querySelector(
        '#jp-main-statusbar .jp-StatusBar-TextItem[title^="Change kernel"]');
    return item ? item.textContent.trim() : '';
}"""

CURRENT_TAB_IS_JS = """(name) => {
    const tab = document.querySelector(
        '#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel');
    return tab !== null && tab.textContent.trim() === name;
}"""

WATCH_RUN_JS = """(nbSel) => {
    // The stored notebook already shows prompts [1]..[n], so "every prompt numbered" alone
    // would pass before anything ran: first record that some cell showed [*].
    window.__courseRunStarted = false;
    const nb = document.querySelector(nbSel + ' .jp-Notebook');
    const busy = () => [...nb.querySelectorAll('.jp-InputPrompt')]
        .some(p => p.textContent.includes('*'));
    const observer = new MutationObserver(() => {
        if (busy()) { window.__courseRunStarted = true; observer.disconnect(); }
    });
    observer.observe(nb, {subtree: true, childList: true, characterData: true});
}"""

RUN_DONE_JS = """(nbSel) => window.__courseRunStarted && ![...document.querySelectorAll(
    nbSel + ' .jp-InputPrompt')].some(p => p.textContent.includes('*'))"""

CELL_PROBLEMS_JS = """(nbSel) => {
    // JupyterLab renders an error's traceback with the stderr mime type, so both show here;
    // the lessons keep stderr clean anyway (strict nbval compares it). Cells sit in a
    // windowed viewport, not directly under .jp-Notebook.
    const problems = [];
    const cells = [...document.querySelectorAll(nbSel + ' .jp-Notebook .jp-Cell')];
    let code = 0;
    cells.forEach((cell, i) => {
        if (!cell.classList.contains('jp-CodeCell')) return;
        code += 1;
        const source = cell.querySelector('.jp-InputArea-editor').textContent.trim();
        const prompt = cell.querySelector('.jp-InputPrompt').textContent.trim();
        if (source && !/\\[\\d+\\]/.test(prompt))
            problems.push(`cell ${i + 1} did not run (prompt ${prompt}): ` + source.slice(0, 80));
        cell.querySelectorAll('.jp-OutputArea-output[data-mime-type='
                              + '"application/vnd.jupyter.stderr"]').forEach(out =>
            problems.push(`cell ${i + 1} stderr/error: ` + out.textContent.slice(0, 1500)));
    });
    return {cells: cells.length, code_cells: code, problems: problems};
}"""

WIDGET_PROBLEMS_JS = """(nbSel) => {
    // Views that failed (ipywidgets 8 draws .jupyter-widgets-error-widget, "Click to show
    // javascript error."; older managers write "Error displaying widget: ..."), views that
    // never loaded ("Loading widget..."), and the explorers' own "Could not redraw: ...".
    const bad = [];
    const root = document.querySelector(nbSel);
    if (!root) return ['no notebook is shown'];
    root.querySelectorAll('.jupyter-widgets-error-widget').forEach(e =>
        bad.push('widget error: ' + e.textContent.trim().slice(0, 500)));
    root.querySelectorAll('.jp-OutputArea-output').forEach(e => {
        if (e.querySelector('.jp-OutputArea-output')) return;  // judge the innermost only
        const text = e.textContent;
        if (/Error displaying widget|Loading widget\\.\\.\\./.test(text))
            bad.push(text.trim().slice(0, 500));
    });
    root.querySelectorAll('.widget-html').forEach(e => {
        if (e.offsetParent !== null && /Could not redraw/.test(e.textContent))
            bad.push(e.textContent.trim());
    });
    return [...new Set(bad)];
}"""

RENDERED_VIEWS_JS = """(nbSel) => [...document.querySelectorAll(nbSel + ' .jp-OutputArea-output')]
    .filter(e => !e.parentElement.closest('.jupyter-widgets')
                 && e.querySelector(':scope > .jupyter-widgets:not(:empty)')
                 && !e.querySelector('.jupyter-widgets-error-widget'))
    .length"""

LOG_CONSOLE_JS = """() => {
    // Kernel output that reached no cell (e.g. an exception in a widget callback) is counted
    // in this status-bar item. Empty when there is none.
    const item = document.querySelector('#jp-main-statusbar .jp-LogConsoleStatusItem');
    if (!item || item.classList.contains('lm-mod-hidden')) return '';
    const group = item.querySelector('[title]');
    return group ? group.getAttribute('title') : item.textContent.trim();
}"""

FIND_SLIDERS_JS = """([nbSel, pattern]) => {
    // Tags each visible slider whose label matches, and the cell output holding it.
    const re = new RegExp(pattern, 'i');
    document.querySelectorAll('[data-course-slider], [data-course-explorer]').forEach(e => {
        e.removeAttribute('data-course-slider'); e.removeAttribute('data-course-explorer'); });
    let k = 0;
    document.querySelectorAll(nbSel + ' .widget-slider').forEach(s => {
        const label = s.querySelector('.widget-label');
        if (!label || !re.test(label.textContent.trim()) || s.offsetParent === null) return;
        s.setAttribute('data-course-slider', k);
        s.closest('.jp-OutputArea-output').setAttribute('data-course-explorer', k);
        k += 1;
    });
    return k;
}"""

SLIDER_STATE_JS = """s => {
    const api = s.querySelector('.noUi-target').noUiSlider;
    return {position: Number(api.get()), step: api.options.step,
            min: api.options.range.min, max: api.options.range.max,
            label: s.querySelector('.widget-label').textContent.trim(),
            readout: s.querySelector('.widget-readout').textContent.trim()};
}"""

PRESS_JS = """([root, timeout]) => {
    // Times one key press: t0 at keydown (capture phase, before the slider sees it),
    // t1 when the explorer's <img> gets a new src, t2 once the decoded image was painted
    // (a task queued from the next animation frame runs after that frame is drawn).
    const current = () => { const img = root.querySelector('.widget-output img');
                            return img ? img.src : null; };
    const before = current();
    window.__coursePress = new Promise((resolve, reject) => {
        let t0 = null;
        const onKey = () => { if (t0 === null) t0 = performance.now(); };
        document.addEventListener('keydown', onKey, {capture: true, once: true});
        const timer = setTimeout(() => { observer.disconnect();
            reject(new Error('the plot did not change within ' + timeout + ' ms')); }, timeout);
        const observer = new MutationObserver(() => {
            const src = current();
            if (src === null || src === before || t0 === null) return;
            const t1 = performance.now();
            observer.disconnect();
            clearTimeout(timer);
            const img = root.querySelector('.widget-output img');
            img.decode().catch(() => null).then(() => requestAnimationFrame(() =>
                setTimeout(() => resolve({src_ms: t1 - t0, paint_ms: performance.now() - t0}),
                           0)));
        });
        observer.observe(root, {subtree: true, childList: true, attributes: true,
                                attributeFilter: ['src']});
    });
}"""

COUNT_IMAGE_CHANGES_JS = """(root, ms) => new Promise(resolve => {
    // How often the <img> in `root` gets a new picture during `ms` milliseconds (an
    // ipywidgets Image swaps its blob URL per frame; an Output re-renders its <img>).
    const current = () => { const img = root.querySelector('img'); return img ? img.src : null; };
    let last = current();
    const times = [];
    const t0 = performance.now();
    const observer = new MutationObserver(() => {
        const src = current();
        if (src !== null && src !== last) { last = src; times.push(performance.now() - t0); }
    });
    observer.observe(root, {subtree: true, childList: true, attributes: true,
                            attributeFilter: ['src']});
    setTimeout(() => { observer.disconnect(); resolve({changes: times.length, times}); }, ms);
})"""


def is_benign(text: str) -> bool:
    return any(pattern.search(text) for pattern in BENIGN_CONSOLE_PATTERNS)


class LabWindow:
    """One JupyterLab page kept across tests: loading JupyterLab costs seconds per page.

    Each test opens its notebook through File > Open from Path, and `reset()` closes every
    tab afterwards (discarding the run's outputs); if anything goes wrong there the page is
    dropped and the next test loads JupyterLab afresh.
    """

    def __init__(self, context, server):
        self.context = context
        self.server = server
        self.page = None
        self.sink: list | None = None  # the current test's list of console errors

    def _console(self, msg) -> None:
        if msg.type == "error" and self.sink is not None:
            location = msg.location or {}
            self.sink.append(f"console.error: {msg.text} ({location.get('url', '')})")

    def _page_error(self, err) -> None:
        if self.sink is not None:
            self.sink.append(f"pageerror: {err}")

    def _request(self, request) -> None:
        # The course promises to work offline: the page may only talk to our server.
        if self.sink is not None and not request.url.startswith(
                (self.server.url + "/", self.server.url.replace("http", "ws", 1) + "/",
                 "data:", "blob:")):
            self.sink.append(f"request to an outside host: {request.url}")

    def open(self, notebook: str, sink: list):
        """Show `notebook` (a path relative to the repo); wait for its kernel to be Idle."""
        self.sink = sink
        if self.page is None or self.page.is_closed():
            self.page = self.context.new_page()
            self.page.on("console", self._console)
            self.page.on("pageerror", self._page_error)
            self.page.on("request", self._request)
            workspace = uuid.uuid4().hex[:12]  # no layout restored from an earlier run
            self.page.goto(f"{self.server.url}/lab/workspaces/{workspace}/tree/{notebook}"
                           f"?token={self.server.token}&reset")
        else:
            self.menu("File", r"^Open from Path")
            dialog = self.page.locator(".jp-Dialog")
            dialog.locator("input").fill(notebook)
            dialog.locator(".jp-Dialog-button.jp-mod-accept").click()
        page = self.page
        page.locator(f"{NB} .jp-Notebook .jp-Cell").first.wait_for(timeout=OPEN_TIMEOUT_MS)
        page.wait_for_function(CURRENT_TAB_IS_JS, arg=Path(notebook).name,
                               timeout=OPEN_TIMEOUT_MS)
        LabSession.wait_idle(page, timeout=OPEN_TIMEOUT_MS)
        return page

    def menu(self, menu: str, item: str) -> None:
        """Click `menu` in the menu bar, then the item whose label matches `item`."""
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(rf"^{menu}$")).click()
        self.page.locator(".lm-Menu-itemLabel", has_text=re.compile(item)).click()

    def reset(self) -> None:
        """Close every tab, discarding changes; on any trouble, drop the page instead."""
        self.sink = None
        if self.page is None or self.page.is_closed():
            return
        try:
            self.menu("File", r"^Close All Tabs$")
            discard = self.page.locator(".jp-Dialog .jp-Dialog-button", has_text="Discard")
            deadline = 50
            while self.page.locator(".jp-NotebookPanel").count() and deadline:
                if discard.count():
                    discard.first.click()
                self.page.wait_for_timeout(100)
                deadline -= 1
            if self.page.locator(".jp-NotebookPanel").count():
                raise RuntimeError("a notebook tab would not close")
        except Exception:  # noqa: BLE001 - a fresh page is always a safe fallback
            self.close()

    def close(self) -> None:
        if self.page is not None and not self.page.is_closed():
            self.page.close()
        self.page = None


class LabSession:
    """One test's view of JupyterLab: open notebooks, run them, collect console errors."""

    def __init__(self, window: LabWindow, test_name: str, artifacts: Path, report=print):
        self.window = window
        self.report = report  # prints a line for the end-of-run summary
        self.server = window.server
        self.test_name = re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name)
        self.artifacts = artifacts
        self.console_errors: list[str] = []
        self.shots: list[Path] = []

    @property
    def pages(self) -> list:
        page = self.window.page
        return [page] if page is not None and not page.is_closed() else []

    def open(self, notebook: str):
        """Open `notebook` (a path relative to the repo) in JupyterLab; wait for Idle."""
        return self.window.open(notebook, self.console_errors)

    def unexpected_console_errors(self) -> list[str]:
        """Console errors, uncaught exceptions and requests to other hosts, less the benign."""
        return [text for text in self.console_errors if not is_benign(text)]

    # -- kernel ----------------------------------------------------------------------------

    @staticmethod
    def wait_idle(page, timeout: int = RUN_ALL_TIMEOUT_MS) -> None:
        """Wait until the status bar reads '| Idle' (the execution dot turns idle too early)."""
        page.wait_for_function(f"() => /\\| Idle$/.test(({KERNEL_STATUS_JS})())",
                               timeout=timeout)

    def run_all(self, page) -> None:
        """Run > Run All Cells, as a student would; wait until every cell ran and Idle."""
        page.evaluate(WATCH_RUN_JS, NB)
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
        page.wait_for_function(RUN_DONE_JS, arg=NB, timeout=RUN_ALL_TIMEOUT_MS)
        self.wait_idle(page)

    # -- checks ----------------------------------------------------------------------------

    @staticmethod
    def cell_problems(page) -> dict:
        """Code cells that did not run, and cells with stderr or error output (tracebacks):
        {"cells": n, "code_cells": n, "problems": [...]} (the counts show every cell was seen)."""
        return page.evaluate(CELL_PROBLEMS_JS, NB)

    @staticmethod
    def widget_problems(page) -> list[str]:
        """Widget views that failed or are still loading, and explorers' redraw errors."""
        return page.evaluate(WIDGET_PROBLEMS_JS, NB)

    @staticmethod
    def rendered_widget_views(page) -> int:
        """How many cell outputs show a live widget (outputs nested in a widget not counted)."""
        return page.evaluate(RENDERED_VIEWS_JS, NB)

    @staticmethod
    def wait_widgets(page, expected: int, timeout_ms: int = 15_000) -> None:
        """Give widget views time to finish rendering (they load asynchronously after the
        kernel goes idle): until `expected` views show and none is loading or failed. Returns
        quietly on timeout; the caller's assertions then say what is wrong."""
        try:
            page.wait_for_function(
                f"""() => ({RENDERED_VIEWS_JS})('{NB}') >= {int(expected)}
                          && ({WIDGET_PROBLEMS_JS})('{NB}').length === 0""",
                timeout=timeout_ms)
        except Exception:  # noqa: BLE001 - playwright's TimeoutError; asserted by the caller
            pass

    @staticmethod
    def log_console_messages(page) -> str:
        """The log console's status item text ('' when no stray kernel output arrived)."""
        return page.evaluate(LOG_CONSOLE_JS)

    @staticmethod
    def log_console_text(page) -> str:
        """Open the log console (for a failure message) and return its text."""
        item = page.locator("#jp-main-statusbar .jp-LogConsoleStatusItem")
        if item.is_hidden():
            return ""
        item.click()
        panel = page.locator(".jp-LogConsolePanel")
        panel.wait_for(timeout=5_000)
        page.wait_for_timeout(300)
        return panel.inner_text()[-3000:]

    # -- widgets ---------------------------------------------------------------------------

    @staticmethod
    def slider_labels(page) -> list[str]:
        return [t.strip() for t in
                page.locator(f"{NB} .widget-slider .widget-label").all_inner_texts()]

    @staticmethod
    def find_explorer(page, label: re.Pattern) -> list:
        """The visible sliders whose label matches `label` (case-insensitively), each with the
        cell output (the explorer) that holds it: a list of (output, slider) locators."""
        count = page.evaluate(FIND_SLIDERS_JS, [NB, label.pattern])
        return [(page.locator(f'[data-course-explorer="{k}"]'),
                 page.locator(f'[data-course-slider="{k}"]')) for k in range(count)]

    @staticmethod
    def press_and_time(page, handle, output, key: str = "ArrowRight",
                       timeout_ms: int = 10_000) -> dict:
        """Press `key` on the slider handle; wait for the plot to change; return the times
        (ms) measured in the page: `src_ms` to the new image, `paint_ms` to its first frame."""
        page.evaluate(PRESS_JS, [output.element_handle(), timeout_ms])
        handle.press(key)
        return page.evaluate("() => window.__coursePress")

    @staticmethod
    def slider_state(slider) -> dict:
        """The slider's handle position, step and range (from its noUiSlider), label, readout."""
        return slider.evaluate(SLIDER_STATE_JS)

    @staticmethod
    def count_image_changes(output, seconds: float) -> dict:
        """Watch the picture in `output` for `seconds`: {"changes": n, "times": [ms, ...]}."""
        return output.evaluate(COUNT_IMAGE_CHANGES_JS, int(1000 * seconds))

    @staticmethod
    def image_src(output) -> str | None:
        return output.evaluate("""o => { const img = o.querySelector('.widget-output img');
                                         return img ? img.src : null; }""")

    def screenshot(self, page, label: str, locator=None) -> Path:
        path = self.artifacts / f"{self.test_name}-{len(self.shots) + 1:02d}-{label}.png"
        if locator is not None:
            locator.scroll_into_view_if_needed()
            locator.screenshot(path=str(path))
        else:
            page.screenshot(path=str(path))
        self.shots.append(path)
        return path
