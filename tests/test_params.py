"""Parameters declared by each capability and checked before any kernel starts."""

from __future__ import annotations

import pytest
import yaml

from analytics.core.declarations import Declaration, Param, Rule, declaration
from analytics.core.errors import ParameterError

from .conftest import run_cli


def test_a_declaration_checks_types_choices_ranges_and_order():
    decl = Declaration("demo", (Param("n", int, 1, "a count", min=0, max=10),
                                Param("x", float, 1.0, "a size, km", min=0.25),
                                Param("kind", str, "a", "a kind", choices=("a", "b")),
                                Param("lo", int, 1, "low"), Param("hi", int, 2, "high")),
                       rules=(Rule("lo", "<=", "hi"),))
    assert decl.check({"x": 2}) == {"n": 1, "x": 2, "kind": "a", "lo": 1, "hi": 2}  # an int is a float
    found = decl.problems({"n": True, "x": 0.1, "kind": "c", "zz": 1})
    assert "parameter 'n' expects int (default 1), got True (bool)" in found
    assert "parameter 'x' is 0.1; expected a value at least 0.25" in found
    assert "parameter 'kind' is 'c'; choose one of \"a\", \"b\"" in found
    assert any(p.startswith("unknown parameter 'zz'. Valid parameters:") and "- kind (str" in p for p in found)
    assert decl.problems({"lo": 5, "hi": 2}) == ["parameters 'lo' (5) and 'hi' (2): expected lo <= hi"]


@pytest.mark.parametrize("language, where, region, choose", [
    ("en", "parameters cell: ", "parameter 'region' is 'TJ-XX'; use \"all\" or one of TJ-DU",
     "parameter 'age_band' is 'x'; choose one of \"17-24\", \"25-34\""),
    ("ru", "ячейка параметров: ", "параметр 'region' равен 'TJ-XX'; укажите \"all\" или один из кодов: TJ-DU",
     "параметр 'age_band' равен 'x'; выберите одно из значений: \"17-24\", \"25-34\""),
    ("tg", "катаки параметрҳо: ", "параметри 'region' ба 'TJ-XX' баробар аст; \"all\" ё яке аз рамзҳоро нависед: TJ-DU",
     "параметри 'age_band' ба 'x' баробар аст; бояд яке аз қиматҳои \"17-24\", \"25-34\" бошад"),
])
def test_a_notebook_refuses_a_parameter_in_its_own_language(language, where, region, choose):
    """Specialist's pass (issue 27): in a Russian or Tajik session the one line a refused parameter gives was
    English. It is now in the notebook's language (names and values as the parameters cell writes them); the
    command line and the runner keep English."""
    from analytics.access.params import PARAMETERS
    from analytics.packs.choices import check_parameters

    for changed, expected in (({"region": "TJ-XX"}, region), ({"age_band": "x"}, choose)):
        with pytest.raises(ParameterError) as refused:
            check_parameters(PARAMETERS, {**PARAMETERS.defaults(), **changed, "language": language})
        assert str(refused.value).startswith(where + expected), str(refused.value)


def test_capabilities_declare_their_own_choices():
    access = declaration("access")
    assert access["scenario"].source == "scenario"  # the pack's scenarios.yaml names the choices
    assert (access["grid_km"].min, access["grid_km"].max) == (0.25, 50)
    assert "scenario" not in declaration("profile").names()  # notebook 00 takes no scenario
    with pytest.raises(ParameterError, match="capability 'nosuch' has no parameter declaration"):
        declaration("nosuch")


def _briefing(tmp_path, entries) -> str:
    path = tmp_path / "b.yaml"
    path.write_text(yaml.safe_dump({"title": "t", "country": "tjk", "languages": ["en"], "jobs": entries}))
    return str(path)


