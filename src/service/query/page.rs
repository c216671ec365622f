//! Pages of a list: the page and its neighbours' cursors from rows read in order (by the store
//! with a keyset, or here), and the filtering, sorting and keyset paging of a small list held
//! in memory.

use std::cmp::Ordering;

use serde_json::Value;

use super::cursor::{Cursor, Direction};
use super::parse::ListControls;
use super::spec::SortKey;

/// One page of a list, with the cursors to its neighbours: items held as JSON values (the
/// small resources), or as themselves (figures, written straight from their schema).
#[derive(Debug)]
pub struct Page<T = Value> {
    pub items: Vec<T>,
    pub total: usize,
    pub next: Option<Cursor>,
    pub prev: Option<Cursor>,
}

/// A filter of a list held in memory: its items whose value at `path` is one of `values`.
#[derive(Debug, Clone)]
pub struct ItemFilter {
    pub path: &'static str,
    pub values: Vec<String>,
}

impl ItemFilter {
    fn matches(&self, item: &Value) -> bool {
        match value_at(item, self.path) {
            Value::String(value) => self.values.contains(value),
            _ => false,
        }
    }
}

/// The value at a dotted path of a JSON item (`region.id`), or null.
pub fn value_at<'a>(item: &'a Value, path: &str) -> &'a Value {
    path.split('.').fold(item, |value, key| &value[key])
}

/// A total order on the JSON values sort keys hold: null, then numbers, then strings.
pub fn compare_values(a: &Value, b: &Value) -> Ordering {
    fn rank(value: &Value) -> u8 {
        match value {
            Value::Null => 0,
            Value::Bool(_) => 1,
            Value::Number(_) => 2,
            Value::String(_) => 3,
            _ => 4,
        }
    }
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
            x.total_cmp(&y)
        }
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => rank(a).cmp(&rank(b)),
    }
}

/// Compares two rows by the sort keys, then by source position (the stable tie-break).
fn compare_rows(sort: &[SortKey], a: (&[Value], i64), b: (&[Value], i64)) -> Ordering {
    for (index, key) in sort.iter().enumerate() {
        let ordering = compare_values(&a.0[index], &b.0[index]);
        let ordering = if key.descending {
            ordering.reverse()
        } else {
            ordering
        };
        if ordering != Ordering::Equal {
            return ordering;
        }
    }
    a.1.cmp(&b.1)
}

impl ListControls {
    fn cursor_at(&self, direction: Direction, keys: Vec<Value>, position: i64) -> Cursor {
        Cursor {
            direction,
            keys,
            position,
            fingerprint: self.fingerprint,
        }
    }

    /// Builds the page and its neighbour cursors from rows already in order (after the cursor
    /// was applied). `rows` holds up to `limit + 1` rows, each with its sort keys and position;
    /// the extra row only says whether there is more in the direction of travel.
    pub fn page_from<T>(
        &self,
        mut rows: Vec<(T, Vec<Value>, i64)>,
        total: usize,
        reversed: bool,
    ) -> Page<T> {
        let limit = self.limit.unwrap_or(usize::MAX);
        let more = rows.len() > limit;
        rows.truncate(limit);
        if reversed {
            rows.reverse();
        }
        let backward = self.cursor.as_ref().map(|c| c.direction) == Some(Direction::Before);
        let (has_next, has_prev) = if backward {
            (true, more)
        } else {
            (more, self.cursor.is_some())
        };
        let next = match rows.last() {
            Some((_, keys, position)) if has_next && self.limit.is_some() => {
                Some(self.cursor_at(Direction::After, keys.clone(), *position))
            }
            _ => None,
        };
        let prev = match rows.first() {
            Some((_, keys, position)) if has_prev && self.limit.is_some() => {
                Some(self.cursor_at(Direction::Before, keys.clone(), *position))
            }
            _ => None,
        };
        Page {
            items: rows.into_iter().map(|(item, _, _)| item).collect(),
            total,
            next,
            prev,
        }
    }

    /// Filters, sorts and pages a whole list held in memory (the small resources).
    pub fn apply(&self, filters: &[ItemFilter], items: Vec<Value>) -> Page {
        let rows: Vec<(Value, Vec<Value>, i64)> = items
            .into_iter()
            .enumerate()
            .filter(|(_, item)| filters.iter().all(|filter| filter.matches(item)))
            .map(|(position, item)| {
                let keys = self
                    .sort
                    .iter()
                    .map(|key| value_at(&item, key.path).clone())
                    .collect();
                (item, keys, position as i64)
            })
            .collect();
        self.page_rows(rows)
    }

    /// Sorts and pages rows held in memory, each with its sort keys and its position (the
    /// tie-break).
    pub fn page_rows<T>(&self, mut rows: Vec<(T, Vec<Value>, i64)>) -> Page<T> {
        let total = rows.len();
        rows.sort_by(|a, b| compare_rows(&self.sort, (&a.1, a.2), (&b.1, b.2)));
        let mut reversed = false;
        if let Some(cursor) = &self.cursor {
            let at = (cursor.keys.as_slice(), cursor.position);
            match cursor.direction {
                Direction::After => {
                    rows.retain(|row| compare_rows(&self.sort, (&row.1, row.2), at).is_gt())
                }
                Direction::Before => {
                    rows.retain(|row| compare_rows(&self.sort, (&row.1, row.2), at).is_lt());
                    rows.reverse();
                    reversed = true;
                }
            }
        }
        rows.truncate(self.limit.map_or(usize::MAX, |limit| limit + 1));
        self.page_from(rows, total, reversed)
    }
}
