-- Sorting by region or indicator, and by period descending: ties in source order, read from an
-- index.
--
-- A sort orders by its key, then by source order (rowid, always ascending), and so do the
-- pages of one region or one indicator in source order. The composite indexes of 0005
-- ((region_id, period_sort_key), (indicator_id, region_id, period_sort_key)) hand out a key's
-- rows in period order, so SQLite sorted every key's rows by rowid for each page: a region holds
-- about 32,000 of a million generated figures, and `sort=region` cost 65-300 ms a page. An index
-- on the key alone holds each key's rows in rowid order (SQLite appends the rowid to every
-- entry, ascending), so such a page is read straight off it, at any depth.
-- * A descending sort (`-region`) with its ascending tie-break needs the key descending and the
--   rowid ascending: an index declared DESC, walked forward. A page before a cursor reads both
--   backwards, so the two indexes serve the four directions.
-- * `-period` has the same problem with `observations_period` (0005): a month or a year holds
--   2,500 to 7,500 generated figures, sorted by rowid on every page.
-- * Partial on `retracted = 0`, like those of 0005. About 25 MB each on a million figures.

CREATE INDEX observations_region ON observations (region_id) WHERE retracted = 0;
CREATE INDEX observations_region_desc ON observations (region_id DESC) WHERE retracted = 0;

CREATE INDEX observations_indicator ON observations (indicator_id) WHERE retracted = 0;
CREATE INDEX observations_indicator_desc
    ON observations (indicator_id DESC) WHERE retracted = 0;

CREATE INDEX observations_period_desc
    ON observations (period_sort_key DESC) WHERE retracted = 0;