#: Bad values of each kind, each with the message that names it (one briefing holds them all: every
#: problem is reported at once, before any kernel starts).
BAD = [
    ({"notebook": "01_access_gaps", "parameters": {"grid_km": 0.1}},
     "job '01_access_gaps_en' (01_access_gaps): parameter 'grid_km' is 0.1; expected a value between 0.25 and 50"),
    ({"notebook": "01_access_gaps", "name": "teleport", "parameters": {"scenario": "teleport"}},
     "parameter 'scenario' is 'teleport'; the tjk pack's scenarios.yaml names baseline, tajik_localisation"),
    ({"notebook": "00_country_profile", "parameters": {"year_from": 2020, "year_to": 2010}},
     "parameters 'year_from' (2020) and 'year_to' (2010): expected year_from <= year_to"),
    ({"notebook": "00_country_profile", "name": "online", "parameters": {"scenario": "online"}},
     "unknown parameter 'scenario'"),
    ({"notebook": "00_country_profile", "name": "zz", "parameters": {"region": "TJ-ZZ"}},
     "parameter 'region' is 'TJ-ZZ'; use \"all\" or one of TJ-DU, TJ-GB"),
]


def test_bad_values_stop_the_run_before_any_kernel_starts(tmp_path):
    """The command-line check of bad parameters, for every kind of problem at once (exit 2, one line each)."""
    proc = run_cli("brief", _briefing(tmp_path, [entry for entry, _ in BAD]), "--outputs", str(tmp_path / "out"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    for _, expected in BAD:
        assert expected in proc.stderr
    assert not (tmp_path / "out").exists()
    # a single notebook run: an unknown name is refused, naming the valid parameters
    proc = run_cli("run", "00_country_profile", "-p", "regoin=TJ-GB")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "unknown parameter 'regoin'" in proc.stderr
    for name in ("country", "region", "language", "year_from", "year_to"):
        assert f"- {name} (" in proc.stderr


def test_params_command_lists_allowed_values():
    proc = run_cli("params", "01_access_gaps")
    assert proc.returncode == 0
    assert "grid_km (float, default 1.0): cell size of the distance grid, km" in proc.stdout
    assert "between 0.25 and 50" in proc.stdout and "in the tjk pack one of \"baseline\"" in proc.stdout


def test_cells_that_reach_a_live_kernel_after_a_refused_parameter_do_not_run():
    """Issue 27: JupyterLab's Run All sends every cell at once; the kernel drops the cells already waiting when
    one fails, but cells that reach it later used to run (jupyter/jupyter_client#569). Here notebook 01's cells
    reach a live kernel in two parts, as in that race: the parameters and set-up cells (region "TJ-XX"), then,
    after the refusal, the rest. The rest run as empty cells: one note under the first, no output, no second
    error; the parameters cell and the set-up still run, so fixing the value lets the notebook run again."""
    from jupyter_client.manager import start_new_kernel

    from analytics.core import i18n

    from . import inprocess

    code = [source for _, source in inprocess.cells("01_access_gaps")]
    bad = code[0].replace('region: str = "all"', 'region: str = "TJ-XX"')
    assert bad != code[0]
    km, kc = start_new_kernel(kernel_name="analytics")
    try:
        def run(source: str) -> list[tuple[str, str]]:
            said = []
            kc.execute_interactive(source, timeout=120, output_hook=lambda m: said.append(
                (m["msg_type"], m["content"].get("ename") or m["content"].get("text", ""))) if m["msg_type"] in (
                "error", "stream", "display_data", "execute_result") else None)
            return said

        assert run(bad) == []
        assert run(code[1]) == [("error", "ParameterError")]
        later = [run(source) for source in code[2:5]]
        note = str(i18n.package_catalog("en")["session.halted"])
        assert later == [[("stream", note + "\n")], [], []], later
        assert run(code[0]) == [] and run(code[1]) == []  # the value fixed: the set-up passes
        assert run("print(type(pack).__name__)") == [("stream", "Pack\n")]  # and cells run again
    finally:
        km.shutdown_kernel(now=True)
