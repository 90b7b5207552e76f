"""The tags typical cases start with; supervisors add more when they edit a case."""

from __future__ import annotations

from typing import Any

from django.db import migrations

TAGS = (
    ("online-literature", "网络文学", "Online literature"),
    ("short-video", "短视频", "Short videos"),
    ("live-streaming", "网络直播", "Live streaming"),
    ("film-tv", "影视", "Film and television"),
    ("music", "音乐", "Music"),
    ("pictures", "图片", "Pictures"),
    ("software", "计算机软件", "Software"),
    ("games", "游戏", "Games"),
    ("publications", "出版物", "Publications"),
    ("criminal-transfer", "刑事移送", "Transferred for prosecution"),
    ("cross-region", "跨区域协作", "Cross-region cooperation"),
    ("special-campaign", "专项行动", "Special campaign"),
)


def load(apps: Any, schema_editor: Any) -> None:
    Tag = apps.get_model("typical", "Tag")
    for slug, name, name_en in TAGS:
        Tag.objects.get_or_create(slug=slug, defaults={"name": name, "name_en": name_en})


class Migration(migrations.Migration):
    dependencies = [("typical", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
