//! duban: the one binary. See the library (`duban::cli`) for the commands.

use std::process::ExitCode;

fn main() -> ExitCode {
    duban::cli::run()
}
