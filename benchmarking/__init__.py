"""Tooling, not product: the corpus generator and the benchmarks.

Installed with the ``[benchmark]`` extra (and ``dev``) and listed in
``INSTALLED_APPS`` only when its dependency, tantivy, is importable.

- ``corpus``: the generator of realistic articles, deterministic by seed;
- ``outputs``: its two outputs, JSON Lines files for the import or rows
  straight into the configured database (``manage.py generate_corpus``);
- ``search``, ``importing``, ``export``, ``backup``: what ``manage.py
  benchmark {search,import,export,backup,all}`` measures; ``report``: its table;
- ``processes``: manage.py in another process on another database;
- ``tantivy_engine``: the dedicated engine the search is compared with;
- ``loadtest``: gunicorn under a mix of requests (``make loadtest``).
"""
