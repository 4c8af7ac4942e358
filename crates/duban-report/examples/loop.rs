fn main() {
    let text = std::fs::read(std::env::args().nth(1).expect("path")).expect("read");
    let n: usize = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let t = std::time::Instant::now();
    let mut facts = 0;
    for _ in 0..n {
        facts += duban_report::read(&text, &duban_report::Options::default()).map(|r| r.facts.len()).unwrap_or(0);
    }
    println!("{facts} facts, {:.3} ms per read", t.elapsed().as_secs_f64() * 1000.0 / n as f64);
}
