-- Revisions: figures get corrected, and nothing is ever overwritten.
--
-- `observations` keeps one row per figure holding its latest state, so the default read path is
-- unchanged. Every state a figure has ever had is a row of `observation_revisions`, a full copy
-- of the figure's fields, stamped with when it was recorded and by which import. A query
-- "as of" a moment reads, for each figure, its last revision recorded by then (as ALFRED serves
-- FRED's vintages). A retraction is a revision too: the figure leaves the lists but its history
-- stays, and so does its row, which other figures may point at.
--
-- Times are UTC in one fixed-width form, 'YYYY-MM-DDTHH:MM:SS.ffffffZ', so that comparing
-- them as text compares them as times.

CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    recorded_at TEXT NOT NULL UNIQUE CHECK (recorded_at GLOB
                    '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
    file        TEXT NOT NULL,     -- the file's name as given to `import`
    description TEXT,
    added       INTEGER NOT NULL,
    corrected   INTEGER NOT NULL,
    retracted   INTEGER NOT NULL,
    unchanged   INTEGER NOT NULL
);

-- The article's figures are known from its publication; the page gives the month only, so its
-- first day stands for it.
ALTER TABLE observations ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
ALTER TABLE observations ADD COLUMN recorded_at TEXT NOT NULL DEFAULT '2025-03-01T00:00:00.000000Z';
ALTER TABLE observations ADD COLUMN retracted INTEGER NOT NULL DEFAULT 0 CHECK (retracted IN (0, 1));

CREATE TABLE observation_revisions (
    observation_id   TEXT NOT NULL REFERENCES observations (id),
    number           INTEGER NOT NULL CHECK (number >= 1),   -- 1 for the first state
    change           TEXT NOT NULL CHECK (change IN ('original', 'added', 'corrected', 'retracted')),
    recorded_at      TEXT NOT NULL,
    import_id        INTEGER REFERENCES imports (id),        -- NULL for the article's figures
    reason           TEXT,                                   -- why a correction or retraction was made
    -- The figure as it stood from this revision on: the columns of `observations`.
    indicator_id     TEXT NOT NULL REFERENCES indicators (id),
    region_id        TEXT NOT NULL REFERENCES regions (id),
    cluster_id       TEXT REFERENCES clusters (id),
    cluster_group_id TEXT REFERENCES cluster_groups (id),
    company_id       TEXT REFERENCES companies (id),
    city_plan_id     TEXT REFERENCES city_plans (id),
    value            REAL NOT NULL,
    scale            TEXT NOT NULL CHECK (scale IN ('unit', 'thousand', 'million', 'billion', 'trillion')),
    unit             TEXT NOT NULL CHECK (unit IN (
                         'cny', 'usd', 'count', 'percent', 'percentage_points', 'hectares', 'years',
                         'rank')),
    qualifier        TEXT NOT NULL CHECK (qualifier IN (
                         'exact', 'at_least', 'over', 'about', 'nearly', 'less_than')),
    stated           TEXT NOT NULL,
    period_kind      TEXT NOT NULL CHECK (period_kind IN (
                         'year', 'span', 'as_of', 'streak', 'target', 'unspecified')),
    period_start     TEXT,
    period_end       TEXT,
    period_label     TEXT NOT NULL,
    equivalent_of    TEXT REFERENCES observations (id),
    restates         TEXT REFERENCES observations (id),
    source_id        TEXT NOT NULL REFERENCES sources (id),
    section          TEXT NOT NULL,
    speaker_id       TEXT REFERENCES speakers (id),
    cited_source     TEXT,
    note             TEXT,
    -- The same derived columns as `observations` (migration 0003), so a vintage filters and
    -- sorts exactly as the latest data does.
    value_in_units   REAL GENERATED ALWAYS AS (
        CASE scale
            WHEN 'unit' THEN value
            WHEN 'thousand' THEN round(value * 1e3, 3)
            WHEN 'million' THEN round(value * 1e6, 3)
            WHEN 'billion' THEN round(value * 1e9, 3)
            ELSE round(value * 1e12, 3)
        END) VIRTUAL,
    period_sort_key  TEXT GENERATED ALWAYS AS (coalesce(period_start, period_end, '')) VIRTUAL,
    PRIMARY KEY (observation_id, number)
) WITHOUT ROWID;

CREATE INDEX observation_revisions_recorded_at ON observation_revisions (recorded_at);

INSERT INTO observation_revisions (
    observation_id, number, change, recorded_at, import_id, reason,
    indicator_id, region_id, cluster_id, cluster_group_id, company_id, city_plan_id,
    value, scale, unit, qualifier, stated, period_kind, period_start, period_end, period_label,
    equivalent_of, restates, source_id, section, speaker_id, cited_source, note)
SELECT id, 1, 'original', recorded_at, NULL, NULL,
    indicator_id, region_id, cluster_id, cluster_group_id, company_id, city_plan_id,
    value, scale, unit, qualifier, stated, period_kind, period_start, period_end, period_label,
    equivalent_of, restates, source_id, section, speaker_id, cited_source, note
FROM observations ORDER BY rowid;

-- Whatever writes a figure must record its revision in the same transaction; these triggers
-- make a bare UPDATE or DELETE that skips the history fail instead of losing the old state.
CREATE TRIGGER observations_keep_history_on_update
BEFORE UPDATE ON observations
WHEN NOT EXISTS (SELECT 1 FROM observation_revisions
                 WHERE observation_id = NEW.id AND number = NEW.revision)
     OR NEW.revision <> OLD.revision + 1
BEGIN
    SELECT RAISE(ABORT, 'a figure changes only through a new revision');
END;

CREATE TRIGGER observations_never_deleted
BEFORE DELETE ON observations
BEGIN
    SELECT RAISE(ABORT, 'figures are never deleted; retract them with a revision');
END;

CREATE TRIGGER observation_revisions_append_only_update
BEFORE UPDATE ON observation_revisions
BEGIN
    SELECT RAISE(ABORT, 'revisions are append-only');
END;

CREATE TRIGGER observation_revisions_append_only_delete
BEFORE DELETE ON observation_revisions
BEGIN
    SELECT RAISE(ABORT, 'revisions are append-only');
END;
