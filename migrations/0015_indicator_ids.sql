-- An indicator's figures in id order.
--
-- A page of one indicator sorted by id (`indicator=…&sort=-id`) walked the id index (the
-- primary key's) and checked each figure. Ids begin with their indicator's, so one
-- indicator's figures sit together in id order, and the walk read every figure of the
-- indicators sorting after it first: 0.3-0.5 s on a million figures. This index hands out one
-- indicator's figures in id order, and a cursor seeks into it. It also gives the first and
-- last id of a concept's or a topic's figures, one seek per indicator, which bound such a
-- page's walk (src/store/figures/filter.rs, `push_indicator_extent`). Partial on
-- `retracted = 0`, like the other indexes of pages (0005, 0010, 0013).
--
-- Not added: `(indicator_id, period_sort_key DESC)` for the sort `indicator,-period`
-- (50-80 ms a page): SQLite took it for one series by period descending too, since it
-- hands out ties in source order, over `(indicator_id, region_id, period_sort_key)`, and read
-- the indicator's every figure for one region's.

CREATE INDEX observations_indicator_id
    ON observations (indicator_id, id) WHERE retracted = 0;
