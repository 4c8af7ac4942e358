//! What the minutes reader finds in one file: `cargo run -p duban-report --example minutes_dump FILE`.

fn main() {
    let path = std::env::args().nth(1).expect("a file");
    let text = std::fs::read_to_string(path).expect("readable");
    let m = duban_report::read_minutes(&text);
    println!("{:?} {:?} {:?}", m.title, m.number, m.date);
    for d in m.decisions {
        println!(
            "- {} | {:?} {:?} {:?}",
            d.text.chars().take(60).collect::<String>(),
            d.lead_unit,
            d.co_units,
            d.deadline.map(|d| d.hint)
        );
    }
}
