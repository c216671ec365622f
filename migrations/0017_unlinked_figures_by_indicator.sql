-- The count of the primary or the threshold figures read from an index alone.
--
-- `role=primary` (or `threshold`) keeps the figures that link to no other (neither a printed
-- equivalent nor a restatement) of indicators that measure a threshold or not. Its total,
-- counted on the first request of a query, found them through one of the indexes that lead
-- with the indicator and read each figure's row for its links: a million rows, in the order
-- of that index's later columns (period, amount), so across the whole file. Cold, that took
-- 3-5 s (0.9 s in rowid order); warm, 0.3-0.4 s. This index holds only the unlinked figures,
-- so the count reads the index (0.13 s cold). Partial on `retracted = 0` like the other
-- indexes of lists; the links' columns are `NULL` on nearly every figure.

CREATE INDEX observations_unlinked_indicator
    ON observations (indicator_id) WHERE retracted = 0 AND equivalent_of IS NULL AND restates IS NULL;
