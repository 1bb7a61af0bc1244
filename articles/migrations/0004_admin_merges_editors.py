"""Merge records for the admin, and the ``editors`` group with its permissions."""

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

ALL = ("add", "change", "delete", "view")

# What editors may do, by model of this app.  Deleting an article is left to
# superusers (editors unpublish); users and groups are not theirs to manage.
EDITOR_PERMISSIONS = {
    "article": ("add", "change", "view"),
    "source": ALL,
    "actor": ALL,
    "location": ALL,
    "actoralias": ALL,
    "locationalias": ALL,
    "actormention": ALL,
    "locationmention": ALL,
    "suggestion": ALL,
    "merge": ("change", "view"),
}


def create_editors_group(apps, schema_editor):
    # Permissions are normally created after all migrations have run; create
    # this app's now so that the group can be given them on a fresh database.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [
        f"{action}_{model}" for model, actions in EDITOR_PERMISSIONS.items() for action in actions
    ]
    permissions = Permission.objects.filter(
        content_type__app_label="articles", codename__in=codenames
    )
    assert permissions.count() == len(codenames), "a permission of the editors group is missing"
    group, _ = Group.objects.get_or_create(name="editors")
    group.permissions.set(permissions)


def delete_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_import_provenance_index"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Merge",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("survivor_id", models.PositiveBigIntegerField()),
                ("survivor_name", models.CharField(max_length=200)),
                ("merged_names", models.CharField(max_length=1000)),
                ("snapshot", models.JSONField()),
                ("created", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("undone", models.DateTimeField(blank=True, null=True)),
                (
                    "content_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
                (
                    "merged_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "undone_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="MergedSlug",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("slug", models.SlugField(max_length=80)),
                ("target_id", models.PositiveBigIntegerField()),
                (
                    "content_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
                (
                    "merge",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="slugs",
                        to="articles.merge",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("content_type", "slug"), name="merged_slug_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(create_editors_group, delete_editors_group),
    ]
