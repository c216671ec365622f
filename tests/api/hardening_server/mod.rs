//! The server and its transport under attack (issue 13: D1, D4, D9, D14, D16, D17, D18,
//! D19): each test replays one attack the hardening run found and checks the server's answer.
//! Malformed requests are written on raw TCP; memory and shutdown are measured on the binary.

mod configuration;

/// The server binary the tests spawn where a process is the point (its memory, its signals,
/// its refusal to start).
pub const BINARY: &str = env!("CARGO_BIN_EXE_gd-indicators");
