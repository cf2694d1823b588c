"""Statistical tables → RDF Data Cube: one ``qb:DataSet`` per table, one ``qb:Observation`` per
number, all sharing the structure ``id/dsd/regional-indicators`` (ontology/cube.ttl)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import Literal

from policygraph import namespaces as ns
from policygraph.namespaces import (
    DCTERMS,
    PG,
    PROV,
    QB,
    RDF,
    SDMX_ATTRIBUTE,
    SDMX_DIMENSION,
    SDMX_MEASURE,
    XSD,
)
from policygraph.sources import cells
from policygraph.sources.csvtable import Row

if TYPE_CHECKING:
    from policygraph.mapping import Mapper

__all__ = ["MAX_UNIT_MULT", "map_datasets", "map_observations"]

#: The largest power of ten a unit may carry: 12 is 万亿 (a trillion), beyond any printed table.
MAX_UNIT_MULT = 12

# An rdflib namespace makes a new term on every attribute read: these are read for each of the
# census's 16,000 observations.
_TYPE, _OBSERVATION, _DATA_SET = RDF.type, QB.Observation, QB.dataSet
_REF_AREA, _REF_PERIOD = SDMX_DIMENSION.refArea, SDMX_DIMENSION.refPeriod
_YEAR, _INDICATOR, _OBS_VALUE = PG.year, PG.indicator, SDMX_MEASURE.obsValue
_UNIT_MEASURE, _UNIT_MULT = SDMX_ATTRIBUTE.unitMeasure, SDMX_ATTRIBUTE.unitMult
_GYEAR, _DECIMAL, _INTEGER = XSD.gYear, XSD.decimal, XSD.integer


def map_datasets(mapper: Mapper, rows: list[Row]) -> None:
    for row in rows:
        slug = cells.slug(row, "id")
        mapper.datasets[slug] = row.get("source")
        node = ns.dataset(slug)
        g = mapper.provenance(row, node)
        g.add((node, RDF.type, QB.DataSet))
        structure = cells.slug(row, "structure") if row.get("structure") else ""
        g.add((node, QB.structure, ns.dsd(structure) if structure else ns.DSD))
        g.add((node, DCTERMS.title, Literal(row.get("title"), lang="en")))
        g.add((node, PROV.wasDerivedFrom, ns.source(row.get("source"))))


def map_observations(mapper: Mapper, rows: list[Row]) -> None:
    for row in rows:
        data = row.get("dataset")
        cells.check_known(row, "dataset", "dataset", data, mapper.datasets)
        if not row.get("source"):
            row.cells["source"] = mapper.datasets[data]
        code = row.get("region")
        indicator = mapper.concept(row, "indicator", "indicator")
        period = cells.year(row, "period")
        node = ns.observation(data, code, row.get("indicator"), period)
        region = mapper.region_ref(row, "region", subject=node, year=period)
        mapper.observations.add(f"{data}/{code}/{row.get('indicator')}/{period}")
        g = mapper.provenance(row, node)
        g.add((node, _TYPE, _OBSERVATION))
        g.add((node, _DATA_SET, ns.dataset(data)))
        g.add((node, _REF_AREA, region))
        g.add((node, _REF_PERIOD, ns.year(period)))
        g.add((node, _YEAR, Literal(period, datatype=_GYEAR)))
        g.add((node, _INDICATOR, indicator))
        value = cells.decimal(row, "value")
        g.add((node, _OBS_VALUE, Literal(value, datatype=_DECIMAL)))
        g.add((node, _UNIT_MEASURE, mapper.concept(row, "unit", "unit")))
        mult = (
            cells.integer(row, "unit_mult", low=0, high=MAX_UNIT_MULT)
            if row.get("unit_mult")
            else 0
        )
        g.add((node, _UNIT_MULT, Literal(mult, datatype=_INTEGER)))
