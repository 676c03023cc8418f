"""The document-review log (the desk review): counts of documents by type and organization, and the
list of documents in the order Annex C gives them (by type, in codebook order, then by id).

Type and organization keys come from the instrument's codebook; a document whose type the log
leaves empty is counted as ``not_stated``."""

from __future__ import annotations

import pandas as pd

from evalkit.model.evaluation import Codebook
from evalkit.values import ids
from evalkit.values.store import ValueStore

NOT_STATED = "not_stated"


def type_counts(data: pd.DataFrame, codebook: Codebook) -> dict[str, int]:
    """Documents per type key, in codebook order, and ``not_stated`` last (every key, zero when none)."""
    types = data["doc_type"].fillna("").astype(str)
    keys = codebook.category_keys("doc_type")
    unknown = sorted(set(types) - set(keys) - {""})
    if unknown:
        raise ValueError(f"doc_type: keys not in the codebook: {', '.join(map(repr, unknown))} "
                         f"(expected one of {', '.join(keys)})")
    counts = {k: int((types == k).sum()) for k in keys}
    counts[NOT_STATED] = int((types == "").sum())
    return counts


def document_table(data: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """The documents sorted by type (codebook order, not stated last), then by id as received."""
    order = {k: i for i, k in enumerate(codebook.category_keys("doc_type"))}
    frame = data[["document_id", "doc_type", "organization", "title", "year", "project"]].copy()
    frame["doc_type"] = frame["doc_type"].fillna("").astype(str)
    frame["_type"] = frame["doc_type"].map(lambda k: order.get(k, len(order)))
    frame = frame.sort_values(["_type", "document_id"], kind="stable").drop(columns="_type")
    return frame.reset_index(drop=True)


def add_document_values(store: ValueStore, instrument_id: str, data: pd.DataFrame, codebook: Codebook,
                        source: dict) -> None:
    """Value ids ``<iid>.documents``, ``<iid>.by_type.<type key>`` (and ``by_type.not_stated``),
    ``<iid>.by_organization.<key>``, ``<iid>.types`` (types with at least one document) and
    ``<iid>.undated`` (documents without a year)."""
    def add(vid: str, value: int, computation: str) -> None:
        store.add(ids.value_id(instrument_id, vid), value, "count", {**source, "computation": computation})

    add("documents", len(data), "number of documents (rows) in the document-review log")
    counts = type_counts(data, codebook)
    for key, n in counts.items():
        store.add(ids.documents_by(instrument_id, "type", key), n, "count",
                  {**source, "computation": f"documents with type '{key}'" if key != NOT_STATED
                   else "documents without a type"})
    add(
        "types", sum(1 for k, n in counts.items() if n and k != NOT_STATED), "document types with at least one document"
    )
    orgs = data["organization"].astype(str)
    for key in codebook.category_keys("organization"):
        store.add(ids.documents_by(instrument_id, "organization", key), int((orgs == key).sum()), "count",
                  {**source, "computation": f"documents from organization '{key}'"})
    add("undated", int((data["year"].fillna("").astype(str) == "").sum()), "documents without a year")
