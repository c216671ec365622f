-- Schema of gd-indicators: the figures of one source document, each stored with its meaning.
--
-- Decisions worth knowing:
-- * Ids are readable slugs (lower-case letters, digits, hyphens); they are the API's ids too.
-- * Every figure is one row of `observations`, stated as printed: `value` in its `scale`
--   (510 with scale 'billion'), its `unit`, its `qualifier` ('about', 'over'...) and the words
--   it was printed with (`stated`). Nothing is normalised away; the API derives the rest.
-- * A US-dollar equivalent printed next to a yuan amount is a figure of its own that points at
--   the yuan figure through `equivalent_of`; a figure repeated by a caption or an infographic
--   points at the story's figure through `restates`.
-- * Periods are text ('2024', '2024-01'), so a year and a month span share one column, and may be
--   NULL where the source gives no date (Hengqin's "over 15 years"): nothing is invented.
-- * Migrations are append-only: corrections arrive as new migrations, never edits.

CREATE TABLE sources (
    id          TEXT PRIMARY KEY CHECK (id NOT GLOB '*[^a-z0-9-]*' AND id <> ''),
    publication TEXT NOT NULL,
    page        TEXT NOT NULL,   -- the newspaper page or supplement, e.g. 'GD Today'
    headline    TEXT NOT NULL,
    byline      TEXT,            -- NULL where the piece carries none
    published   TEXT NOT NULL,   -- 'YYYY-MM'
    document    TEXT NOT NULL,   -- the stored copy the figures were read from
    description TEXT NOT NULL
);

CREATE TABLE regions (
    id          TEXT PRIMARY KEY CHECK (id NOT GLOB '*[^a-z0-9-]*' AND id <> ''),
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN (
                    'country', 'province', 'megaregion', 'special_administrative_region',
                    'city', 'cooperation_zone')),
    parent_id   TEXT REFERENCES regions (id),
    description TEXT NOT NULL
);

CREATE TABLE speakers (
    id           TEXT PRIMARY KEY CHECK (id NOT GLOB '*[^a-z0-9-]*' AND id <> ''),
    name         TEXT NOT NULL,
    title        TEXT NOT NULL,
    organisation TEXT NOT NULL,
    region_id    TEXT NOT NULL REFERENCES regions (id)
);

CREATE TABLE companies (
    id          TEXT PRIMARY KEY CHECK (id NOT GLOB '*[^a-z0-9-]*' AND id <> ''),
    name        TEXT NOT NULL,
    region_id   TEXT NOT NULL REFERENCES regions (id),  -- where it is headquartered
    description TEXT NOT NULL
);

-- A named set of clusters ("the trillion-yuan industrial clusters", "Maoming's agricultural
-- industry clusters"). Counts and thresholds that the source gives for a whole set are figures
-- of the group; the source does not always name every member.
CREATE TABLE cluster_groups (
    id          TEXT PRIMARY KEY CHECK (id NOT GLOB '*[^a-z0-9-]*' AND id <> ''),
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN (
                    'trillion_yuan_industrial', 'strategic_industry', 'strategic_emerging_industry',
                    'agricultural_industry', 'agricultural_industry_chain', 'sci_tech')),
    region_id   TEXT NOT NULL REFERENCES regions (id),
    description TEXT NOT NULL
);

CREATE TABLE clusters (
    id           TEXT PRIMARY KEY CHECK (id NOT GLOB '*[^a-z0-9-]*' AND id <> ''),
    name         TEXT NOT NULL,
    group_id     TEXT NOT NULL REFERENCES cluster_groups (id),
    -- The year the cluster reached its group's threshold, where the source says so.
    reached_year INTEGER CHECK (reached_year BETWEEN 1900 AND 2100),
    description  TEXT NOT NULL
);

-- National laboratories, big-science facilities and innovation platforms the source names.
CREATE TABLE facilities (
    id          TEXT PRIMARY KEY CHECK (id NOT GLOB '*[^a-z0-9-]*' AND id <> ''),
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN (
                    'national_laboratory', 'science_facility', 'innovation_platform')),
    region_id   TEXT NOT NULL REFERENCES regions (id),
    source_id   TEXT NOT NULL REFERENCES sources (id),
    speaker_id  TEXT REFERENCES speakers (id),
    description TEXT NOT NULL
);

