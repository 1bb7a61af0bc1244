"""Furniture learned per source, and what cleaning took out of each article."""

import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models


def let_editors_curate_furniture(apps, schema_editor):
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="editors").first()
    if group is not None:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="articles", codename__endswith="_sourcefurniture"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_article_stories"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="cleaned_with",
            field=models.CharField(
                db_default="",
                default="",
                blank=True,
                editable=False,
                help_text="The fingerprint of the source furniture the body was cleaned with.",
                max_length=32,
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="furniture",
            field=models.JSONField(
                db_default=[],
                blank=True,
                default=list,
                help_text="What cleaning took out of the body, with its place, so that the original text can be rebuilt: standing notices, headings, byline, dateline, footnote marks.",
            ),
        ),
        migrations.CreateModel(
            name="SourceFurniture",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("notice", "Standing notice"), ("heading", "Section heading")],
                        default="notice",
                        max_length=10,
                    ),
                ),
                (
                    "text",
                    models.TextField(
                        help_text="One paragraph or line as it appears in the articles."
                    ),
                ),
                (
                    "fingerprint",
                    models.CharField(
                        editable=False,
                        help_text="The text with case, spacing, digits, dates and punctuation folded.",
                        max_length=32,
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("learned", "Learned"),
                            ("confirmed", "Confirmed"),
                            ("rejected", "Rejected"),
                            ("added", "Added by an editor"),
                        ],
                        db_index=True,
                        default="added",
                        max_length=10,
                    ),
                ),
                (
                    "article_count",
                    models.PositiveIntegerField(
                        default=0,
                        help_text="Articles of the source it was found in when last learned.",
                    ),
                ),
                ("created", models.DateTimeField(auto_now_add=True)),
                ("updated", models.DateTimeField(auto_now=True)),
                (
                    "source",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="furniture",
                        to="articles.source",
                    ),
                ),
            ],
            options={
                "verbose_name": "source furniture",
                "verbose_name_plural": "source furniture",
                "ordering": ["source", "-article_count", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("source", "fingerprint"), name="source_furniture_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(let_editors_curate_furniture, migrations.RunPython.noop),
    ]
