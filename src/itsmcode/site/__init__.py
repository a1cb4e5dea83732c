"""``itsm site build``: a static, self-contained website of the repository (docs/site.md).

``build.py`` orchestrates (sources, pages, writing into a fresh directory and swapping it
in), ``output.py`` guards and swaps the output directory, ``sources.py`` runs what the
pages show in-process (reports, schedule, lint, audit, history), ``pages.py`` turns that
into page data, ``graphsvg.py`` lays out a service's dependency graph, ``render.py`` holds
the Jinja2 environment; ``templates/`` and ``assets/`` are package data.
"""
