"""Filtered dense search with the catalog doing the filtering, not Chroma.

Why: at 100,000 chunks a Chroma query with a ``where`` (a meeting question naming an
acronym and a year) took 0.3-1.2 s, all of it Chroma's scan of its metadata, while the
same query unfiltered took 4 ms. So the store asks Chroma for the ``OVERFETCH`` x k
nearest chunks unfiltered and keeps those the catalog says pass (``WIDEN`` times more when
too few do); when at least k pass they are exactly the k nearest that pass. A filter so narrow that fewer pass is
answered from the catalog's own list of passing ids (an index scan): up to ``EXACT_IDS``
of them by exact cosine over their vectors (Chroma's query among a short id list took
~200 ms at 100k and 400-600 ms at 1M, reading 100 vectors ~10 ms), more by Chroma's query among those ids. The ``where`` is the one ``Filters.chroma_where`` writes, read
here as SQL over the catalog's chunk columns; a shape this module does not know is
left to Chroma (:class:`Unsupported`).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

# unfiltered candidates per result wanted before the catalog filters them
OVERFETCH = 20
# then this many times more: at 1M chunks 2,000 nearest cost ~45 ms and checking them ~15 ms, where
# a query among a month's 6,300 ids cost ~190 ms
WIDEN = 10
# up to this many passing chunks their vectors are read and compared here (~0.1 ms a vector; at 1M
# chunks 1,500 vectors took 130-290 ms where Chroma's query among the same ids took 410-640 ms)
EXACT_IDS = 2500
# beyond this many passing chunks an id list costs Chroma more than its own filter
MAX_IDS = 50_000


class Unsupported(ValueError):
    """A ``where`` this module cannot translate (Chroma applies it itself)."""


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _condition(key: str, value: Any, params: list[Any]) -> str:
    if key == "source":
        values = value["$in"] if isinstance(value, dict) and set(value) == {"$in"} else [value]
        if not values or not all(isinstance(v, str) for v in values):
            raise Unsupported(f"source {value!r}")
        params.extend(values)
        return f"source IN ({','.join('?' * len(values))})"
    if key.startswith("acr:") and value is True:
        params.append(f"%,{_escape(key[4:])},%")
        return "(',' || acronyms || ',') LIKE ? ESCAPE '\\'"
    if key == "date_ord":
        ops = {"$gte": ">=", "$lte": "<=", "$gt": ">", "$lt": "<", "$eq": "="}
        items = value.items() if isinstance(value, dict) else [("$eq", value)]
        parts = []
        for op, bound in items:
            if op not in ops or isinstance(bound, bool) or not isinstance(bound, int):
                raise Unsupported(f"date_ord {value!r}")
            params.append(bound)
            parts.append(f"date_ord {ops[op]} ?")
        return "(" + " AND ".join(parts) + ")"
    raise Unsupported(key)


def where_sql(where: dict[str, Any], params: list[Any] | None = None) -> tuple[str, list[Any]]:
    """``where`` as an SQL condition over the catalog's chunks, with its parameters."""
    params = [] if params is None else params
    parts = []
    for key, value in where.items():
        if key in ("$and", "$or"):
            if not isinstance(value, list) or not value:
                raise Unsupported(key)
            inner = [where_sql(w, params)[0] for w in value]
            parts.append("(" + (" AND " if key == "$and" else " OR ").join(inner) + ")")
        else:
            parts.append(_condition(key, value, params))
    if not parts:
        raise Unsupported("empty where")
    return " AND ".join(parts), params


def filtered_nearest(nearest: Callable[..., dict[str, float]], collection: Any, catalog: Any,
                     embedding: np.ndarray, k: int, where: dict[str, Any]) -> dict[str, float]:
    """{id: cosine} of the k nearest chunks that pass ``where``; ``nearest(embedding, k, **narrow)``
    is the store's Chroma query."""
    try:
        condition, params = where_sql(where)
    except Unsupported:
        return nearest(embedding, k, where=where)
    for wanted in (k * OVERFETCH, k * OVERFETCH * WIDEN):
        near = nearest(embedding, wanted)
        passing = catalog.passing(condition, params, list(near))
        if len(passing) >= k or len(near) < wanted:  # the k nearest that pass, or all there are
            return dict([(i, s) for i, s in near.items() if i in passing][:k])
    allowed = sorted(catalog.passing(condition, params))
    if len(allowed) > MAX_IDS:
        return nearest(embedding, k, where=where)
    if len(allowed) > EXACT_IDS:
        return nearest(embedding, k, ids=allowed)
    if not allowed:
        return {}
    got = collection.get(ids=allowed, include=["embeddings"])
    vectors = np.asarray(got["embeddings"], dtype=np.float32).reshape(len(got["ids"]), -1)
    query = np.asarray(embedding, dtype=np.float32)
    cosine = vectors @ query / np.maximum(np.linalg.norm(vectors, axis=1) * np.linalg.norm(query), 1e-12)
    return {got["ids"][i]: float(cosine[i]) for i in np.argsort(-cosine, kind="stable")[:k]}
