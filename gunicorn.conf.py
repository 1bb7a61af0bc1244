"""gunicorn's settings, read from the directory gunicorn starts in (the
project's root, as the README starts it); the command line adds the rest."""

# A search's address can outgrow gunicorn's default request line (4,094 bytes):
# a query of 500 Cyrillic characters alone is 3,000 bytes percent-encoded, and
# filters add theirs.  8,190 is gunicorn's largest limit short of none; the
# archive itself refuses a query string over ARCHIVE_MAX_QUERY_STRING bytes
# (archive/request_limits.py), below it, with a page that says what to shorten.
limit_request_line = 8190
