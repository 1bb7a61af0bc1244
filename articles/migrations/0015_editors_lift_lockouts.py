"""Editors see the admin login lockouts (django-axes) and lift one by deleting it."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def let_editors_lift_lockouts(apps, schema_editor):
    app_config = apps.get_app_config("axes")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="editors").first()
    if group is not None:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="axes",
                codename__in=["view_accessattempt", "delete_accessattempt"],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_archive_vocabulary"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(let_editors_lift_lockouts, migrations.RunPython.noop)]
