//! duban: the one binary. For now it carries the reader's command line (`duban extract`); the
//! ledger (`serve`, `demo`) comes with duban-core and the store.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::run()
}
