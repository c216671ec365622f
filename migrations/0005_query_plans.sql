-- Query plans: every documented filter and sort of the observation lists is served by an index,
-- so a request that misses the cache costs what its page costs, not what the table does
-- (tests/api/query_plans.rs runs EXPLAIN QUERY PLAN on each and fails on a full scan).
--
-- Decisions worth knowing:
-- * The lists read only figures not retracted (`WHERE retracted = 0`), so every index here is
--   partial on that condition: retracted figures stay out of them, and a filtered count is a
--   count of index entries, never a visit to each row to check `retracted`. The indexes of
--   0001 and 0003 are replaced by these. Nothing else looked figures up by those columns:
--   imports find figures by id (the primary key), and SQLite's foreign-key check would only
--   when a region, indicator, source... is deleted, which nothing does.
-- * SQLite appends the rowid to every index entry, and rowid is the lists' tie-break
--   (`position`, source order), so `(filter column, sort key)` indexes hand out rows already
--   in page order and a keyset cursor seeks straight to its row, however deep.
-- * Columns most figures leave NULL (cluster, company, city plan, speaker) are indexed only
--   where set: a filter on them names a value, which implies IS NOT NULL.
-- * Nothing runs ANALYZE, so SQLite plans without statistics, from its fixed estimates; the
--   plans the test sees on the article's 69 figures are the plans a million figures get.
-- * Each index slows imports and grows the file, so there is one per documented filter or
--   sort, and composites only for the series query. On 1.1 million synthetic figures these
--   take 188 MB (the replaced ones took 143 MB) and a bulk insert 22% longer.

-- The years a figure's period starts and ends, as the `year`, `from` and `to` filters compare
-- them: an open end takes the other end's year; no period, no year. Computed from the stored
-- text like `period_sort_key` (0003), so they need no import to fill them, and indexable.
ALTER TABLE observations ADD COLUMN period_start_year INTEGER GENERATED ALWAYS AS (
    CAST(substr(coalesce(period_start, period_end), 1, 4) AS INTEGER)) VIRTUAL;
ALTER TABLE observations ADD COLUMN period_end_year INTEGER GENERATED ALWAYS AS (
    CAST(substr(coalesce(period_end, period_start), 1, 4) AS INTEGER)) VIRTUAL;

-- The same on revisions, so that a vintage (`as_of`) filters exactly as the latest data does.
ALTER TABLE observation_revisions ADD COLUMN period_start_year INTEGER GENERATED ALWAYS AS (
    CAST(substr(coalesce(period_start, period_end), 1, 4) AS INTEGER)) VIRTUAL;
ALTER TABLE observation_revisions ADD COLUMN period_end_year INTEGER GENERATED ALWAYS AS (
    CAST(substr(coalesce(period_end, period_start), 1, 4) AS INTEGER)) VIRTUAL;

DROP INDEX observations_indicator;
DROP INDEX observations_region;
DROP INDEX observations_cluster;
DROP INDEX observations_cluster_group;
DROP INDEX observations_speaker;
DROP INDEX observations_source;
DROP INDEX observations_city_plan;
DROP INDEX observations_value_in_units;
DROP INDEX observations_period_sort_key;

-- The dashboard's query: one indicator in one or more regions, by period, paged by keyset. Also
-- serves `indicator` alone, `concept` (which becomes indicator ids), the totals of `topic`, and
-- `sort=indicator`.
CREATE INDEX observations_indicator_region_period
    ON observations (indicator_id, region_id, period_sort_key) WHERE retracted = 0;

-- `region`, and one region's figures by period; `sort=region`.
CREATE INDEX observations_region_period
    ON observations (region_id, period_sort_key) WHERE retracted = 0;

-- `sort=period` over everything, page after page.
CREATE INDEX observations_period ON observations (period_sort_key) WHERE retracted = 0;

-- `min`, `max` and `sort=value`.
CREATE INDEX observations_value ON observations (value_in_units) WHERE retracted = 0;

-- `from` (periods ending from a year) and `year` (periods ending from it and starting by it):
-- the start year rides along so the second bound is checked in the index.
CREATE INDEX observations_end_year
    ON observations (period_end_year, period_start_year) WHERE retracted = 0;
-- `to` (periods starting by a year).
CREATE INDEX observations_start_year ON observations (period_start_year) WHERE retracted = 0;

-- The remaining filters, one column each. `unit` and `qualifier` have a handful of values, so
-- a value keeps much of the table: these serve their totals and their pages in source order,
-- while pages sorted by a key walk that key's index and check them (see `store.rs`).
CREATE INDEX observations_cluster
    ON observations (cluster_id) WHERE retracted = 0 AND cluster_id IS NOT NULL;
CREATE INDEX observations_cluster_group
    ON observations (cluster_group_id) WHERE retracted = 0 AND cluster_group_id IS NOT NULL;
CREATE INDEX observations_company
    ON observations (company_id) WHERE retracted = 0 AND company_id IS NOT NULL;
CREATE INDEX observations_city_plan
    ON observations (city_plan_id) WHERE retracted = 0 AND city_plan_id IS NOT NULL;
CREATE INDEX observations_speaker
    ON observations (speaker_id) WHERE retracted = 0 AND speaker_id IS NOT NULL;
CREATE INDEX observations_source ON observations (source_id) WHERE retracted = 0;
CREATE INDEX observations_unit ON observations (unit) WHERE retracted = 0;
CREATE INDEX observations_qualifier ON observations (qualifier) WHERE retracted = 0;
