-- A broad page's walk of its sort key's index checks the filter's years, amount, indicator or
-- unit on the index entry, not on the figure's row.
--
-- A page of a filter that keeps many figures walks its first sort key's index in page order
-- and checks each figure (src/store/figures/filter.rs, `BROAD`). Where the filter and the
-- order are correlated, the walk reads many rows for a page, one for each figure it passes:
-- - the smallest amounts are recent figures, so `to=2000&sort=value` read 15,000 figures of a
--   million for its 100 (42-60 ms); a concept's amounts are its own size, so
--   `concept=…&sort=value` read its way past every smaller one (34-62 ms);
-- - the first generated indicator holds no amount of 100 or less and no percentage, and its
--   latest periods come first, so `max=100&sort=indicator,-period`,
--   `unit=percent&sort=indicator,-period` and `to=2000&sort=indicator,-period` read its
--   12,000 figures, or most of them, first (43-46, 33-51 and 21-45 ms).
-- The same orders with those columns appended check them on the entry (`value_in_units` and
-- the years are VIRTUAL columns, stored in an index), and only a figure kept is read: 2-4 ms
-- each in the `sqlite3` shell.
--
-- The appended columns order an amount's (or a period's) ties by them rather than by source
-- order, so a page sorts each run of ties it reads ("USE TEMP B-TREE FOR RIGHT PART OF ORDER
-- BY"). Pages without such a filter keep the indexes that hand ties out in source order (0005,
-- 0016), and a page with one names these with `INDEXED BY` (src/store/figures/walk.rs) and
-- states their predicate. Without statistics SQLite judges an index by its columns: with
-- `retracted = 0` alone as predicate, it counted a role's figures off the second index, not
-- off 0017's. An amount is never null, so the predicate keeps every figure not retracted.

CREATE INDEX observations_value_indicator_years
    ON observations (value_in_units, indicator_id, period_start_year, period_end_year)
    WHERE retracted = 0 AND value_in_units IS NOT NULL;

CREATE INDEX observations_indicator_period_desc_value_unit_years
    ON observations (
        indicator_id, period_sort_key DESC, value_in_units, unit, period_start_year,
        period_end_year)
    WHERE retracted = 0 AND value_in_units IS NOT NULL;
