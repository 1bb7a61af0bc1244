"""Benchmarks: the archive measured at a size given on the command line.

- ``manage.py benchmark_import``: the import's rate and peak memory on a
  generated corpus, in a fresh database;
- ``manage.py benchmark_search``: the query mix through the real views, the
  same SQL straight through the database driver, and tantivy, on the
  configured database (a synthetic archive);
- ``manage.py benchmark``: both, on a benchmark database it builds once and
  reuses, in one table (and JSON for later comparison).
"""
