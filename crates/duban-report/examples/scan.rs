fn main() {
    let s = std::env::args().nth(1).unwrap_or_default();
    let c: Vec<char> = s.chars().collect();
    for q in duban_report::quantity::scan(&c) {
        println!("{q:?}");
    }
    let n = duban_report::normalize::normalize(&s);
    println!("normalized: {n}");
}
