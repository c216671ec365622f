#!/usr/bin/env python3
"""Writes the SQL migration that brings the database to what the CSV files of seed/ say.

The CSV files in this folder are what a reviewer reads and diffs; migrations are append-only
(sqlx checksums them), so a change to the CSV files reaches the database as a new migration.
This script builds the database the existing migrations make (in memory, with Python's
sqlite3), compares every table with its CSV file and prints the SQL of the difference:

    python3 seed/to_migration.py > migrations/0007_seed_provenance.sql

* Catalogue tables (regions, indicators, companies, region_members...) get an INSERT per new
  row and an UPDATE of the changed columns per changed row, and the search entries that read
  a changed column (`search_index`, English, built by migration 0003; `search_index_zh`,
  Chinese, 0009) are rebuilt from the tables. A row missing from its CSV file is refused:
  nothing is deleted.
* A change of schema (a column, a table, an index) is not the script's to write: write it by
  hand at the top of the new migration, then append the script's output to it, as
  `0009_chinese_names_and_region_hierarchy.sql` was made:

      python3 seed/to_migration.py >> migrations/NNNN_what_it_adds.sql

  A CSV column the migrations do not create is refused, with that advice.
* Figures change only as `import` changes them (migration 0004): each new row of
  `observation_revisions.csv` becomes a revision, recorded under the new row of
  `imports.csv`, and then the figure's latest state. A correction copies the figure as the
  database holds it and sets only the columns that differ from its previous revision, so a
  database that was imported into since keeps what the correction does not touch.
* `observations.csv` must hold each figure's last revision, and each `stated` must be printed
  in the article (checked where its stored copy is at hand); the script refuses otherwise.

With nothing to change it prints nothing. `--check` prints nothing and exits 1 when the
migrations and the CSV files disagree. `tests/api/seed.rs` proves the same cell for cell.
Migration 0002 was written by the first version of this script, when the CSV files held the
article's figures as first read.
"""
import csv
import pathlib
import re
import sqlite3
import sys
import textwrap

SEED = pathlib.Path(__file__).parent
MIGRATIONS = SEED.parent / "migrations"
# Parents before children, so foreign keys hold row by row.
CATALOGUE = [
    "sources", "regions", "region_members", "speakers", "companies", "cluster_groups",
    "clusters", "facilities", "city_plans", "city_plan_cluster_groups", "indicators",
]
KEYS = {
    "city_plan_cluster_groups": ["city_plan_id", "cluster_group_id"],
    "region_members": ["region_id", "member_id"],
}
# Integers of `imports` and `observation_revisions` besides; `imports.id` is never written.
NUMERIC_COLUMNS = {
    "value", "reached_year", "number", "import_id", "added", "corrected", "retracted",
    "unchanged",
}


class Entry:
    """How one kind of hit of a search index is built: from a row of `table` (its `columns`
    read) and the rows it points at (`refs`: table -> (columns read there, the foreign key of
    `table` that names the row)); `query` selects the entry of the row whose id is `{id}`, and
    selects nothing where the row has no entry (no Chinese name)."""

    def __init__(self, table: str, columns: set[str], query: str,
                 refs: dict[str, tuple[set[str], str]] | None = None):
        self.table, self.columns, self.query, self.refs = table, columns, query, refs or {}


