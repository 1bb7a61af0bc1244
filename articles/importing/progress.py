"""Progress of an import: tqdm's bar on a terminal, a quiet line now and then
in a log or CI (where a bar redrawn with carriage returns would be noise).
Measured in bytes of input, the one total known before reading."""

import time

from tqdm import tqdm


def _duration(seconds):
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _counts(report, elapsed):
    rate = report.records / elapsed if elapsed > 0 else 0.0
    return (
        f"{report.records:,} records · {report.created:,} new · {report.updated:,} updated · "
        f"{report.rejected_count:,} rejected · {rate:,.0f}/s"
    )


class Progress:
    def __init__(self, stream, total_bytes, *, tty=None, every=10.0):
        self.stream = stream
        self.total = max(total_bytes, 1)
        self.tty = stream.isatty() if tty is None else tty
        self.every = every
        self.started = time.monotonic()
        self.last = self.started  # a log gets its first line after `every`
        self.bar = None
        if self.tty:
            self.bar = tqdm(
                total=self.total,
                file=stream,
                unit="B",
                unit_scale=True,
                mininterval=0.2,
                dynamic_ncols=True,
                leave=False,
            )

    def update(self, done_bytes, report, *, force=False):
        now = time.monotonic()
        if self.bar is not None:
            self.bar.set_postfix_str(_counts(report, now - self.started), refresh=False)
            self.bar.update(min(done_bytes, self.total) - self.bar.n)
            if force:
                self.bar.refresh()
            return
        if not force and now - self.last < self.every:
            return
        self.last = now
        elapsed = now - self.started
        fraction = min(done_bytes / self.total, 1.0)
        self.stream.write(
            f"import: {fraction:.0%} · {_counts(report, elapsed)} · {_duration(elapsed)} elapsed\n"
        )
        self.stream.flush()

    def message(self, text):
        """A line (a rejection) printed above the bar."""
        if self.bar is not None:
            self.bar.write(text, file=self.stream)
        else:
            self.stream.write(text + "\n")
            self.stream.flush()

    def close(self):
        if self.bar is not None:
            self.bar.close()
