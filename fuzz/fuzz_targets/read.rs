//! The whole reader on arbitrary bytes: decoding (text, HTML, .docx), normalization, structure,
//! facts and tasks must never panic; nor must the minutes reader on the decoded text. Run: `cargo +nightly fuzz run read -- -max_total_time=300`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let units = duban_report::LeadUnits::builtin();
    let options = duban_report::Options { year: None, tasks: Some(&units) };
    if let Ok(reading) = duban_report::read(data, &options) {
        let len = reading.text.chars().count();
        assert!(reading.facts.iter().all(|f| f.start <= f.end && f.end <= len));
        assert!(reading.tasks.iter().all(|t| t.start <= t.end && t.end <= len));
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = duban_report::read_minutes(text);
    }
});
