"""The columns of each CSV table (data/README.md documents them for users), in reading order:
each file only refers to files before it.

A table may be split over several files: ``observations.csv`` and ``observations.census-2020.csv``
are both read as observations (a converter's output kept apart from hand-edited rows)."""

from __future__ import annotations

from policygraph.sources.csvtable import Table

__all__ = ["TABLES"]

_PROVENANCE = ("source", "locator")

TABLES: dict[str, Table] = {
    "sources.csv": Table(
        "sources",
        required=("id", "title", "date", "confidence"),
        optional=("creator", "publisher", "license", "kind", "file", "description"),
        key=("id",),
    ),
    "divisions.csv": Table(
        "divisions",
        required=("code", "label_zh", "label_en", "level", "division_type", *_PROVENANCE),
        optional=("parent", "titular_groups", "in_use_from"),
        key=("code",),
        sourced=("label_en", "titular_groups"),
    ),
    "division-history.csv": Table(
        "division-history",
        required=("code", "label_zh", "level", "in_use_from", "in_use_until", *_PROVENANCE),
        optional=("successors",),
        key=("code", "in_use_from"),
    ),
    "regions.csv": Table(
        "regions",
        required=("code", "label_en", "label_zh", "level", "division_type", *_PROVENANCE),
        optional=("parent", "titular_groups", "main_minorities"),
        key=("code",),
        sourced=("parent", "titular_groups", "label_zh", "main_minorities"),
    ),
    "region-groups.csv": Table(
        "region-groups",
        required=("group", "label_en", "member", *_PROVENANCE),
        optional=("label_zh",),
        key=("group", "member"),
    ),
    "bodies.csv": Table(
        "bodies",
        required=("id", "label_en", "region", "level", *_PROVENANCE),
        optional=("label_zh", "kind", "parent"),
        key=("id",),
        sourced=("label_zh", "parent"),
    ),
    "documents.csv": Table(
        "documents",
        # A title in English or in Chinese (a list of documents imported from a spreadsheet
        # has Chinese titles only); the mapping checks that one is there.
        required=(
            "id",
            "jurisdiction",
            "tiers",
            "domains",
            "doc_types",
            "specificity",
            *_PROVENANCE,
        ),
        optional=(
            "title_en",
            "title_zh",
            "year",
            "date",
            "in_force",
            "number",
            "number_raw",
            "bodies",
            "target_groups",
            "url",
            # The classification rules that gave the inferred values (policygraph import
            # documents): field=rule entries, e.g. tiers=term:养老保险.
            "rules",
        ),
        key=("id",),
        sourced=(
            "title_zh",
            "year",
            "number",
            "date",
            "bodies",
            "tiers",
            "domains",
            "jurisdiction",
            "specificity",
            "doc_types",
            "rules",
            "in_force",
        ),
    ),
    "document-links.csv": Table(
        "document-links",
        required=("document", "relation", "target", *_PROVENANCE),
        key=("document", "relation", "target"),
    ),
    "programmes.csv": Table(
        "programmes",
        required=("id", "label_en", "tiers", "domains", *_PROVENANCE),
        optional=(
            "label_zh",
            "target_groups",
            "regions",
            "start_year",
            "target_year",
            "coverage",
            "established_by",
            "administered_by",
        ),
        key=("id",),
        sourced=("label_zh",),
    ),
    "claims.csv": Table(
        "claims",
        required=("source", "n", "kind", "regions", "comment", "quote", "locator"),
        optional=("tiers", "domains", "target_groups"),
        key=("source", "n"),
        sourced=("tiers",),
    ),
    "datasets.csv": Table(
        "datasets",
        required=("id", "title", *_PROVENANCE),
        optional=("structure",),
        key=("id",),
    ),
    "observations.csv": Table(
        "observations",
        required=("dataset", "region", "indicator", "period", "value", "unit", "locator"),
        optional=("unit_mult", "source"),
        key=("dataset", "region", "indicator", "period"),
    ),
    "aliases.csv": Table(
        "aliases",
        required=("subject", "label", *_PROVENANCE),
        optional=("lang", "kind"),
        key=("subject", "label", "lang"),
    ),
    "notes.csv": Table(
        "notes",
        required=("subject", "note", *_PROVENANCE),
        optional=("conflicting_value",),
    ),
}
