//! Integration tests of the `duban` binary: one test binary, a module per command.

mod browser;
mod casework;
mod durability;
mod extract;
mod filings;
mod hardening;
mod ledger;
mod lists;
mod open311;
mod roles;
mod store;
mod supervision;
mod web;

use std::path::PathBuf;
use std::process::{Command, Output};

pub fn duban(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_duban")).args(args).output().expect("duban runs")
}

pub fn seed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../duban-report/tests/data/luozhuang-2019.txt")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
