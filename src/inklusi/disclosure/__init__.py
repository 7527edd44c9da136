"""Statistical disclosure control of published count tables: small-cell and complementary suppression.

A table is an n-dimensional array of counts (n >= 2; e.g. category x province) and all its margins. The
margins are computed here, never taken from the caller, so they always add up: :func:`with_margins` gives
each axis one more position at its end, its total, so a 26 x 38 table becomes 27 x 39 with the row totals
in the last column, the column totals in the last row and the grand total in the corner. Every *entry* of
that extended array, cell or total, is published or suppressed.

The rule (:func:`protect`):

* **primary**: an entry with ``1 <= count < threshold`` is suppressed. The threshold is given per cell (a
  number, or an array broadcast to the cells: per category row, say 10 for sensitive categories and 5 for
  the others); a total's threshold is the largest of the cells it sums. A count of 0 is published: an empty
  cell discloses no one's attributes and suppressing zeros would make the positivity argument below fail.
* **complementary**: every suppressed entry is made one corner of a *hypercube* of suppressed entries
  (a rectangle in two dimensions: along each axis one other position, a total allowed), all of them
  positive. Adding 1 to the corners of one sign and taking 1 from the others (the signs follow which
  corner is a total) changes no published entry. Since zeros are always published, a reader knows every
  suppressed count is at least 1, so a hypercube counts only if the corners of one sign are all at least 2:
  then the move the other way gives a second table, of whole numbers of at least 1, with the same
  published figures, and no suppressed entry can be recovered exactly. Each hypercube is the cheapest safe
  one: the smallest sum of counts newly suppressed, ties by position; entries already suppressed cost
  nothing; zero entries are never complements. In 2-D an entry already on a cycle of suppressed entries of
  2 or more needs none. One pass makes every suppressed entry safe; :func:`exposed` (the linear check: a
  bridge test in 2-D, a rank test otherwise) checks the result again before it is returned, and the tests
  check it with a linear program that also knows the lower bound.

The result (:class:`Protection`) holds the values, the reason of every entry (published, primary,
complementary, linked) and the thresholds. What is shown to anyone without individual-level access is
:meth:`Protection.published` or :meth:`Protection.labels`: a suppressed entry is :data:`MARKER` whatever its
reason, never "<5" (which would tell that it is a small primary cell rather than a complement). The
reasons are for the data steward and the audit, never for a published table. The same input always gives
the same result: nothing is random, so aggregates are computed, suppressed and stored once per run.

**A count cube** (category x sex x age group x decile x area) is published as 2-D slices, each with its
totals: protect each slice on its own call. Slices that share figures are *linked*: the regencies of a
province (rows) x categories, whose total row is the province's row of the province x category table.
Protect them top down: the parent table first; then each child with ``forced`` = the shared entries
suppressed in the parent (they stay suppressed, reason linked) and ``known`` = the shared entries the
parent published (never used as complements). If a child cannot be protected without suppressing a
``known`` entry, it does so and says so in :attr:`Protection.upstream`: suppress those entries in the parent
too (add them to its ``forced``), protect it again, and repeat down the tree until nothing changes (the
forced sets only grow, so this ends). ``docs/disclosure.md`` describes the limits: differences between two
runs, or between overlapping tables that share no margin, are not covered here.

**Many small tables** (:func:`protect_many`): the same result as :func:`protect` on each 2-D table, entry
for entry, computed for all of them together with NumPy (one step per pending entry of the busiest table,
not per table and entry), for the tens of thousands of tables of a publication.
"""

from inklusi.disclosure.batches import Protections, protect_many
from inklusi.disclosure.exposure import exposed
from inklusi.disclosure.protection import (
    DEFAULT_THRESHOLD,
    MARKER,
    SENSITIVE_THRESHOLD,
    TOTAL,
    Protection,
    Reason,
    protect,
    with_margins,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "MARKER",
    "SENSITIVE_THRESHOLD",
    "TOTAL",
    "Protection",
    "Protections",
    "Reason",
    "exposed",
    "protect",
    "protect_many",
    "with_margins",
]
