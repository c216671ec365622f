//! The database under the server: WAL mode and a read-only pool, readers that never see half
//! an import, and faults part-way through an import that leave it as it was.

mod connections;
mod faults;
mod load;
mod portability;
