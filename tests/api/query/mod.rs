//! The query parameters of the lists, as an analyst or a dashboard uses them: filters, sparse
//! `fields`, sorting and keyset paging.

mod fields;
mod filters;
mod paging;
