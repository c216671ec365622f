-- Pages by period of the figures from a year on (`from`, `year`): a period that starts
-- before the year asked for and ends in it or later.
--
-- `from` and `year` keep the periods ending from a year, but `sort=period` orders by the
-- start: a period may start in any earlier year, so no bound on the sort key skipped the
-- decades before. A page either walked `observations_period` (0005) from the oldest period,
-- checking each figure (0.8-2 s for the last page of `year=2020&sort=-period` on a million
-- figures), or found every figure the filter keeps through the years' index and sorted them
-- (`from=2020&sort=period`, 1.7 s for 200,000). A page is now the merge of two parts in page
-- order (src/store/figures/mod.rs): the figures starting in that year or later, a range of
-- `observations_period` where every row matches; and those that started before, which span
-- more than one year: read off this index, in period order, the end year checked in it.
-- * Partial on periods that span years (3% of the generated figures, 31,000 of a million):
--   small, and cheap to keep up on import.

CREATE INDEX observations_spanning_period
    ON observations (period_sort_key, period_end_year)
    WHERE retracted = 0 AND period_start_year < period_end_year;
