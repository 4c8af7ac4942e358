//! The scorers of shared/tools reimplemented for the tests: facts as score_facts.py matches them (a
//! predicted fact matches a gold fact when kind, measure, unit, comparator, direction, value/upper
//! (1e-6 relative) and year agree and the indicators are compatible: equal after removing
//! punctuation, one inside the other, or character-bigram Dice ≥ 0.5, also tried with the subject in
//! front; greedy one-to-one, exact names first), and tasks as score_tasks.py does (after removing
//! punctuation, one inside the other and at least 0.4 of its length, or Dice ≥ 0.6; greedy in reading
//! order).

use serde_json::Value;

pub fn norm(s: &str) -> String {
    const PUNCT: &str = " \t\n\r\u{3000}\u{a0},，、;；:：。.!！?？“”\"'‘’()（）《》<>【】[]—-·/";
    s.chars().filter(|c| !PUNCT.contains(*c) && !c.is_whitespace()).map(duban_report::normalize::simplify).collect()
}

pub fn bigrams(s: &str) -> Vec<String> {
    let c: Vec<char> = s.chars().collect();
    if c.len() < 2 {
        return if c.is_empty() { vec![] } else { vec![s.to_string()] };
    }
    c.windows(2).map(|w| w.iter().collect()).collect()
}

pub fn dice(a: &str, b: &str) -> f64 {
    let (x, y) = (bigrams(a), bigrams(b));
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    let mut pool = y.clone();
    let mut hits = 0;
    for g in &x {
        if let Some(i) = pool.iter().position(|p| p == g) {
            pool.remove(i);
            hits += 1;
        }
    }
    2.0 * hits as f64 / (x.len() + y.len()) as f64
}

pub fn text(v: &Value, k: &str) -> String {
    v.get(k).and_then(Value::as_str).unwrap_or("").to_string()
}

pub fn names(v: &Value) -> [String; 2] {
    let ind = text(v, "indicator");
    [norm(&ind), norm(&format!("{}{}", text(v, "subject"), ind))]
}

pub fn compatible(p: &Value, g: &Value) -> bool {
    for a in names(p) {
        for b in names(g) {
            if a.is_empty() || b.is_empty() {
                continue;
            }
            if a == b || a.contains(&b) || b.contains(&a) || dice(&a, &b) >= 0.5 {
                return true;
            }
        }
    }
    false
}

pub fn same_num(a: Option<&Value>, b: Option<&Value>) -> bool {
    let (a, b) = (a.and_then(Value::as_f64), b.and_then(Value::as_f64));
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => (x - y).abs() <= (1e-6 * x.abs().max(y.abs())).max(1e-9),
        _ => false,
    }
}

pub fn key_fields_match(p: &Value, g: &Value) -> bool {
    for f in ["kind", "measure", "unit", "comparator", "direction"] {
        let (a, b) = (p.get(f).cloned().unwrap_or(Value::Null), g.get(f).cloned().unwrap_or(Value::Null));
        let (a, b) = if f == "unit" {
            (a.as_str().unwrap_or("").to_string(), b.as_str().unwrap_or("").to_string())
        } else {
            (a.to_string(), b.to_string())
        };
        if a != b {
            return false;
        }
    }
    p.get("year").and_then(Value::as_i64) == g.get("year").and_then(Value::as_i64)
        && same_num(p.get("value"), g.get("value"))
        && same_num(p.get("upper"), g.get("upper"))
}

pub struct Score {
    pub matched: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub report: String,
}

pub fn score(gold: &[Value], pred: &[Value]) -> Score {
    let mut cands = Vec::new();
    for (i, p) in pred.iter().enumerate() {
        for (j, g) in gold.iter().enumerate() {
            if key_fields_match(p, g) && compatible(p, g) {
                let exact = norm(&text(p, "indicator")) == norm(&text(g, "indicator"));
                cands.push((if exact { 0 } else { 1 }, i, j));
            }
        }
    }
    cands.sort();
    let (mut used_p, mut used_g) = (vec![false; pred.len()], vec![false; gold.len()]);
    let mut tp = 0;
    for (_, i, j) in cands {
        if !used_p[i] && !used_g[j] {
            used_p[i] = true;
            used_g[j] = true;
            tp += 1;
        }
    }
    let precision = if pred.is_empty() { 1.0 } else { tp as f64 / pred.len() as f64 };
    let recall = if gold.is_empty() { 1.0 } else { tp as f64 / gold.len() as f64 };
    let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
    let mut report = String::new();
    for (j, g) in gold.iter().enumerate().filter(|(j, _)| !used_g[*j]) {
        report.push_str(&format!("  missed #{j}: {g}\n"));
    }
    for (i, p) in pred.iter().enumerate().filter(|(i, _)| !used_p[*i]) {
        report.push_str(&format!("  false #{i}: {p}\n"));
    }
    Score { matched: tp, precision, recall, f1, report }
}

/// Two sentences are the same task (or decision) as score_tasks.py decides: one contains the other
/// and is at least 0.4 of it, or their character-bigram Dice is at least 0.6.
pub fn same_sentence(a: &str, b: &str) -> bool {
    let (a, b) = (norm(a), norm(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let (short, long) = if a.chars().count() <= b.chars().count() { (&a, &b) } else { (&b, &a) };
    (long.contains(short.as_str()) && short.chars().count() as f64 >= 0.4 * long.chars().count() as f64)
        || dice(&a, &b) >= 0.6
}

/// Tasks matched as score_tasks.py matches them; returns how many matched.
pub fn match_tasks(gold: &[String], pred: &[String]) -> usize {
    let same = same_sentence;
    let mut used = vec![false; gold.len()];
    let mut matched = 0;
    for p in pred {
        if let Some(j) = (0..gold.len()).find(|&j| !used[j] && same(&gold[j], p)) {
            used[j] = true;
            matched += 1;
        }
    }
    matched
}

/// Precision, recall and F1 of `matched` out of `pred` predictions and `gold` gold items.
pub fn prf(matched: usize, pred: usize, gold: usize) -> (f64, f64, f64) {
    let p = if pred == 0 { 1.0 } else { matched as f64 / pred as f64 };
    let r = if gold == 0 { 1.0 } else { matched as f64 / gold as f64 };
    (p, r, if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 })
}
