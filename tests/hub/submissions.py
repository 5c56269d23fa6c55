"""What the simulated students hand in, built from the solutions notebook (no scores hard-coded:
the expected points come from the notebook's own nbgrader metadata)."""

from __future__ import annotations

import ast
import copy
import re

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
CHECK_CALL = re.compile(r"checks\.check\(\s*['\"]\w+['\"]\s*,\s*(\w+)\s*\)")


def source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def auto_points(nb) -> float:
    """The notebook's automatic points: its graded code cells that are tests, not answers."""
    return float(sum(nbgrader(c).get("points", 0) for c in nb["cells"]
                     if c["cell_type"] == "code" and nbgrader(c).get("grade")
                     and not nbgrader(c).get("solution")))


def answers(solutions_nb) -> dict[str, str]:
    """grade_id -> the model answer of every solution cell."""
    return {nbgrader(c)["grade_id"]: source(c) for c in solutions_nb["cells"]
            if nbgrader(c).get("solution")}


def fill(released_nb, answer_by_id: dict[str, str]):
    """The released notebook with the given answers typed into its solution cells."""
    nb = copy.deepcopy(released_nb)
    filled = 0
    for cell in nb["cells"]:
        grade_id = nbgrader(cell).get("grade_id")
        if nbgrader(cell).get("solution") and grade_id in answer_by_id:
            cell["source"] = answer_by_id[grade_id]
            filled += 1
    if filled != len(answer_by_id):
        raise ValueError(f"filled {filled} of {len(answer_by_id)} answers: the released notebook "
                         "does not have the solutions notebook's cells")
    return nb


def break_one_function(solutions_nb) -> tuple[dict[str, str], str, float]:
    """The model answers with the first answered function (one taking an argument) rewritten to
    return zeros, as a student's wrong answer; returns (answers, function name, the points of
    the check cell that tests it)."""
    model = answers(solutions_nb)
    for cell in solutions_nb["cells"]:
        text = source(cell)
        if cell["cell_type"] != "code" or not nbgrader(cell).get("solution") or BEGIN not in text:
            continue
        functions = [n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef) and n.args.args]
        if not functions:
            continue
        name, arg = functions[0].name, functions[0].args.args[0].arg
        head, rest = text.split(BEGIN, 1)
        indent = head.rsplit("\n", 1)[-1]
        wrong = (f"{BEGIN}\n{indent}import numpy\n"
                 f"{indent}return numpy.zeros_like(numpy.asarray({arg}, dtype=float))  # wrong\n"
                 f"{indent}{END}{rest.split(END, 1)[1]}")
        points = [nbgrader(c).get("points", 0) for c in solutions_nb["cells"]
                  if nbgrader(c).get("grade") and CHECK_CALL.search(source(c))
                  and CHECK_CALL.search(source(c)).group(1) == name]
        if len(points) != 1:
            raise ValueError(f"found {len(points)} check cells for {name}(); expected one")
        return {**model, nbgrader(cell)["grade_id"]: head + wrong}, name, float(points[0])
    raise ValueError("the solutions notebook has no answered function with an argument to break")