CREATE TABLE city_plans (
    id         TEXT PRIMARY KEY CHECK (id NOT GLOB '*[^a-z0-9-]*' AND id <> ''),
    region_id  TEXT NOT NULL UNIQUE REFERENCES regions (id),
    speaker_id TEXT NOT NULL REFERENCES speakers (id),
    source_id  TEXT NOT NULL REFERENCES sources (id),
    summary    TEXT NOT NULL
);

CREATE TABLE city_plan_cluster_groups (
    city_plan_id     TEXT NOT NULL REFERENCES city_plans (id),
    cluster_group_id TEXT NOT NULL REFERENCES cluster_groups (id),
    PRIMARY KEY (city_plan_id, cluster_group_id)
);

-- The catalogue: what a figure measures. `concept` groups indicators across subjects
-- (every operating-revenue figure has concept 'operating_revenue').
CREATE TABLE indicators (
    id          TEXT PRIMARY KEY CHECK (id NOT GLOB '*[^a-z0-9-]*' AND id <> ''),
    name        TEXT NOT NULL,
    topic       TEXT NOT NULL CHECK (topic IN (
                    'industry', 'innovation', 'greater_bay_area', 'marine_economy', 'city_plans',
                    'talent', 'companies', 'media')),
    concept     TEXT NOT NULL,
    measure     TEXT NOT NULL CHECK (measure IN (
                    'level', 'change', 'growth_rate', 'share', 'rank', 'count', 'duration',
                    'threshold', 'target')),
    unit        TEXT NOT NULL CHECK (unit IN (
                    'cny', 'usd', 'count', 'percent', 'percentage_points', 'hectares', 'years',
                    'rank')),
    description TEXT NOT NULL
);

CREATE TABLE observations (
    id               TEXT PRIMARY KEY CHECK (id NOT GLOB '*[^a-z0-9-]*' AND id <> ''),
    indicator_id     TEXT NOT NULL REFERENCES indicators (id),
    region_id        TEXT NOT NULL REFERENCES regions (id),
    cluster_id       TEXT REFERENCES clusters (id),
    cluster_group_id TEXT REFERENCES cluster_groups (id),
    company_id       TEXT REFERENCES companies (id),
    city_plan_id     TEXT REFERENCES city_plans (id),
    value            REAL NOT NULL,
    scale            TEXT NOT NULL CHECK (scale IN ('unit', 'thousand', 'million', 'billion', 'trillion')),
    -- Usually the indicator's unit; 'usd' for a printed dollar equivalent of a yuan figure.
    unit             TEXT NOT NULL CHECK (unit IN (
                         'cny', 'usd', 'count', 'percent', 'percentage_points', 'hectares', 'years',
                         'rank')),
    qualifier        TEXT NOT NULL CHECK (qualifier IN (
                         'exact', 'at_least', 'over', 'about', 'nearly', 'less_than')),
    stated           TEXT NOT NULL,   -- the figure in the words the source printed
    period_kind      TEXT NOT NULL CHECK (period_kind IN (
                         'year', 'span', 'as_of', 'streak', 'target', 'unspecified')),
    period_start     TEXT CHECK (period_start GLOB '[12][0-9][0-9][0-9]' OR period_start GLOB '[12][0-9][0-9][0-9]-[01][0-9]'),
    period_end       TEXT CHECK (period_end GLOB '[12][0-9][0-9][0-9]' OR period_end GLOB '[12][0-9][0-9][0-9]-[01][0-9]'),
    period_label     TEXT NOT NULL,
    equivalent_of    TEXT REFERENCES observations (id),
    restates         TEXT REFERENCES observations (id),
    source_id        TEXT NOT NULL REFERENCES sources (id),
    section          TEXT NOT NULL,   -- the part of the source the figure sits in
    speaker_id       TEXT REFERENCES speakers (id),  -- NULL where the source attributes it to no one
    cited_source     TEXT,            -- whom the source credits for the figure, when it says
    note             TEXT,
    CHECK (period_start IS NULL OR period_end IS NULL OR period_start <= period_end)
);

CREATE INDEX observations_indicator ON observations (indicator_id);
CREATE INDEX observations_region ON observations (region_id);
CREATE INDEX observations_cluster ON observations (cluster_id);
CREATE INDEX observations_cluster_group ON observations (cluster_group_id);
CREATE INDEX observations_speaker ON observations (speaker_id);
CREATE INDEX observations_source ON observations (source_id);
CREATE INDEX observations_city_plan ON observations (city_plan_id);
