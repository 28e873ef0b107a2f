"""The uptake Monte Carlo: 10,000 draws × all districts × 11 years through the whole funnel, against a per-draw loop.

(a) The suite's vectorised run (`analytics.uptake.runs.run`) and the draws × districts × years arrays
of all four stages it stands for (`Simulation.by_district_year`); (b) the same funnel one draw at a
time in a Python loop over cells, years and stages (timed on ``--python-draws`` draws and scaled to
the full count, stated as such), and, for a fairer view, one draw at a time with numpy over the cells
inside (``--loop-draws``); (c) one slider move of the live explorer (new levers, the run, the three
charts). Prints times, the vectorised run's peak memory (tracemalloc) and the ratios, measured in one
run. Targets: (a) under 0.5 s and at least 100 × faster than the per-draw Python loop; (c) under 0.2 s.

    python benchmarks/uptake_speed.py [--draws 10000] [--python-draws 20] [--loop-draws 300]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np

from analytics.packs import load_pack
from analytics.report.figures import figure_bundle
from analytics.uptake import runs as model
from analytics.uptake.bass import bass_cdf
from analytics.uptake.simulate import STAGES, draw
from analytics.uptake.sliders import recompute, with_levers


def per_draw_loop(s: model.Setup, n: int, horizon: int, seed: int) -> np.ndarray:
    """The funnel one draw at a time (cells × years with numpy inside; the loop over draws in Python)."""
    rng = np.random.default_rng(seed)
    v = draw(s.parameters, n, rng)
    offsets = s.calibration.draws(n, np.random.default_rng(seed + 1))
    cells = s.cells
    codes, districts = cells["district_code"].factorize()
    pt, ad, acc = (cells[c].to_numpy(float) for c in ("part_time", "adults", "access"))
    q, female = cells["quintile"].to_numpy(int), cells["female"].to_numpy(float)
    out = np.zeros((n, len(STAGES), len(districts), horizon))
    years = np.arange(horizon + 1)
    for d in range(n):
        eligible = pt + v["new_adult_share"][d] * ad
        active = v["active_share"][d] * acc
        shift = np.concatenate([[0.0], offsets[d, :4]])[q - 1] + offsets[d, 4] * female
        w = eligible * active
        shift = shift - (w * shift).sum() / w.sum()
        lift = np.log(v["completion"][d] / (1 - v["completion"][d])) + shift
        complete = s.match / (1 + np.exp(-lift)) + (1 - s.match) / (1 + np.exp(-(lift + np.log(v["language_or"][d]))))
        enrolled = eligible * v["market_share"][d]
        stages = [enrolled, enrolled * active, enrolled * active * complete,
                  enrolled * active * complete * v["certified_share"][d]]
        curve = np.diff(bass_cdf(years, v["p"][d], v["q"][d]))
        for k, stage in enumerate(stages):
            out[d, k] = np.bincount(codes, stage, minlength=len(districts))[:, None] * curve[None, :]
    return out


def per_draw_python(s: model.Setup, n: int, horizon: int, seed: int) -> list:
    """The funnel one draw at a time in plain Python: for each draw, each cell, each year, each stage."""
    import math

    rng = np.random.default_rng(seed)
    v = {k: a.tolist() for k, a in draw(s.parameters, n, rng).items()}
    offsets = s.calibration.draws(n, np.random.default_rng(seed + 1)).tolist()
    cells = s.cells.to_dict("records")
    match = s.match.tolist()
    out = []
    for d in range(n):
        shifts = [([0.0, *offsets[d][:4]][c["quintile"] - 1] + offsets[d][4] * c["female"]) for c in cells]
        weights = [(c["part_time"] + v["new_adult_share"][d] * c["adults"]) * v["active_share"][d] * c["access"]
                   for c in cells]
        centre = sum(w * x for w, x in zip(weights, shifts, strict=True)) / sum(weights)
        curve = [bass_cdf(t, v["p"][d], v["q"][d]) for t in range(horizon + 1)]
        totals: dict = {}
        for c, shift, m in zip(cells, shifts, match, strict=True):
            eligible = c["part_time"] + v["new_adult_share"][d] * c["adults"]
            lift = math.log(v["completion"][d] / (1 - v["completion"][d])) + shift - centre
            complete = m / (1 + math.exp(-lift)) + (1 - m) / (1 + math.exp(-(lift + math.log(v["language_or"][d]))))
            enrolled = eligible * v["market_share"][d]
            active = enrolled * v["active_share"][d] * c["access"]
            stages = (enrolled, active, active * complete, active * complete * v["certified_share"][d])
            for y in range(horizon):
                share = curve[y + 1] - curve[y]
                for k, value in enumerate(stages):
                    key = (k, c["district_code"], y)
                    totals[key] = totals.get(key, 0.0) + value * share
        out.append(totals)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--loop-draws", type=int, default=300)
    ap.add_argument("--python-draws", type=int, default=20)
    ap.add_argument("--horizon", type=int, default=11)
    args = ap.parse_args()
    pack = load_pack("tjk")
    s = model.setup_of(pack, "baseline")
    model.run(s, args.horizon, 100, 1)  # warm the imports

    tracemalloc.start()
    start = time.perf_counter()
    sim = model.run(s, args.horizon, args.draws, 2027)
    arrays = [sim.by_district_year(stage) for stage in STAGES]  # draws × districts × years, every stage
    vector = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    shape = arrays[0].shape
    del arrays

    start = time.perf_counter()
    per_draw_loop(s, args.loop_draws, args.horizon, 2027)
    loop = (time.perf_counter() - start) * args.draws / args.loop_draws
    start = time.perf_counter()
    per_draw_python(s, args.python_draws, args.horizon, 2027)
    python = (time.perf_counter() - start) * args.draws / args.python_draws

    content = pack.scenarios["baseline"].uptake["content_languages"]
    figures = recompute(pack, s, "all", args.horizon, args.draws, 2027, "en")  # the first draw of the charts
    start = time.perf_counter()
    moved = with_levers(s, {"completion": 0.5}, True, False, 0.3, content, "tg")
    recompute(pack, moved, "all", args.horizon, args.draws, 2027, "en", figures)
    bundles = [figure_bundle(f) for f in figures]  # what is sent to the notebook
    slider = time.perf_counter() - start
    assert len(bundles) == 3

    print(f"funnel, {args.draws:,} draws × {shape[1]} districts × {shape[2]} years × {len(STAGES)} stages")
    print(f"  vectorised: {vector:.3f} s, peak memory {peak:.0f} MB (target < 0.5 s)")
    print(f"  per-draw Python loop over cells, districts, years and stages: {python:.0f} s "
          f"(timed on {args.python_draws} draws, scaled to {args.draws:,})")
    print(f"  ratio per-draw Python loop / vectorised: {python / vector:.0f} (target >= 100)")
    print(f"  per-draw loop with numpy over the cells inside: {loop:.1f} s (timed on {args.loop_draws} draws, "
          f"scaled); ratio {loop / vector:.1f}")
    print(f"slider move (levers, {args.draws:,} draws, three charts): {slider:.3f} s (target < 0.2 s)")


if __name__ == "__main__":
    main()