# Each search index, and each kind of hit in it. `search_index` (English, migration 0003):
# names and descriptions. `search_index_zh` (Chinese, migration 0009): the Chinese name, and the
# Chinese name of what the row belongs to (its group, its region, a region's parent).
SEARCH = {
    "search_index": {
        "cluster": Entry(
            "clusters", {"name", "description", "group_id"},
            "SELECT 'cluster', c.id, c.name, c.description || ' ' || g.name "
            "FROM clusters c JOIN cluster_groups g ON g.id = c.group_id WHERE c.id = {id}",
            {"cluster_groups": ({"name"}, "group_id")}),
        "cluster_group": Entry(
            "cluster_groups", {"name", "description"},
            "SELECT 'cluster_group', id, name, description FROM cluster_groups WHERE id = {id}"),
        "indicator": Entry(
            "indicators", {"name", "description"},
            "SELECT 'indicator', id, name, description FROM indicators WHERE id = {id}"),
        "region": Entry(
            "regions", {"name", "description"},
            "SELECT 'region', id, name, description FROM regions WHERE id = {id}"),
        "speaker": Entry(
            "speakers", {"name", "title", "organisation"},
            "SELECT 'speaker', id, name, title || ', ' || organisation FROM speakers "
            "WHERE id = {id}"),
        "city_plan": Entry(
            "city_plans", {"region_id", "summary"},
            "SELECT 'city_plan', p.id, r.name || ' city plan', p.summary "
            "FROM city_plans p JOIN regions r ON r.id = p.region_id WHERE p.id = {id}",
            {"regions": ({"name"}, "region_id")}),
        "company": Entry(
            "companies", {"name", "description"},
            "SELECT 'company', id, name, description FROM companies WHERE id = {id}"),
        "facility": Entry(
            "facilities", {"name", "description"},
            "SELECT 'facility', id, name, description FROM facilities WHERE id = {id}"),
    },
    "search_index_zh": {
        "cluster": Entry(
            "clusters", {"name_zh", "group_id"},
            "SELECT 'cluster', c.id, c.name_zh, coalesce(g.name_zh, '') "
            "FROM clusters c JOIN cluster_groups g ON g.id = c.group_id "
            "WHERE c.id = {id} AND c.name_zh IS NOT NULL",
            {"cluster_groups": ({"name_zh"}, "group_id")}),
        "cluster_group": Entry(
            "cluster_groups", {"name_zh", "region_id"},
            "SELECT 'cluster_group', g.id, g.name_zh, coalesce(r.name_zh, '') "
            "FROM cluster_groups g JOIN regions r ON r.id = g.region_id "
            "WHERE g.id = {id} AND g.name_zh IS NOT NULL",
            {"regions": ({"name_zh"}, "region_id")}),
        "indicator": Entry(
            "indicators", {"name_zh"},
            "SELECT 'indicator', id, name_zh, '' FROM indicators "
            "WHERE id = {id} AND name_zh IS NOT NULL"),
        "region": Entry(
            "regions", {"name_zh", "parent_id"},
            "SELECT 'region', r.id, r.name_zh, coalesce(p.name_zh, '') "
            "FROM regions r LEFT JOIN regions p ON p.id = r.parent_id "
            "WHERE r.id = {id} AND r.name_zh IS NOT NULL",
            {"regions": ({"name_zh"}, "parent_id")}),
        "speaker": Entry(
            "speakers", {"name_zh", "region_id"},
            "SELECT 'speaker', s.id, s.name_zh, coalesce(r.name_zh, '') "
            "FROM speakers s JOIN regions r ON r.id = s.region_id "
            "WHERE s.id = {id} AND s.name_zh IS NOT NULL",
            {"regions": ({"name_zh"}, "region_id")}),
        "city_plan": Entry(
            "city_plans", {"name_zh", "region_id"},
            "SELECT 'city_plan', p.id, p.name_zh, coalesce(r.name_zh, '') "
            "FROM city_plans p JOIN regions r ON r.id = p.region_id "
            "WHERE p.id = {id} AND p.name_zh IS NOT NULL",
            {"regions": ({"name_zh"}, "region_id")}),
        "company": Entry(
            "companies", {"name_zh", "region_id"},
            "SELECT 'company', c.id, c.name_zh, coalesce(r.name_zh, '') "
            "FROM companies c JOIN regions r ON r.id = c.region_id "
            "WHERE c.id = {id} AND c.name_zh IS NOT NULL",
            {"regions": ({"name_zh"}, "region_id")}),
        "facility": Entry(
            "facilities", {"name_zh", "region_id"},
            "SELECT 'facility', f.id, f.name_zh, coalesce(r.name_zh, '') "
            "FROM facilities f JOIN regions r ON r.id = f.region_id "
            "WHERE f.id = {id} AND f.name_zh IS NOT NULL",
            {"regions": ({"name_zh"}, "region_id")}),
    },
}
FIGURE_FIELDS = [
    "indicator_id", "region_id", "cluster_id", "cluster_group_id", "company_id", "city_plan_id",
    "value", "scale", "unit", "qualifier", "stated", "period_kind", "period_start", "period_end",
    "period_label", "equivalent_of", "restates", "source_id", "section", "speaker_id",
    "cited_source", "note",
]


class Refused(Exception):
    pass


def literal(column: str, cell: str) -> str:
    if cell == "":
        return "NULL"
    if column in NUMERIC_COLUMNS:
        float(cell)  # refuse anything that is not a number
        return cell
    return "'" + cell.replace("'", "''") + "'"


