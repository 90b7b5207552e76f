"""The first questionnaire version (questionnaires/v1.json), in Chinese and English.

Later versions are imported with ``copyguard checkups import`` or the API, without code
changes; a check-up keeps the version it was filled in with.
"""

import json
from pathlib import Path

from django.db import migrations

DOCUMENT = Path(__file__).resolve().parent.parent / "questionnaires" / "v1.json"


def load(apps, schema_editor):
    from copyguard.services.checkups.questionnaire import parse, store

    Questionnaire = apps.get_model("checkups", "Questionnaire")
    spec = parse(json.loads(DOCUMENT.read_text(encoding="utf-8")))
    if not Questionnaire.objects.filter(version=spec.version).exists():
        store(spec, Questionnaire)


def unload(apps, schema_editor):
    Questionnaire = apps.get_model("checkups", "Questionnaire")
    Questionnaire.objects.filter(version=1, checkups__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("checkups", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
