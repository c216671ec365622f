-- Vintages as index ranges: each revision records when it was superseded.
--
-- A vintage (`as_of` a moment T before the last import) is each figure's last revision recorded
-- by T. It was found figure by figure (the greatest revision number by T, through the primary
-- key of `observation_revisions`), so a sorted page or a total read all million figures: 1 to 5
-- seconds. A vintage is two parts instead, each an index range:
-- * the figures not changed since T: their latest state, the rows of `observations` with
--   `retracted = 0 AND recorded_at <= T`, which the sort and filter indexes of 0005 and 0010
--   already hand out in page order;
-- * the figures changed after T: the revision current at T, recorded by T and superseded after
--   it (`recorded_at <= T AND superseded_at > T`), not a retraction. Only revisions that were
--   superseded are in that range, usually few, found through the partial indexes below.
-- A page is the merge of the two, in page order (a compound SELECT whose arms each read an
-- index); a total is the sum of their counts.
--
-- `superseded_at` is the time the next revision of the same figure was recorded; NULL while the
-- revision is the figure's latest. `figure_position` is then its figure's place in source order
-- (the rowid of its row in `observations`, which never changes), so that the second part is
-- paged in source order and its ties broken without reading `observations`. The trigger below
-- sets both when the next revision is recorded, whoever records it, so it costs an addition
-- (revision 1) nothing. Revisions stay append-only otherwise: the two are set once, from NULL,
-- and nothing else of a revision changes.

ALTER TABLE observation_revisions ADD COLUMN superseded_at TEXT;
ALTER TABLE observation_revisions ADD COLUMN figure_position INTEGER;

DROP TRIGGER observation_revisions_append_only_update;

UPDATE observation_revisions AS p
SET superseded_at = n.recorded_at,
    figure_position = (SELECT rowid FROM observations WHERE id = p.observation_id)
FROM observation_revisions AS n
WHERE n.number > 1 AND p.observation_id = n.observation_id AND p.number = n.number - 1;

-- Every column but the two: a later migration adding a column to revisions adds it here.
CREATE TRIGGER observation_revisions_append_only_update
BEFORE UPDATE OF observation_id, number, change, recorded_at, import_id, reason,
    indicator_id, region_id, cluster_id, cluster_group_id, company_id, city_plan_id,
    value, scale, unit, qualifier, stated, period_kind, period_start, period_end, period_label,
    equivalent_of, restates, source_id, section, speaker_id, cited_source, note
ON observation_revisions
BEGIN
    SELECT RAISE(ABORT, 'revisions are append-only');
END;

CREATE TRIGGER observation_revisions_superseded_once
BEFORE UPDATE OF superseded_at, figure_position ON observation_revisions
WHEN OLD.superseded_at IS NOT NULL OR NEW.superseded_at IS NULL
     OR NEW.figure_position IS NOT (SELECT rowid FROM observations WHERE id = OLD.observation_id)
BEGIN
    SELECT RAISE(ABORT, 'a revision is superseded once, by the next one');
END;

CREATE TRIGGER observation_revisions_supersede
AFTER INSERT ON observation_revisions
WHEN NEW.number > 1
BEGIN
    UPDATE observation_revisions
    SET superseded_at = NEW.recorded_at,
        figure_position = (SELECT rowid FROM observations WHERE id = NEW.observation_id)
    WHERE observation_id = NEW.observation_id AND number = NEW.number - 1;
END;

-- The second part as a range of the moments revisions were superseded (what it counts), and in
-- every page order, as the indexes of `observations` hand out the first: source order, and
-- each sort key with its ties in source order, each entry carrying the
-- part's range (`superseded_at`, `recorded_at`) so that it is checked without reading the row.
-- Partial: a revision enters them when superseded (never as a retraction, which the part
-- leaves out), so an import that only adds figures never writes to them, and they hold a
-- handful of the revisions (30,000 of a million generated figures' 1,030,000).
CREATE INDEX observation_revisions_superseded
    ON observation_revisions (superseded_at, recorded_at)
    WHERE superseded_at IS NOT NULL AND change <> 'retracted';
CREATE INDEX observation_revisions_superseded_position
    ON observation_revisions (figure_position, superseded_at, recorded_at)
    WHERE superseded_at IS NOT NULL AND change <> 'retracted';
CREATE INDEX observation_revisions_superseded_id
    ON observation_revisions (observation_id, superseded_at, recorded_at)
    WHERE superseded_at IS NOT NULL AND change <> 'retracted';
CREATE INDEX observation_revisions_superseded_period
    ON observation_revisions (period_sort_key, figure_position, superseded_at, recorded_at)
    WHERE superseded_at IS NOT NULL AND change <> 'retracted';
CREATE INDEX observation_revisions_superseded_value
    ON observation_revisions (value_in_units, figure_position, superseded_at, recorded_at)
    WHERE superseded_at IS NOT NULL AND change <> 'retracted';
CREATE INDEX observation_revisions_superseded_indicator
    ON observation_revisions (indicator_id, figure_position, superseded_at, recorded_at)
    WHERE superseded_at IS NOT NULL AND change <> 'retracted';
CREATE INDEX observation_revisions_superseded_region
    ON observation_revisions (region_id, figure_position, superseded_at, recorded_at)
    WHERE superseded_at IS NOT NULL AND change <> 'retracted';

-- The first part's total, unfiltered: a count of this index's range, `retracted` read from
-- the entry rather than from each figure's row. Widened from 0011's (recorded_at), which
-- deltas (`updated_after`) still use as before, so the figures carry no more indexes than they
-- did.
DROP INDEX observations_recorded_at;
CREATE INDEX observations_recorded_at ON observations (recorded_at, retracted);