def read_csv(table: str) -> tuple[list[str], list[dict[str, str]]]:
    with open(SEED / f"{table}.csv", newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames), list(reader)


def migrated_database() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("PRAGMA foreign_keys = ON")
    for migration in sorted(MIGRATIONS.glob("*.sql")):
        db.executescript(migration.read_text(encoding="utf-8"))
    return db


def stored_rows(db, table: str, columns: list[str]) -> dict[tuple, dict[str, str]]:
    """The table's rows as the CSV files write them (NULL as '', numbers without '.0')."""
    schema = {name for (_, name, *_) in db.execute(f"PRAGMA table_info({table})")}
    missing = [column for column in columns if column not in schema]
    if missing:
        raise Refused(
            f"seed/{table}.csv has {missing}, which the migrations do not create: write the "
            "schema change by hand at the top of a new migration, then append this script's "
            "output to it (seed/README.md, 'Changing the schema')")
    def cell(value) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)
    key = KEYS.get(table, ["id"] if table != "observation_revisions"
                   else ["observation_id", "number"])
    rows = {}
    for values in db.execute(f"SELECT {', '.join(columns)} FROM {table}"):
        row = {c: cell(v) for c, v in zip(columns, values)}
        rows[tuple(row[k] for k in key)] = row
    return rows


def same(column: str, a: str, b: str) -> bool:
    if column in NUMERIC_COLUMNS and a != "" and b != "":
        return float(a) == float(b)
    return a == b


