-- Sorting by value within a filter that keeps many figures, and money compared in another
-- currency.
--
-- A page sorted by value with a broad filter (a unit, an indicator) walked `observations_value`
-- (0005) and checked each figure, assuming the two independent: but a unit or an indicator
-- holds values of its own size (GDP figures are the largest, met last by an ascending walk),
-- so the walk read most of the million before a page was full (0.7-2.6 s). A composite index
-- hands out one unit's or one indicator's figures in value order (ties in source order, the
-- rowid SQLite appends), and a cursor seeks into it.
-- * `(unit, value_in_units)` also serves `?currency=`: money in the other currency is compared
--   as converted and rounded (see src/store/figures/presented.rs), and its candidates are a
--   range of this index within that unit.
-- * `(region_id DESC, value_in_units)` serves the multi-key sort `-region,value`: each
--   region's 32,000 generated figures came sorted by value on every page.
-- * Partial on `retracted = 0`, like those of 0005 and 0010: about 30 MB each on a million
--   figures.

CREATE INDEX observations_unit_value
    ON observations (unit, value_in_units) WHERE retracted = 0;

CREATE INDEX observations_indicator_value
    ON observations (indicator_id, value_in_units) WHERE retracted = 0;

CREATE INDEX observations_region_desc_value
    ON observations (region_id DESC, value_in_units) WHERE retracted = 0;
