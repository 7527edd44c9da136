"""The check of a protected table: can a suppressed entry be recovered exactly from the published ones
(a bridge test in two dimensions, a rank test otherwise)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def exposed(suppressed: npt.ArrayLike) -> BoolArray:
    """The suppressed entries of an extended table (cells and totals, as :func:`with_margins`) that the
    published entries determine: a suppressed entry is exposed if and only if the line equations (each
    total is the sum of its line) fix its value. For a 2-D table that is a bridge of the graph of rows and
    columns joined by suppressed entries; otherwise a rank test. This is the linear part of what a reader
    can do: bounds (a suppressed count is at least 1) can fix more, which :func:`protect` prevents by
    construction (its hypercubes) and the tests check with a linear program."""
    mask = np.asarray(suppressed, dtype=bool)
    if mask.ndim == 2:
        return _bridges(mask)
    return _rank_exposed(mask)


def _bridges(mask: BoolArray) -> BoolArray:
    rows, columns = np.nonzero(mask)
    count = mask.shape[0] + mask.shape[1]
    ends = [(int(r), mask.shape[0] + int(c)) for r, c in zip(rows, columns, strict=True)]
    adjacent: list[list[tuple[int, int]]] = [[] for _ in range(count)]
    for edge, (a, b) in enumerate(ends):
        adjacent[a].append((b, edge))
        adjacent[b].append((a, edge))
    order = [-1] * count
    low = [0] * count
    bridge = np.zeros(len(ends), dtype=bool)
    clock = 0
    for root in range(count):
        if order[root] >= 0:
            continue
        order[root] = low[root] = clock
        clock += 1
        stack = [(root, -1, 0)]
        while stack:
            node, via, index = stack.pop()
            if index < len(adjacent[node]):
                stack.append((node, via, index + 1))
                neighbour, edge = adjacent[node][index]
                if edge == via:
                    continue
                if order[neighbour] < 0:
                    order[neighbour] = low[neighbour] = clock
                    clock += 1
                    stack.append((neighbour, edge, 0))
                else:
                    low[node] = min(low[node], order[neighbour])
            elif via >= 0:
                parent = ends[via][0] if ends[via][1] == node else ends[via][1]
                low[parent] = min(low[parent], low[node])
                if low[node] > order[parent]:
                    bridge[via] = True
    out = np.zeros(mask.shape, dtype=bool)
    out[rows[bridge], columns[bridge]] = True
    return out


def _rank_exposed(mask: BoolArray) -> BoolArray:
    """Rank test: entry k is determined iff every vector of the null space of the line equations
    (restricted to the suppressed entries) is 0 at k. Solved per connected group of entries."""
    unknown = np.flatnonzero(mask.ravel())
    column = {int(flat): i for i, flat in enumerate(unknown)}
    equations: list[list[tuple[int, float]]] = []
    for axis in range(mask.ndim):
        size = mask.shape[axis]
        moved = np.moveaxis(np.arange(mask.size).reshape(mask.shape), axis, -1).reshape(-1, size)
        for line in moved:
            terms = [
                (column[int(f)], -1.0 if k == size - 1 else 1.0)
                for k, f in enumerate(line)
                if int(f) in column
            ]
            if terms:
                equations.append(terms)
    group = list(range(len(unknown)))

    def find(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    for terms in equations:
        for other, _ in terms[1:]:
            group[find(other)] = find(terms[0][0])
    members: dict[int, list[int]] = {}
    for i in range(len(unknown)):
        members.setdefault(find(i), []).append(i)
    by_group: dict[int, list[list[tuple[int, float]]]] = {}
    for terms in equations:
        by_group.setdefault(find(terms[0][0]), []).append(terms)
    determined = np.zeros(len(unknown), dtype=bool)
    for root, variables in members.items():
        index = {v: i for i, v in enumerate(variables)}
        rows = by_group.get(root, [])
        matrix = np.zeros((len(rows), len(variables)))
        for r, terms in enumerate(rows):
            for v, sign in terms:
                matrix[r, index[v]] = sign
        if not rows:
            continue
        _, singular, vt = np.linalg.svd(matrix)
        rank = int((singular > 1e-9 * max(1.0, float(singular[0]))).sum())
        null = vt[rank:]
        free = np.abs(null).max(axis=0) > 1e-9 if len(null) else np.zeros(len(variables), dtype=bool)
        determined[variables] = ~free
    out = np.zeros(mask.size, dtype=bool)
    out[unknown[determined]] = True
    return out.reshape(mask.shape)
