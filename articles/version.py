"""The archive's version, as recorded in exports, backups and the API schema."""

from functools import cache
from importlib import metadata

DISTRIBUTION = "war-analysis-archive"


@cache
def archive_version():
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "unknown"
