"""Memory a briefing's kernels need: how many run at once, and jobs that could not fit at all.

Each capability declares the measured peak memory of its notebook's kernel
(:class:`analytics.core.declarations.Memory`, in its ``params.py``), growing with a parameter where one
drives it (notebook 03's ``n_draws``). The runner starts no more kernels at once than the machine's
available memory holds at the largest job's need, and refuses, before anything is written, a job that
would not fit even alone.
"""

from __future__ import annotations

import os

from ..core.declarations import Memory
from ..core.errors import ParameterError
from .briefing import Job
from .notebooks import declared

#: Share of the available memory the runner plans to use (the rest: the runner, the page export, the system).
USABLE = 0.8


def available_mb() -> float:
    """Memory available to new processes, MB (from /proc/meminfo; 4 GB where it cannot be read)."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 4096.0


def job_mb(job: Job) -> tuple[float, Memory, dict]:
    """MB the job's kernel needs, the declaration's memory rule and the job's effective parameters
    (a notebook without a declaration gets the default rule)."""
    declaration = declared(job.notebook)
    if declaration is None:
        rule = Memory()
        return rule.estimate(job.parameters), rule, job.parameters
    values = declaration.effective(job.parameters)
    return declaration.memory.estimate(values), declaration.memory, values


def check_jobs(jobs: list[Job], available: float | None = None) -> float:
    """The largest kernel need of ``jobs`` (MB), after refusing any job that could not fit alone.

    Raises
    ------
    ParameterError
        Naming each job too large for the memory available, its need, and the value of the parameter
        that drives it which would fit.
    """
    available = available_mb() if available is None else available
    usable = USABLE * available
    problems, needs = [], []
    for job in jobs:
        need, rule, values = job_mb(job)
        needs.append(need)
        if need > usable:
            most = rule.most(usable)
            fits = (f"; {rule.scales_with} of at most {most:,} fits" if most is not None and most > 0 else "")
            driver = f" with {rule.scales_with}={values.get(rule.scales_with)}" if rule.scales_with else ""
            problems.append(f"job {job.name}{driver} needs about {need:,.0f} MB in one kernel (the notebook's "
                            f"measured peak at these parameters), more than the {usable:,.0f} MB this machine "
                            f"can give one job ({USABLE:.0%} of {available:,.0f} MB available){fits}")
    if problems:
        shown = problems[:3] + ([f"… and {len(problems) - 3} more jobs"] if len(problems) > 3 else [])
        raise ParameterError("\n".join(shown))
    return max(needs, default=Memory().base_mb)


def worker_count(requested: int | None, jobs: int, kernel_mb: float = Memory().base_mb) -> int:
    """Kernels to run at once: what was asked (default: the cores), capped by the jobs, the cores and by
    how many kernels of ``kernel_mb`` (the largest job's need, MB) the available memory holds."""
    cores = os.cpu_count() or 1
    by_memory = max(1, int(USABLE * available_mb() / kernel_mb))
    return max(1, min(requested or cores, jobs or 1, cores, by_memory))
