//! duban, the one binary: its command line (`cli`) and, as the ledger grows, the store (`store`) and
//! the web layer. The logic lives in the pure crates duban-report and duban-core; these modules do
//! the I/O around them.

// The OpenAPI document is one `json!` literal, deeper than the default limit.
#![recursion_limit = "512"]

pub mod accounts;
pub mod catalogue;
pub mod challenge;
pub mod cli;
pub mod config;
pub mod decompose;
pub mod demo;
pub mod export;
pub mod sheets;
pub mod store;
pub mod throttle;
pub mod web;
pub mod webhook;
