-- A period's figures by amount, largest first: `sort=period,-value`.
--
-- A page sorted by period and then by amount descending read the period index in order and
-- sorted each period's figures by amount; the first page of a year (`year=2020`, `years=`,
-- `from=`) sorted that year's annual figures, about 10,000 of a million generated ones, to
-- return 100 (40-63 ms, the slowest documented filters). This index hands them out in page
-- order, ties on both keys in source order (the rowid SQLite appends), so a page reads about
-- its own figures: 11-12 ms for those first pages, 3-4 ms for most others, on the same machine
-- (the `sqlite3` shell built it in 2.1 s on a million figures, which `generate` now spends
-- too). Partial on `retracted = 0`, like the other indexes of lists.

CREATE INDEX observations_period_value_desc
    ON observations (period_sort_key, value_in_units DESC) WHERE retracted = 0;