def catalogue_sql(db, out: list[str]) -> None:
    # The columns that changed in each row, by table and id (all of them for a new row).
    changed: dict[str, dict[str, set[str]]] = {}
    start = len(out)
    for table in CATALOGUE:
        columns, rows = read_csv(table)
        key = KEYS.get(table, ["id"])
        stored = stored_rows(db, table, columns)
        seen = set()
        for row in rows:
            k = tuple(row[c] for c in key)
            seen.add(k)
            old = stored.get(k)
            if old is None:
                values = ", ".join(literal(c, row[c]) for c in columns)
                out.append(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({values});")
                sets = columns
            else:
                sets = [c for c in columns if not same(c, old[c], row[c])]
                if not sets:
                    continue
                assignments = ", ".join(f"{c} = {literal(c, row[c])}" for c in sets)
                where = " AND ".join(f"{c} = {literal(c, row[c])}" for c in key)
                out.append(f"UPDATE {table} SET {assignments} WHERE {where};")
            if key == ["id"]:
                changed.setdefault(table, {})[row["id"]] = set(sets)
        gone = set(stored) - seen
        if gone:
            raise Refused(f"seed/{table}.csv lacks {sorted(gone)}: rows are never deleted")
    if len(out) > start:
        out.insert(start, "")
        out.insert(start + 1, "-- Catalogue: rows added or changed (none is ever deleted).")
    # Search entries that read a changed column, of the row itself or of a row it points at.
    for index, kinds in SEARCH.items():
        entries: list[str] = []
        for kind, entry in kinds.items():
            ids = {id_ for id_, columns in changed.get(entry.table, {}).items()
                   if columns & entry.columns}
            for ref_table, (ref_columns, foreign_key) in entry.refs.items():
                touched = {id_ for id_, columns in changed.get(ref_table, {}).items()
                           if columns & ref_columns}
                ids |= {r["id"] for r in read_csv(entry.table)[1] if r[foreign_key] in touched}
            for id_ in sorted(ids):
                entries.append(f"DELETE FROM {index} WHERE kind = '{kind}' AND ref_id = "
                               f"{literal('ref_id', id_)};")
                entries.append(f"INSERT INTO {index} (kind, ref_id, title, body) "
                               + entry.query.format(id=literal("ref_id", id_)) + ";")
        if entries:
            out.append("")
            out.append(f"-- Their entries in {index}, rebuilt from the tables.")
            out.extend(entries)


def figures_sql(db, out: list[str]) -> None:
    columns, revisions = read_csv("observation_revisions")
    figure_columns, figures = read_csv("observations")
    if figure_columns != ["id"] + FIGURE_FIELDS:
        raise Refused("seed/observations.csv: unexpected columns")
    if columns[6:] != FIGURE_FIELDS:
        raise Refused("seed/observation_revisions.csv: unexpected columns")
    # observations.csv is each figure's last revision.
    last: dict[str, dict[str, str]] = {}
    for revision in revisions:
        last[revision["observation_id"]] = revision
    ids = [f["id"] for f in figures]
    if sorted(ids) != sorted(last):
        raise Refused("seed/observations.csv and observation_revisions.csv name different figures")
    for figure in figures:
        revision = last[figure["id"]]
        for c in FIGURE_FIELDS:
            if not same(c, figure[c], revision[c]):
                raise Refused(f"seed/observations.csv: {figure['id']}'s {c} is not its last "
                              f"revision's")

    import_columns, imports = read_csv("imports")
    stored_imports = stored_rows(db, "imports", import_columns)
    new_imports = [i for i in imports if (i["id"],) not in stored_imports]
    stored_revisions = stored_rows(db, "observation_revisions", columns)
    new = [r for r in revisions if (r["observation_id"], r["number"]) not in stored_revisions]
    if not new:
        if new_imports:
            raise Refused("seed/imports.csv has an import that records no revision")
        return
    if len(new_imports) != 1:
        raise Refused("new revisions need exactly one new row of seed/imports.csv")
    record = new_imports[0]
    counts = {"added": 0, "corrected": 0, "retracted": 0}
    for r in new:
        if r["import_id"] != record["id"] or r["recorded_at"] != record["recorded_at"]:
            raise Refused(f"{r['observation_id']} revision {r['number']}: not of import "
                          f"{record['id']} at its time")
        counts[r["change"]] = counts.get(r["change"], 0) + 1
    if any(int(record[k]) != v for k, v in counts.items()) or record["unchanged"] != "0":
        raise Refused(f"seed/imports.csv: import {record['id']} counts {counts}")

    when = literal("recorded_at", record["recorded_at"])
    out.append("")
    out.append(f"-- Figures: import {record['file']}, written as `import` writes one (migration")
    out.append(f"-- 0004). Every revision is stamped {record['recorded_at']}, its row of")
    out.append("-- seed/imports.csv: a fixed time, chosen when the change was written, because a")
    out.append("-- migration must build the same database wherever and whenever it runs (no now()).")
    out.append("-- It says when the change was made, not when a given database received it.")
    out.append("INSERT INTO imports (recorded_at, file, description, added, corrected, retracted,")
    out.append("        unchanged)")
    out.append("    VALUES (" + ", ".join(literal(c, record[c]) for c in import_columns[1:]) + ");")
    # Found by its time, so that a database imported into before gets the right id.
    import_id = f"(SELECT id FROM imports WHERE recorded_at = {when})"
    fields = wrap(", ".join(FIGURE_FIELDS))
    previous = {(r["observation_id"], r["number"]): r for r in revisions}
    changed: dict[str, list[str]] = {"corrected": [], "retracted": []}
    for r in new:
        figure = r["observation_id"]
        if any(figure in ids for ids in changed.values()):
            raise Refused(f"{figure}: one revision per figure and import")
        out.append("")
        if r["change"] == "added":
            if r["number"] != "1":
                raise Refused(f"{figure}: an addition is revision 1")
            out.append(f"-- {figure}: added")
            out.append("INSERT INTO observations (id, revision, recorded_at, retracted,")
            out.append(f"{fields})")
            out.append(f"VALUES ({literal('id', figure)}, 1, {when}, 0,")
            # One value a line: a literal is never wrapped, as a line break would enter it.
            out.append(",\n".join(f"    {literal(c, r[c])}" for c in FIGURE_FIELDS) + ");")
            out.append("INSERT INTO observation_revisions (observation_id, number, change, "
                       "recorded_at, import_id, reason,")
            out.append(f"{fields})")
            out.append(f"SELECT id, 1, 'added', {when}, {import_id},")
            out.append(f"    {literal('reason', r['reason'])},")
            out.append(f"{fields}")
            out.append(f"FROM observations WHERE id = {literal('id', figure)};")
            continue
        before = previous.get((figure, str(int(r["number"]) - 1)))
        if before is None:
            raise Refused(f"{figure} revision {r['number']}: no revision before it")
        changes = [c for c in FIGURE_FIELDS if not same(c, before[c], r[c])]
        if r["change"] not in changed:
            raise Refused(f"{figure}: unknown change {r['change']!r}")
        if r["change"] == "retracted" and changes:
            raise Refused(f"{figure}: a retraction keeps the figure's fields")
        if r["change"] == "corrected" and not changes:
            raise Refused(f"{figure}: a correction changes something")
        changed[r["change"]].append(figure)
        kept = wrap(", ".join(c for c in FIGURE_FIELDS if c not in changes))
        out.append(f"-- {figure}: {r['change']}" + (f" ({', '.join(changes)})" if changes else ""))
        out.append("INSERT INTO observation_revisions (observation_id, number, change, "
                   "recorded_at, import_id, reason,")
        # The changed columns last, each value on a line of its own.
        out.append(wrap(", ".join([c for c in FIGURE_FIELDS if c not in changes] + changes))
                   + ")")
        out.append(f"SELECT id, revision + 1, '{r['change']}', {when}, {import_id},")
        out.append(f"    {literal('reason', r['reason'])},")
        out.append(kept + ("," if changes else ""))
        out.extend(f"    {literal(c, r[c])}" + ("," if i < len(changes) - 1 else "")
                   for i, c in enumerate(changes))
        out.append(f"FROM observations WHERE id = {literal('id', figure)};")
    # Each figure then takes its new revision as its latest state; the trigger of 0004 checks
    # that the revision exists.
    if changed["corrected"]:
        out.append("")
        out.append("-- The corrected figures take their new revision as their latest state.")
        out.append("UPDATE observations SET (revision, recorded_at, retracted,")
        out.append(f"{fields}) =")
        out.append("    (SELECT v.number, v.recorded_at, 0,")
        out.append(wrap(", ".join(f"v.{c}" for c in FIGURE_FIELDS), indent=8))
        out.append("     FROM observation_revisions v")
        out.append("     WHERE v.observation_id = observations.id AND v.number = "
                   "observations.revision + 1)")
        out.append(where_ids(changed["corrected"]))
    if changed["retracted"]:
        out.append("")
        out.append("-- The retracted figures leave the lists; their rows and history stay.")
        out.append(f"UPDATE observations SET revision = revision + 1, recorded_at = {when}, "
                   f"retracted = 1")
        out.append(where_ids(changed["retracted"]))


def where_ids(ids: list[str]) -> str:
    return "WHERE id IN (\n" + ",\n".join(f"    {literal('id', i)}" for i in ids) + ");"


def wrap(text: str, indent: int = 4) -> str:
    """A comma-separated list over lines of at most 100 characters."""
    return "\n".join(textwrap.wrap(text, width=100, initial_indent=" " * indent,
                                   subsequent_indent=" " * indent, break_long_words=False,
                                   break_on_hyphens=False))


def printed_text(document: pathlib.Path) -> str:
    """The article as one line: the stored copy's `\\$` escapes and line-break hyphens
    ("pro-" + blank line + "fessional") undone, runs of white space made one space."""
    text = document.read_text(encoding="utf-8").replace("\\$", "$")
    text = re.sub(r"-\n\s*\n", "", text)
    return re.sub(r"\s+", " ", text)


def check_stated() -> None:
    """Every figure's `stated` is the article's own words, where the stored copy is at hand
    (`sources.csv` names it, relative to the folder beside the project)."""
    documents = {s["id"]: SEED.parent.parent / s["document"] for s in read_csv("sources")[1]}
    texts = {path: printed_text(path) for path in set(documents.values()) if path.is_file()}
    if not texts:
        print("note: the article's stored copy is not beside the project; `stated` unchecked",
              file=sys.stderr)
        return
    for figure in read_csv("observations")[1]:
        text = texts.get(documents[figure["source_id"]])
        if text is not None and figure["stated"] not in text:
            raise Refused(f"{figure['id']}: {figure['stated']!r} is not printed in the article")


def main() -> int:
    check = sys.argv[1:] == ["--check"]
    if sys.argv[1:] not in ([], ["--check"]):
        print(__doc__, file=sys.stderr)
        return 2
    db = migrated_database()
    out: list[str] = []
    try:
        check_stated()
        catalogue_sql(db, out)
        figures_sql(db, out)
    except Refused as refusal:
        print(f"refused: {refusal}", file=sys.stderr)
        return 1
    if check:
        if out:
            print("the migrations do not build what seed/ holds; write a migration with "
                  "seed/to_migration.py", file=sys.stderr)
            return 1
        return 0
    if out:
        print("-- Generated by seed/to_migration.py from the CSV files in seed/; do not edit.")
        print("-- See seed/README.md for what the CSV files hold and why.")
        print("-- Brings the database the earlier migrations build to what seed/ holds.")
        print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
