//! The binary itself: it reports where it listens, shuts down on SIGTERM, and refuses a database
//! it cannot open or does not recognise with one clear line, leaving the file untouched.

mod refused_databases;
mod server;
