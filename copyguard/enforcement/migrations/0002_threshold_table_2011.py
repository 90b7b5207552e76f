"""The criminal thresholds of the 2004 and 2007 judicial interpretations and the 2011 opinions.

This is the table whose figures are documented in the project's reference (see
docs/enforcement.md). Later tables — the consolidated interpretation effective 26 April 2025
among them — are entered by an administration's head from the official text (page
"Criminal thresholds", ``copyguard thresholds import`` or the API), each with its legal
source and effective date; a case is assessed against the table in force on the day.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

SOURCE = (
    "Criminal Law art. 217; SPC/SPP Interpretation on IP criminal cases (2004) art. 5; "
    "SPC/SPP Interpretation (II) (2007) art. 1; SPC/SPP/MPS Opinions on IP criminal cases "
    "(2011) art. 13 (online dissemination: business volume, works, clicks, paying members; "
    "two criteria each at half; five times for especially serious)."
)

# (scope, measure, level, amount, combinable, article)
RULES = [
    ("general", "illegal_gains", "serious", 30_000, False, "2004 Interpretation art. 5 (1)"),
    ("general", "business_volume", "serious", 50_000, False, "2004 Interpretation art. 5 (1)"),
    ("general", "copies", "serious", 500, False, "2007 Interpretation art. 1"),
    ("general", "illegal_gains", "especially_serious", 150_000, False, "2004 Interpretation art. 5 (2)"),
    ("general", "business_volume", "especially_serious", 250_000, False, "2004 Interpretation art. 5 (2)"),
    ("general", "copies", "especially_serious", 2_500, False, "2007 Interpretation art. 1"),
    ("online", "business_volume", "serious", 50_000, True, "2011 Opinions art. 13 (1)"),
    ("online", "works", "serious", 500, True, "2011 Opinions art. 13 (2)"),
    ("online", "clicks", "serious", 50_000, True, "2011 Opinions art. 13 (3)"),
    ("online", "paying_members", "serious", 1_000, True, "2011 Opinions art. 13 (4)"),
    ("online", "business_volume", "especially_serious", 250_000, True, "2011 Opinions art. 13"),
    ("online", "works", "especially_serious", 2_500, True, "2011 Opinions art. 13"),
    ("online", "clicks", "especially_serious", 250_000, True, "2011 Opinions art. 13"),
    ("online", "paying_members", "especially_serious", 5_000, True, "2011 Opinions art. 13"),
]


def load(apps, schema_editor):
    ThresholdTable = apps.get_model("enforcement", "ThresholdTable")
    ThresholdRule = apps.get_model("enforcement", "ThresholdRule")
    table = ThresholdTable.objects.create(
        name="2004、2007年司法解释与2011年意见规定的追诉标准",
        name_en="Thresholds of the 2004 and 2007 interpretations and the 2011 opinions",
        legal_source=SOURCE,
        effective_from=date(2011, 1, 10),
        combination_share=Decimal("0.5"),
        combination_count=2,
        warning_share=Decimal("0.8"),
    )
    ThresholdRule.objects.bulk_create(
        ThresholdRule(
            table=table,
            scope=scope,
            measure=measure,
            level=level,
            amount=Decimal(amount),
            combinable=combinable,
            article=article,
        )
        for scope, measure, level, amount, combinable, article in RULES
    )


def unload(apps, schema_editor):
    apps.get_model("enforcement", "ThresholdTable").objects.filter(
        effective_from=date(2011, 1, 10)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
