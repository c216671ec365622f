-- `value_in_units`, computed alike by every SQLite that opens the file.
--
-- Migration 0003 derived it as `round(value * 1e9, 3)` (and so on for each scale). SQLite's
-- round() writes the number out with its printf and reads it back, and SQLite 3.43 changed how
-- printf writes doubles, so the SQLite built into the binary (3.46) and Debian 12's `sqlite3`
-- (3.40) disagree on some figures: 17559.08 billion is 17559080000000.002 to one and
-- 17559080000000 to the other. The column is VIRTUAL, recomputed by whichever SQLite reads the
-- file, so a database one wrote failed the other's `PRAGMA integrity_check` ("row 9100 missing
-- from index observations_value", on a generated database), and filters on it could disagree.
--
-- Decisions worth knowing:
-- * The same rounding, to a thousandth, with nothing but IEEE arithmetic and a cast, which
--   every version computes alike: the product in thousandths, plus or minus a half, cast to an
--   integer (half away from zero, as round() rounds), divided back by 1000. A product of 2^49
--   or more in size has no digit past its third decimal to drop, so it is kept as it is (which
--   is also what keeps the cast within a 64-bit integer). On the article's figures this is
--   exactly what round() gave in 3.46: no value served changes.
-- * Still VIRTUAL: SQLite cannot add a STORED column to a table, and a rebuild of
--   `observations` would have to move its triggers, its history's foreign keys and every
--   index. A generated column is only its expression, so replacing it copies nothing: the
--   index on it is dropped, the column dropped and added again, and the index rebuilt
--   (as in 0005).
-- * The same column of `observation_revisions` (as of a moment, figures filter and sort by
--   it) is replaced the same way; it has no index.
-- * tests/api/hardening_database.rs runs the system `sqlite3`'s integrity_check on a generated
--   database (`.ci/run` installs Debian's `sqlite3`).

DROP INDEX observations_value;
ALTER TABLE observations DROP COLUMN value_in_units;
ALTER TABLE observations ADD COLUMN value_in_units REAL GENERATED ALWAYS AS (
    CASE scale
        WHEN 'unit' THEN value
        WHEN 'thousand' THEN CASE WHEN abs(value * 1e3) >= 562949953421312.0 THEN value * 1e3
            ELSE CAST(value * 1e3 * 1000 + (CASE WHEN value * 1e3 < 0 THEN -0.5 ELSE 0.5 END) AS INTEGER) / 1000.0 END
        WHEN 'million' THEN CASE WHEN abs(value * 1e6) >= 562949953421312.0 THEN value * 1e6
            ELSE CAST(value * 1e6 * 1000 + (CASE WHEN value * 1e6 < 0 THEN -0.5 ELSE 0.5 END) AS INTEGER) / 1000.0 END
        WHEN 'billion' THEN CASE WHEN abs(value * 1e9) >= 562949953421312.0 THEN value * 1e9
            ELSE CAST(value * 1e9 * 1000 + (CASE WHEN value * 1e9 < 0 THEN -0.5 ELSE 0.5 END) AS INTEGER) / 1000.0 END
        ELSE CASE WHEN abs(value * 1e12) >= 562949953421312.0 THEN value * 1e12
            ELSE CAST(value * 1e12 * 1000 + (CASE WHEN value * 1e12 < 0 THEN -0.5 ELSE 0.5 END) AS INTEGER) / 1000.0 END
    END) VIRTUAL;
CREATE INDEX observations_value ON observations (value_in_units) WHERE retracted = 0;

ALTER TABLE observation_revisions DROP COLUMN value_in_units;
ALTER TABLE observation_revisions ADD COLUMN value_in_units REAL GENERATED ALWAYS AS (
    CASE scale
        WHEN 'unit' THEN value
        WHEN 'thousand' THEN CASE WHEN abs(value * 1e3) >= 562949953421312.0 THEN value * 1e3
            ELSE CAST(value * 1e3 * 1000 + (CASE WHEN value * 1e3 < 0 THEN -0.5 ELSE 0.5 END) AS INTEGER) / 1000.0 END
        WHEN 'million' THEN CASE WHEN abs(value * 1e6) >= 562949953421312.0 THEN value * 1e6
            ELSE CAST(value * 1e6 * 1000 + (CASE WHEN value * 1e6 < 0 THEN -0.5 ELSE 0.5 END) AS INTEGER) / 1000.0 END
        WHEN 'billion' THEN CASE WHEN abs(value * 1e9) >= 562949953421312.0 THEN value * 1e9
            ELSE CAST(value * 1e9 * 1000 + (CASE WHEN value * 1e9 < 0 THEN -0.5 ELSE 0.5 END) AS INTEGER) / 1000.0 END
        ELSE CASE WHEN abs(value * 1e12) >= 562949953421312.0 THEN value * 1e12
            ELSE CAST(value * 1e12 * 1000 + (CASE WHEN value * 1e12 < 0 THEN -0.5 ELSE 0.5 END) AS INTEGER) / 1000.0 END
    END) VIRTUAL;
