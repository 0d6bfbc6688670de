"""Filtered dense search with the catalog doing the filtering, not Chroma.

Why: at 100,000 chunks a Chroma query with a ``where`` (a meeting question naming an
acronym and a year) took 0.3-1.2 s, all of it Chroma's scan of its metadata, while the
same query unfiltered took 4 ms. So the store asks Chroma for the ``OVERFETCH`` x k
nearest chunks unfiltered and keeps those the catalog says pass; when at least k pass
they are exactly the k nearest that pass. When fewer do, the filter is narrow, and up to
``EXACT_IDS`` passing chunks (found by an index scan of the catalog) are scored here by
exact cosine over the float16 vectors the catalog keeps beside them (Chroma's query among
an id list took ~200 ms at 100k and 200-600 ms at 1M). A wider filter first tries
``WIDEN`` times more unfiltered neighbours, then Chroma's query among the passing ids, or
past ``MAX_IDS`` of them Chroma's own filter. The ``where`` is the one
``Filters.chroma_where`` writes, read here as SQL over the catalog's chunk columns; a
shape this module does not know is left to Chroma (:class:`Unsupported`).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

# unfiltered candidates per result wanted before the catalog filters them
OVERFETCH = 20
# then, for a filter too wide to compare its chunks here, this many times more (at 1M chunks the 10,000
# nearest cost ~250 ms, so a narrow filter goes straight to its passing ids)
WIDEN = 10
# up to this many passing chunks their vectors, kept in the catalog, are read and compared here: at 1M
# chunks a month's 6,470 took 17 ms to find, 77 ms to read and 16 ms to score, where Chroma's query
# among the same ids took ~200 ms (and reading them from Chroma ~0.13 ms a vector)
EXACT_IDS = 10_000
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


def _first(near: dict[str, float], passing: set[str], k: int) -> dict[str, float]:
    return dict([(i, s) for i, s in near.items() if i in passing][:k])


def filtered_nearest(nearest: Callable[..., dict[str, float]], collection: Any, catalog: Any,
                     embedding: np.ndarray, k: int, where: dict[str, Any]) -> dict[str, float]:
    """{id: cosine} of the k nearest chunks that pass ``where``; ``nearest(embedding, k, **narrow)``
    is the store's Chroma query."""
    try:
        condition, params = where_sql(where)
    except Unsupported:
        return nearest(embedding, k, where=where)
    near = nearest(embedding, k * OVERFETCH)
    passing = catalog.passing(condition, params, list(near))
    if len(passing) >= k or len(near) < k * OVERFETCH:  # the k nearest that pass, or all there are
        return _first(near, passing, k)
    allowed = sorted(catalog.passing(condition, params, limit=EXACT_IDS + 1))
    if len(allowed) > EXACT_IDS:  # a wide filter: more of the nearest will do, or Chroma's own search
        near = nearest(embedding, k * OVERFETCH * WIDEN)
        passing = catalog.passing(condition, params, list(near))
        if len(passing) >= k or len(near) < k * OVERFETCH * WIDEN:
            return _first(near, passing, k)
        allowed = sorted(catalog.passing(condition, params))
        return nearest(embedding, k, where=where) if len(allowed) > MAX_IDS else nearest(embedding, k, ids=allowed)
    if not allowed:
        return {}
    query = np.asarray(embedding, dtype=np.float32).reshape(-1)
    ids, vectors = catalog.vectors(allowed, len(query))
    missing = sorted(set(allowed) - set(ids))
    if missing:  # an index from before the catalog kept vectors, until a writer opens it
        got = collection.get(ids=missing, include=["embeddings"])
        ids += got["ids"]
        fetched = np.asarray(got["embeddings"], dtype=np.float32).reshape(len(got["ids"]), len(query))
        vectors = np.vstack([vectors, fetched])
    cosine = vectors @ query / np.maximum(np.linalg.norm(vectors, axis=1) * np.linalg.norm(query), 1e-12)
    return {ids[i]: float(cosine[i]) for i in np.argsort(-cosine, kind="stable")[:k]}
