//! The database under the server: WAL mode and a read-only pool, readers that never see half
//! an import, faults part-way through an import that leave it as it was, and the figure
//! tables' closed lists.

mod closed_lists;
mod connections;
mod faults;
mod load;
mod portability;
