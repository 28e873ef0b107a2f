"""The shape of what a saved notebook's outputs hand to the publisher, checked before a page is made.

``analytics publish`` reads a notebook someone saved, perhaps edited by hand or by another tool:
its recorded results, the widget bar's state and its charts are checked here, each refusal naming
the cell and what was expected, so a damaged file gets one message and nothing is written.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from numbers import Real

from ..core.errors import ParameterError
from ..report.figures import PLOTLY_MIME
from ..report.record import RESULT_FIELDS, RESULTS_MIME
from ..report.session import STATE_MIME, TEXT_MIME

#: The binary array types plotly.py writes (``{"dtype": ..., "bdata": ...}``): numbers only.
ARRAY_DTYPES = {"i1": 1, "u1": 1, "i2": 2, "u2": 2, "i4": 4, "u4": 4, "f4": 4, "f8": 8,
                "int8": 1, "uint8": 1, "int16": 2, "uint16": 2, "int32": 4, "uint32": 4,
                "float32": 4, "float64": 8}

#: A recorded table's name (it becomes part of a file name).
TABLE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,79}")
#: Each recorded input's fields (text, or empty).
INPUT_FIELDS = ("table", "status", "source", "licence", "vintage", "description")


def check_outputs(nb, where: str) -> None:
    """Refuse a notebook whose results, widget state or charts are not what the suite records.

    Raises
    ------
    ParameterError
        Naming the notebook, the cell (counted from 1) and what was expected.
    """
    for number, cell in enumerate(nb.cells, start=1):
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = out.get("data")
            if data is None:
                continue
            if not isinstance(data, dict):
                raise ParameterError(f"{where}: cell {number} has an output whose data is not a mapping")
            problem = (_results(data[RESULTS_MIME]) if RESULTS_MIME in data else None) \
                or (_state(data[STATE_MIME]) if STATE_MIME in data else None) \
                or (_text(data[TEXT_MIME]) if TEXT_MIME in data else None) \
                or (_figure(data[PLOTLY_MIME]) if PLOTLY_MIME in data else None)
            if problem:
                raise ParameterError(f"{where}: cell {number}: {problem}; run all cells and save it again, "
                                     "then publish")


def _number(value) -> bool:
    """A finite number (not a boolean, NaN or infinity: the manifest is strict JSON)."""
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def _results(value) -> str | None:
    if not isinstance(value, dict):
        return "the recorded results are not a mapping"
    missing = [name for name in RESULT_FIELDS if name not in value and name not in ("cache", "parameters")]
    if missing:
        return (f"the recorded results lack {', '.join(repr(m) for m in missing)} (saved by another version "
                "of the suite?)")
    for name, kind in RESULT_FIELDS.items():
        if name in value and not isinstance(value[name], kind):
            return f"the recorded results' '{name}' is not a {kind.__name__}"
    for item in value.get("inputs", []):
        if not isinstance(item, dict) or not all(isinstance(item.get(f), str) for f in ("table", "source")) \
                or not all(item.get(f) is None or isinstance(item.get(f), str) for f in INPUT_FIELDS):
            return "a recorded input lacks its table name or source (text expected)"
    for name in ("numbers", "effective"):
        if not all(isinstance(k, str) and _number(v) for k, v in value.get(name, {}).items()):
            return f"the recorded results' '{name}' are not names with numbers"
    if not all(isinstance(s, str) for s in value.get("sentences", []) + value.get("modelled", [])):
        return "the recorded sentences or modelled inputs are not text"
    for name in ("messages", "answers", "headline"):
        if not all(isinstance(m, dict) for m in value[name]):
            return f"the recorded results' '{name}' are not mappings"
    for name in ("options", "drivers"):
        if not all(isinstance(k, str) and isinstance(v, dict | list | str) for k, v in value[name].items()):
            return f"the recorded results' '{name}' are not names with their entries"
    if not all(isinstance(h.get("key"), str) and _number(h.get("value")) for h in value["headline"]):
        return "a recorded headline number lacks its key or a finite value"
    for name, table in value.get("tables", {}).items():
        if not TABLE_NAME.fullmatch(name):
            return f"a recorded table is named {str(name)[:60]!r}; expected letters, digits, '_' and '-'"
        if not (isinstance(table, dict) and isinstance(table.get("columns"), list)
                and all(isinstance(c, str) for c in table["columns"]) and isinstance(table.get("data"), list)
                and all(isinstance(r, list) and len(r) == len(table["columns"])
                        and all(v is None or isinstance(v, str | int | float) for v in r) for r in table["data"])):
            return f"the recorded table '{name}' is not named columns and rows of plain values of their length"
    return None


def _state(value) -> str | None:
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and (v is None or isinstance(v, str | int | float | bool)) for k, v in value.items()):
        return "the widget bar's state is not parameter names with plain values"
    return None


def _text(value) -> str | None:
    if not isinstance(value, dict) or not isinstance(value.get("key", ""), str):
        return "a text output does not name its catalog key"
    return None


def _figure(value) -> str | None:
    if not isinstance(value, dict) or not isinstance(value.get("data", []), list) \
            or not isinstance(value.get("layout", {}), dict):
        return "a chart is not a plotly figure (a mapping with a list of traces and a layout)"
    if not all(isinstance(trace, dict) for trace in value.get("data", [])):
        return "a chart's trace is not a mapping"
    margin = value.get("layout", {}).get("margin", {})
    if not isinstance(margin, dict) or not all(_number(v) or isinstance(v, bool) for v in margin.values()):
        return "a chart's margins are not finite numbers"
    return _arrays(value)


def _arrays(value) -> str | None:
    """The first binary array in a figure that is not a whole array of numbers."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict) and "bdata" in item and "dtype" in item:
            size = ARRAY_DTYPES.get(item["dtype"]) if isinstance(item["dtype"], str) else None
            if size is None:
                return f"a chart's array has type {str(item['dtype'])[:20]!r}, not numbers"
            try:
                raw = base64.b64decode(item["bdata"], validate=True) if isinstance(item["bdata"], str) else None
            except (binascii.Error, ValueError):
                raw = None
            if raw is None or len(raw) % size:
                return "a chart's array is not whole numbers in base64"
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None
