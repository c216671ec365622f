-- What the query API needs from the schema: a comparable value, sort keys, and a search index.

-- Every figure in plain units (yuan rather than billions of yuan), so that `min`, `max` and
-- `sort=value` compare 510 billion with 1.1 trillion correctly. Scaled products are rounded to
-- a thousandth to drop float noise (1.1 x 10^12 must equal 1100000000000 exactly).
ALTER TABLE observations ADD COLUMN value_in_units REAL GENERATED ALWAYS AS (
    CASE scale
        WHEN 'unit' THEN value
        WHEN 'thousand' THEN round(value * 1e3, 3)
        WHEN 'million' THEN round(value * 1e6, 3)
        WHEN 'billion' THEN round(value * 1e9, 3)
        ELSE round(value * 1e12, 3)
    END) VIRTUAL;

-- The key `sort=period` orders by: when the period starts, or ends where the start is unknown;
-- '' (no date at all) sorts first. Never NULL, so keyset comparisons stay simple.
ALTER TABLE observations ADD COLUMN period_sort_key TEXT GENERATED ALWAYS AS (
    coalesce(period_start, period_end, '')) VIRTUAL;

CREATE INDEX observations_value_in_units ON observations (value_in_units);
CREATE INDEX observations_period_sort_key ON observations (period_sort_key);

-- Full-text search over what people look things up by. Rebuilt from the tables by whatever
-- changes them (this migration, later imports); `kind` and `ref_id` say what a hit is.
CREATE VIRTUAL TABLE search_index USING fts5 (
    kind UNINDEXED,
    ref_id UNINDEXED,
    title,
    body,
    tokenize = 'porter unicode61'
);

INSERT INTO search_index (kind, ref_id, title, body)
SELECT 'cluster', c.id, c.name, c.description || ' ' || g.name
FROM clusters c JOIN cluster_groups g ON g.id = c.group_id
UNION ALL
SELECT 'cluster_group', id, name, description FROM cluster_groups
UNION ALL
SELECT 'indicator', id, name, description FROM indicators
UNION ALL
SELECT 'region', id, name, description FROM regions
UNION ALL
SELECT 'speaker', id, name, title || ', ' || organisation FROM speakers
UNION ALL
SELECT 'city_plan', p.id, r.name || ' city plan', p.summary
FROM city_plans p JOIN regions r ON r.id = p.region_id
UNION ALL
SELECT 'company', id, name, description FROM companies
UNION ALL
SELECT 'facility', id, name, description FROM facilities;
