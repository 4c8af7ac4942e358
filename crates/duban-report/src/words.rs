//! Word lists prepared for matching against `&[char]`: decoded once, with the sets of first and last
//! characters, so that the common case (no word here) costs one binary search instead of a pass over
//! every word of the list.

pub(crate) struct WordSet {
    words: Vec<Vec<char>>,
    firsts: Vec<char>,
    lasts: Vec<char>,
}

impl WordSet {
    pub(crate) fn new(list: &[&str]) -> WordSet {
        let words: Vec<Vec<char>> =
            list.iter().map(|w| w.chars().collect()).filter(|w: &Vec<char>| !w.is_empty()).collect();
        let mut firsts: Vec<char> = words.iter().map(|w| w[0]).collect();
        let mut lasts: Vec<char> = words.iter().map(|w| w[w.len() - 1]).collect();
        firsts.sort_unstable();
        firsts.dedup();
        lasts.sort_unstable();
        lasts.dedup();
        WordSet { words, firsts, lasts }
    }

    /// The index and length of the longest word that `c` starts with. (Plain loops: these slices are
    /// a few characters long, shorter than the cost of calling memcmp.)
    pub(crate) fn prefix(&self, c: &[char]) -> Option<(usize, usize)> {
        let first = *c.first()?;
        self.firsts.binary_search(&first).ok()?;
        self.words.iter().enumerate().filter(|(_, w)| starts(c, w)).map(|(i, w)| (i, w.len())).max_by_key(|&(_, n)| n)
    }

    /// The length of the longest word that `c` ends with.
    pub(crate) fn suffix(&self, c: &[char]) -> Option<usize> {
        let last = *c.last()?;
        self.lasts.binary_search(&last).ok()?;
        self.words.iter().filter(|w| w.len() <= c.len() && starts(&c[c.len() - w.len()..], w)).map(Vec::len).max()
    }

    /// Whether any word occurs anywhere in `c`.
    pub(crate) fn occurs_in(&self, c: &[char]) -> bool {
        (0..c.len()).any(|i| self.firsts.binary_search(&c[i]).is_ok() && self.words.iter().any(|w| starts(&c[i..], w)))
    }
}

fn starts(c: &[char], w: &[char]) -> bool {
    w.len() <= c.len() && w.iter().zip(c).all(|(a, b)| a == b)
}

#[cfg(test)]
mod tests {
    use super::WordSet;

    #[test]
    fn longest_match_wins() {
        let set = WordSet::new(&["到", "提高到", "的"]);
        let c: Vec<char> = "收入提高到".chars().collect();
        assert_eq!(set.suffix(&c), Some(3));
        let c: Vec<char> = "提高到".chars().collect();
        assert_eq!(set.prefix(&c), Some((1, 3)));
        assert!(set.occurs_in(&"年收入的".chars().collect::<Vec<_>>()));
        assert!(!set.occurs_in(&"年收入".chars().collect::<Vec<_>>()));
    }
}
