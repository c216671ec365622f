//! The query parameters of the lists, as an analyst or a dashboard uses them: filters, sparse
//! `fields`, sorting and keyset paging.

mod bounded_walks;
mod deltas;
mod facets;
mod fields;
mod filters;
mod latest;
mod paging;
mod totals;
mod unseen_imports;
mod vintages;
