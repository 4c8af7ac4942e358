//! HTML pages to text, as government sites publish reports: block elements become line breaks,
//! scripts and styles vanish, entities are decoded, and the chrome around the report
//! (无障碍浏览, 您现在的位置, 索引号 tables, 关闭窗口, 下载Word, 打印本页 …) is dropped by `normalize`,
//! which treats it the same in plain-text copies of such pages.
//!
//! A tolerant scanner rather than a DOM: pages are often malformed, and we only need the text.

/// Returns the visible text of an HTML page, one block per line.
pub fn to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'<' {
            let Some(end) = find(bytes, i + 1, b'>') else {
                break;
            };
            let tag = &html[i + 1..end];
            if tag.starts_with("!--") {
                // Comment: skip to -->
                i = find_str(html, i, "-->").map_or(bytes.len(), |e| e + 3);
                continue;
            }
            let name = tag_name(tag);
            if matches!(name.as_str(), "script" | "style" | "noscript" | "head" | "select") && !tag.starts_with('/') {
                let close = format!("</{name}");
                i = find_str_ci(html, end + 1, &close)
                    .and_then(|s| find(bytes, s, b'>'))
                    .map_or(bytes.len(), |e| e + 1);
                continue;
            }
            if is_block(&name) && !out.ends_with('\n') {
                out.push('\n');
            } else if name == "td" || name == "th" {
                out.push(' ');
            }
            i = end + 1;
        } else if c == b'&' {
            let semi = bytes[i + 1..].iter().take(10).position(|&b| b == b';').map(|p| i + 1 + p);
            match semi.and_then(|s| entity(&html[i + 1..s]).map(|t| (s, t))) {
                Some((s, text)) => {
                    out.push_str(text);
                    i = s + 1;
                }
                None => match semi.and_then(|s| numeric_entity(&html[i + 1..s]).map(|ch| (s, ch))) {
                    Some((s, ch)) => {
                        out.push(ch);
                        i = s + 1;
                    }
                    None => {
                        out.push('&');
                        i += 1;
                    }
                },
            }
        } else {
            let next = bytes[i..].iter().position(|&b| b == b'<' || b == b'&').map_or(bytes.len(), |p| i + p);
            // HTML collapses source line breaks; block tags make ours.
            for ch in html[i..next].chars() {
                out.push(if ch == '\n' || ch == '\r' || ch == '\t' { ' ' } else { ch });
            }
            i = next;
        }
    }
    out
}

fn find(b: &[u8], from: usize, what: u8) -> Option<usize> {
    b.get(from..)?.iter().position(|&c| c == what).map(|p| from + p)
}

fn find_str(s: &str, from: usize, what: &str) -> Option<usize> {
    s.get(from..)?.find(what).map(|p| from + p)
}

fn find_str_ci(s: &str, from: usize, what: &str) -> Option<usize> {
    let hay = s.as_bytes().get(from..)?;
    let needle = what.as_bytes();
    hay.windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle)).map(|p| from + p)
}

fn tag_name(tag: &str) -> String {
    tag.trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "br"
            | "div"
            | "tr"
            | "li"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "table"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "ul"
            | "ol"
            | "title"
            | "blockquote"
            | "hr"
            | "center"
            | "dd"
            | "dt"
    )
}

/// The named entities that occur in Chinese government pages.
pub(crate) fn entity(name: &str) -> Option<&'static str> {
    Some(match name {
        "nbsp" | "ensp" | "emsp" | "thinsp" => " ",
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "ldquo" => "“",
        "rdquo" => "”",
        "lsquo" => "‘",
        "rsquo" => "’",
        "mdash" => "—",
        "ndash" => "–",
        "hellip" => "…",
        "middot" => "·",
        "times" => "×",
        "permil" => "‰",
        "le" => "≤",
        "ge" => "≥",
        _ => return None,
    })
}

fn numeric_entity(name: &str) -> Option<char> {
    let code = if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
        u32::from_str_radix(hex, 16).ok()?
    } else {
        name.strip_prefix('#')?.parse().ok()?
    };
    char::from_u32(code)
}

#[cfg(test)]
mod tests {
    use super::to_text;

    #[test]
    fn blocks_become_lines_and_scripts_vanish() {
        let html = "<html><head><title>x</title><script>var a='<p>';</script></head><body><div>一、回顾</div><p>增长&nbsp;9%&#65292;好</p><!-- c --></body></html>";
        let t = to_text(html);
        assert!(t.contains("一、回顾\n"), "{t:?}");
        assert!(t.contains("增长 9%，好"), "{t:?}");
        assert!(!t.contains("var a"), "{t:?}");
    }

    #[test]
    fn unclosed_tag_does_not_panic() {
        assert_eq!(to_text("增长<"), "增长");
        assert_eq!(to_text("a &bogus; b"), "a &bogus; b");
    }
}
