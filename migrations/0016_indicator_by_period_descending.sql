-- One indicator's figures by period descending, ties in source order, read from an index.
--
-- `sort=indicator,-period` sorted the first indicator's figures (about 12,000 of a million
-- generated figures) by period on every page, 50-65 ms a page with or without a filter: the
-- indexes on the indicator hand out its figures in source order (0010) or in id order
-- (0015), and `(indicator_id, region_id, period_sort_key)` (0005) by region first. An index
-- with the period declared DESC holds each indicator's figures in that order, ties by rowid
-- ascending, so such a page is read straight off it (a page before a cursor reads it
-- backwards).
--
-- Alone, that index would also serve one series sorted by period descending
-- (`indicator=…&region=…&sort=-period`) straight off, and SQLite would choose it over 0005's
-- series index, which, walked backwards, gives ties in the wrong order: it would then read
-- the indicator's every figure for one region's (tests/api/query_plans.rs,
-- `a_series_by_period_pages_straight_off_one_index`). The same index with the region in it
-- serves that series straight off and is the one SQLite picks. Partial on `retracted = 0`,
-- like the other indexes of pages (0005, 0010, 0013, 0015).

CREATE INDEX observations_indicator_period_desc
    ON observations (indicator_id, period_sort_key DESC) WHERE retracted = 0;

CREATE INDEX observations_indicator_region_period_desc
    ON observations (indicator_id, region_id, period_sort_key DESC) WHERE retracted = 0;
