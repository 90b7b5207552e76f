"""The example a new programme's form starts from (and tests use): Jiangmen's rules, the
documents it asks for and how reviewers score."""

from __future__ import annotations

from typing import Any

RULES: list[dict[str, Any]] = [
    {"kind": "organisation_kind", "in": ["rights_holder"]},
    {"kind": "region_prefix", "value": "4407"},
    {"kind": "registered_works_at_least", "value": 2},
]
DOCUMENTS: list[dict[str, Any]] = [
    {
        "code": "licence",
        "name": "营业执照",
        "name_en": "Business licence",
        "mandatory": True,
        "formats": ["pdf", "image"],
    },
    {
        "code": "plan",
        "name": "项目计划书",
        "name_en": "Project plan",
        "mandatory": True,
        "formats": ["pdf", "text"],
    },
    {
        "code": "other",
        "name": "其他材料",
        "name_en": "Other material",
        "mandatory": False,
        "formats": ["pdf"],
    },
]
CRITERIA: list[dict[str, Any]] = [
    {"code": "innovation", "name": "创新性", "name_en": "Innovation", "weight": "60", "max": 10},
    {
        "code": "benefit",
        "name": "经济效益",
        "name_en": "Economic benefit",
        "weight": "40",
        "max": 5,
    },
]
