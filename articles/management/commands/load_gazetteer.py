from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.gazetteer_file import GazetteerError, load_gazetteer


class Command(BaseCommand):
    help = (
        "Load (or update) actors, locations and outlets with their aliases and not-a-mention "
        "phrases from a gazetteer JSON file."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            default=str(settings.BASE_DIR / "fixtures" / "gazetteer.json"),
            help="Gazetteer file (default: fixtures/gazetteer.json).",
        )

    def handle(self, path, **options):
        try:
            stats = load_gazetteer(path)
        except GazetteerError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Gazetteer loaded: {stats.actors} actors, {stats.locations} locations, "
            f"{stats.sources} outlets, {stats.aliases} names, "
            f"{stats.non_mentions} not-a-mention phrases."
        )
