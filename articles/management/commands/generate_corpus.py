import time

from django.core.management.base import BaseCommand, CommandError

from articles.importing.synthetic import write_corpus


class Command(BaseCommand):
    help = (
        "Write a synthetic corpus of realistic war-analysis articles as JSON Lines files "
        "(deterministic by seed), for benchmarks: import it with import_articles DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="Number of articles.")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same corpus.")
        parser.add_argument("--out", required=True, help="Folder to write the .jsonl files to.")
        parser.add_argument("--per-file", type=int, default=10000, help="Articles a file.")

    def handle(self, count, seed, out, per_file, **options):
        if count < 1 or per_file < 1:
            raise CommandError("--count and --per-file must be positive")
        started = time.monotonic()
        paths = write_corpus(out, count, seed, per_file=per_file)
        size = sum(path.stat().st_size for path in paths)
        self.stdout.write(
            f"{count:,} articles (seed {seed}) in {len(paths)} files, {size / 1e6:,.1f} MB, "
            f"written to {out} in {time.monotonic() - started:,.1f} s."
        )
