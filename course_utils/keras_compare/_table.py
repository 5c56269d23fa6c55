"""A small results table: rows of dicts, shown as Markdown in Jupyter and as text elsewhere.

The course does not depend on pandas; this is all a comparison needs. Numbers are formatted
once, here, so that reruns print identical text (nbval compares it).

Example:
    >>> t = Table(["name", "error"], [{"name": "relu", "error": 0.0}, {"name": "gelu", "error": 1.5e-16}])
    >>> print(t)
    name  error
    ----  -------
    relu  0
    gelu  1.5e-16
    >>> t.column("error")
    [0.0, 1.5e-16]
"""

from __future__ import annotations

import numbers


def format_value(value) -> str:
    """Numbers in short scientific notation (2 significant digits), the rest with str()."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        value = float(value)
        if value == 0.0:
            return "0"
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        if 1e-3 <= abs(value) < 1e4:
            return f"{value:.4g}"
        return f"{value:.1e}"
    return str(value)


class Table:
    """Rows (dicts) with named columns; `column(name)` gives the raw values for asserts."""

    def __init__(self, columns, rows, title=None):
        self.columns = list(columns)
        self.rows = [dict(r) for r in rows]
        self.title = title
        for row in self.rows:
            missing = [c for c in self.columns if c not in row]
            if missing:
                raise ValueError(f"Table: row {row} has no value for column(s) {missing}")

    def column(self, name) -> list:
        """The raw values of one column, top to bottom."""
        if name not in self.columns:
            raise KeyError(f"Table: no column {name!r}; columns are {self.columns}")
        return [row[name] for row in self.rows]

    def row(self, key, column=None) -> dict:
        """The first row whose first column (or `column`) equals `key`."""
        column = column or self.columns[0]
        for r in self.rows:
            if r[column] == key:
                return r
        raise KeyError(f"Table: no row with {column} = {key!r}")

    def __len__(self) -> int:
        return len(self.rows)

    def _cells(self):
        return [[format_value(row[c]) for c in self.columns] for row in self.rows]

    def __str__(self) -> str:
        cells = self._cells()
        widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(self.columns)]
        lines = [self.title] if self.title else []
        lines.append("  ".join(c.ljust(w) for c, w in zip(self.columns, widths)).rstrip())
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_markdown_(self) -> str:
        def esc(text):
            return text.replace("|", "\\|")

        lines = [f"**{self.title}**", ""] if self.title else []
        lines.append("| " + " | ".join(esc(c) for c in self.columns) + " |")
        lines.append("|" + "---|" * len(self.columns))
        lines += ["| " + " | ".join(esc(v) for v in r) + " |" for r in self._cells()]
        return "\n".join(lines)
