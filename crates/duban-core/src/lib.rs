//! duban-core holds the supervision ledger's logic: matters and their one lifecycle (`matter`), the
//! working-day calendar with China's statutory holidays and adjusted working days (`calendar`), the
//! warning rules with their explanations (`warning`), and metrics with published definitions
//! (`metrics`), what casework — requests, proposals, complaints — adds to them (`casework`), and the
//! one role × action table the store and the pages check (`access`).
//!
//! It is pure: values in, values out. It knows nothing of databases, HTTP, files or the clock (the
//! caller passes "today"). The store and the web layer of the `duban` binary call it.

pub mod access;
pub mod calendar;
pub mod casework;
pub mod matter;
pub mod metrics;
pub mod warning;

pub use calendar::Calendar;
pub use matter::{
    Cadence, Change, Event, Goal, Matter, MatterId, MatterKind, ORIGINS, Origin, SourceDocument, Standard, Status,
};
pub use warning::{Assessment, Level, Reason, WarningRules, assess};
