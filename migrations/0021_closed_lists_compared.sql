-- The figure tables check a closed list (a scale, unit, qualifier, kind of period, kind of
-- change, or retracted flag) by comparisons, not by `IN`: the same constraints, for about half
-- the cost of writing a figure.
--
-- In a CHECK, SQLite evaluates `x IN ('a', 'b', ...)` for each row written at several times the
-- cost of the same comparisons written out (measured, not traced in SQLite's code): copying
-- 300,000 figures into a table declared as `observation_revisions` took 2.9-3.7 s, 1.2 s with
-- these lists written as `x = 'a' OR x = 'b' OR ...`, about as long as with no CHECK at all
-- (SQLite 3.51; 3.40 alike). Into `observations`, 2.5 s against 1.4. Every import writes each
-- figure to both, and `generate` a million of each.
--
-- The two forms accept and refuse the same values (the columns are NOT NULL, and each compares
-- under the column's affinity and BINARY collation either way), so no stored row can break
-- the new form. SQLite cannot alter a CHECK; its documented way to change one without
-- rebuilding the table (https://sqlite.org/lang_altertable.html, "making other kinds of table
-- schema changes") is to edit the table's statement in the schema. The text replaced is
-- 0001's and 0004's, as every database stores it. Then `writable_schema = RESET` reloads the
-- schema on this connection, and a table made and dropped bumps the schema's version, so every
-- other connection reloads it too.

PRAGMA writable_schema = ON;

UPDATE sqlite_schema
SET sql = replace(replace(replace(replace(replace(replace(sql,
    'CHECK (scale IN (''unit'', ''thousand'', ''million'', ''billion'', ''trillion''))',
    'CHECK (scale = ''unit'' OR scale = ''thousand'' OR scale = ''million'' OR scale = ''billion'' OR scale = ''trillion'')'),
    'CHECK (unit IN (
                         ''cny'', ''usd'', ''count'', ''percent'', ''percentage_points'', ''hectares'', ''years'',
                         ''rank''))',
    'CHECK (unit = ''cny'' OR unit = ''usd'' OR unit = ''count'' OR unit = ''percent'' OR unit = ''percentage_points'' OR unit = ''hectares'' OR unit = ''years'' OR unit = ''rank'')'),
    'CHECK (qualifier IN (
                         ''exact'', ''at_least'', ''over'', ''about'', ''nearly'', ''less_than''))',
    'CHECK (qualifier = ''exact'' OR qualifier = ''at_least'' OR qualifier = ''over'' OR qualifier = ''about'' OR qualifier = ''nearly'' OR qualifier = ''less_than'')'),
    'CHECK (period_kind IN (
                         ''year'', ''span'', ''as_of'', ''streak'', ''target'', ''unspecified''))',
    'CHECK (period_kind = ''year'' OR period_kind = ''span'' OR period_kind = ''as_of'' OR period_kind = ''streak'' OR period_kind = ''target'' OR period_kind = ''unspecified'')'),
    'CHECK (change IN (''original'', ''added'', ''corrected'', ''retracted''))',
    'CHECK (change = ''original'' OR change = ''added'' OR change = ''corrected'' OR change = ''retracted'')'),
    'CHECK (retracted IN (0, 1))',
    'CHECK (retracted = 0 OR retracted = 1)')
WHERE type = 'table' AND name IN ('observations', 'observation_revisions');

PRAGMA writable_schema = RESET;

CREATE TABLE schema_version_bump (unused INTEGER);
DROP TABLE schema_version_bump;
