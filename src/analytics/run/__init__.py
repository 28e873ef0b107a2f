"""Running notebooks: briefing files, parameter checks, warm kernels, the runner and run records."""
