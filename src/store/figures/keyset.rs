//! Keyset positions pushed into a statement: the rows after (or before) a cursor's row, in
//! the page's order.

use sqlx::{QueryBuilder, Sqlite};

use crate::domain::analytics::conversion::Exchange;

use super::filter::{Keyset, ObservationOrder, SortExpression};

/// A sort key's value, bound as the number or text it is. The service binds only values of
/// their key's type; anything else is bound as NULL, which no row's key compares with, so a
/// page can never be read as its own next one.
pub(in crate::store) fn push_json(query: &mut QueryBuilder<'_, Sqlite>, value: &serde_json::Value) {
    match value {
        serde_json::Value::Number(number) => query.push_bind(number.as_f64()),
        serde_json::Value::String(text) => query.push_bind(text.clone()),
        _ => query.push_bind(None::<f64>),
    };
}

/// A keyset value: a sort key's value, or the row's position (bound as an integer, as rowid is).
pub(in crate::store) enum KeysetValue<'a> {
    Key(&'a serde_json::Value),
    Position(i64),
}

pub(in crate::store) fn push_keyset_value(
    query: &mut QueryBuilder<'_, Sqlite>,
    value: &KeysetValue<'_>,
) {
    match value {
        KeysetValue::Key(value) => push_json(query, value),
        KeysetValue::Position(position) => {
            query.push_bind(*position);
        }
    }
}

/// Rows strictly after (or before) the keyset row in the order `(k1, k2, ..., position)`, so a
/// page deep in the list costs what the first one does:
/// * when every column runs the same way (all ascending, or all descending, on this page) it
///   is one row-value comparison `(k1, ..., position) > (v1, ..., p)`, which SQLite turns into
///   a seek on the sort key's index;
/// * with mixed directions it is the expansion `k1 > v1 OR (k1 = v1 AND k2 < v2) OR ...`,
///   behind a redundant bound `k1 >= v1` that lets the index seek to the first key's value;
///   only rows tied on it are then read and skipped.
///
/// `off_index` writes each column `+column`, for a page whose order stays off every index
/// (the cursor's range would otherwise draw SQLite back to the sort key's index).
pub(in crate::store) fn push_keyset(
    query: &mut QueryBuilder<'_, Sqlite>,
    order: &ObservationOrder,
    keyset: &Keyset,
    exchange: Option<Exchange>,
    off_index: bool,
) {
    let push_column = |query: &mut QueryBuilder<'_, Sqlite>, column: &SortExpression| {
        if off_index {
            query.push("+");
        }
        column.push(query);
    };
    // Each column with whether this page's rows hold greater values in it than the keyset row.
    let columns: Vec<(SortExpression, bool)> = order
        .keys
        .iter()
        .map(|(name, descending)| {
            (
                SortExpression::of(name, exchange),
                *descending == keyset.before,
            )
        })
        .chain(std::iter::once((
            SortExpression::Column("o.position"),
            !keyset.before,
        )))
        .collect();
    let values: Vec<KeysetValue> = keyset
        .values
        .iter()
        .map(KeysetValue::Key)
        .chain(std::iter::once(KeysetValue::Position(keyset.position)))
        .collect();
    let operator = |greater: bool| if greater { ">" } else { "<" };
    let first_greater = columns[0].1;
    if columns.iter().all(|(_, greater)| *greater == first_greater) {
        query.push(" AND (");
        for (index, (column, _)) in columns.iter().enumerate() {
            if index > 0 {
                query.push(", ");
            }
            push_column(query, column);
        }
        query.push(format_args!(") {} (", operator(first_greater)));
        for (index, value) in values.iter().enumerate() {
            if index > 0 {
                query.push(", ");
            }
            push_keyset_value(query, value);
        }
        query.push(")");
        return;
    }
    query.push(" AND ");
    push_column(query, &columns[0].0);
    query.push(format_args!(" {}= ", operator(first_greater)));
    push_keyset_value(query, &values[0]);
    query.push(" AND (");
    for (index, (column, greater)) in columns.iter().enumerate() {
        if index > 0 {
            query.push(" OR ");
        }
        query.push("(");
        for ((tied, _), value) in columns.iter().zip(&values).take(index) {
            push_column(query, tied);
            query.push(" = ");
            push_keyset_value(query, value);
            query.push(" AND ");
        }
        push_column(query, column);
        query.push(format_args!(" {} ", operator(*greater)));
        push_keyset_value(query, &values[index]);
        query.push(")");
    }
    query.push(")");
}
