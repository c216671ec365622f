-- A broad page's walk of its sort key's index checks a bound on the years or on the amount on
-- the index entry, not on the figure's row.
--
-- A page of a filter that keeps many figures walks its first sort key's index in page order
-- and checks each figure (src/store/figures/filter.rs, `BROAD`). Where the bound and the order
-- are correlated, the walk reads many rows for a page: the smallest amounts are recent
-- figures, so `to=2000&sort=value` read 15,000 figures of a million for its 100 (42-60 ms);
-- the first generated indicator holds no amount of 100 or less, so
-- `max=100&sort=indicator,-period` read its 12,000 figures first (43-46 ms). The same
-- orders with the bounded column appended check it on the entry (`value_in_units` and the
-- years are VIRTUAL columns, stored in an index), and only a figure kept is read: 3 ms each
-- in the `sqlite3` shell.
--
-- The appended columns order an amount's (or a period's) ties by them rather than by source
-- order, so a page sorts each run of ties it reads ("USE TEMP B-TREE FOR RIGHT PART OF ORDER
-- BY"). Pages without such a bound keep the indexes that hand ties out in source order
-- (0005, 0016), and a page with one names these with `INDEXED BY` (src/store/figures/walk.rs)
-- and states their predicates. Without statistics SQLite judges an index by its columns: with
-- `retracted = 0` alone as predicate, it counted a role's figures off the second index, not
-- off 0017's. A year bound keeps only figures with a year; an amount is never null. Partial
-- on `retracted = 0` too, like the other indexes of pages.

CREATE INDEX observations_value_years
    ON observations (value_in_units, period_start_year, period_end_year)
    WHERE retracted = 0 AND period_start_year IS NOT NULL;

CREATE INDEX observations_indicator_period_desc_value
    ON observations (indicator_id, period_sort_key DESC, value_in_units)
    WHERE retracted = 0 AND value_in_units IS NOT NULL;
