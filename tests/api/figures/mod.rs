//! Figures: the lists of figures (`/v1/observations` and the lists that narrow it, revenues
//! and patents), and a single figure with its meaning: qualifier, period, unit, provenance.

mod lists;
mod single;
