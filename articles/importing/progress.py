"""Progress of an import: a bar on a terminal, a quiet line now and then in a
log or CI.  Measured in bytes of input, the one total known before reading."""

import time


def _duration(seconds):
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class Progress:
    BAR = 28

    def __init__(self, stream, total_bytes, *, tty=None, every=10.0):
        self.stream = stream
        self.total = max(total_bytes, 1)
        self.tty = stream.isatty() if tty is None else tty
        self.every = 0.2 if self.tty else every
        self.started = time.monotonic()
        self.last = 0.0 if self.tty else self.started  # a log gets its first line after `every`
        self.drawn = False

    def update(self, done_bytes, report, *, force=False):
        now = time.monotonic()
        if not force and now - self.last < self.every:
            return
        self.last = now
        elapsed = now - self.started
        fraction = min(done_bytes / self.total, 1.0)
        records = report.records
        rate = records / elapsed if elapsed > 0 else 0.0
        eta = _duration(elapsed * (1 - fraction) / fraction) if fraction > 0.01 else "?"
        counts = (
            f"{records:,} records · {report.created:,} new · {report.updated:,} updated · "
            f"{report.rejected_count:,} rejected · {rate:,.0f}/s"
        )
        if self.tty:
            filled = int(self.BAR * fraction)
            bar = "█" * filled + "·" * (self.BAR - filled)
            self.stream.write(f"\r\x1b[2K{bar} {fraction:4.0%} {counts} · ETA {eta}")
            self.drawn = True
        else:
            self.stream.write(f"import: {fraction:.0%} · {counts} · {_duration(elapsed)} elapsed\n")
        self.stream.flush()

    def message(self, text):
        """A line (a rejection) printed above the bar."""
        if self.tty and self.drawn:
            self.stream.write("\r\x1b[2K")
            self.drawn = False
        self.stream.write(text + "\n")
        self.stream.flush()

    def close(self):
        if self.tty and self.drawn:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
