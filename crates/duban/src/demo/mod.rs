//! The demo ledger: the bundled 罗庄区 2019 report read, decomposed and adopted; the district's units
//! (the departments of the keyword table and the 街道/镇 the report names) with one account each; a
//! supervision-office admin and a leader; and half a year of plausible progress, so that on the demo's
//! "today" the ledger shows green, yellow and red.
//!
//! The progress is made up by a seeded generator (no clock, no randomness from outside): the same
//! demo every time.

mod requests;

use std::collections::BTreeMap;

use duban_core::matter::{Change, Goal, MatterId, MatterKind};
use duban_core::metrics::count_by_level;
use duban_core::warning::{Level, WarningRules};
use duban_report::{LeadUnits, Options};
use time::{Date, Duration, Month};

use crate::accounts::{generate_password, hash_password};
use crate::store::{Actor, NewShare, Role, Store, StoreError, UnitId};

/// The report the demo (and the system) was designed from: an official public document, see
/// crates/duban-report/tests/data/SOURCE.md.
pub const BUNDLED_REPORT: &str = include_str!("../../../duban-report/tests/data/luozhuang-2019.txt");

#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub login: String,
    pub password: String,
    pub who: String,
}

#[derive(Debug, Clone)]
pub struct DemoSummary {
    pub accounts: Vec<DemoAccount>,
    pub matters: usize,
    pub requests: usize,
    pub today: Date,
    pub by_level: BTreeMap<Level, u64>,
}

/// A one-page PDF: the evidence the demo's units attach when they apply for sign-off.
const EVIDENCE_PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// The 街道 and 镇 a report names: two characters before 街道/镇, after a boundary (start, punctuation,
/// 、, 和, 与, 及), so that 新型城镇化 names no town.
pub fn places(text: &str) -> Vec<String> {
    let c: Vec<char> = text.chars().collect();
    let mut out: Vec<String> = Vec::new();
    for i in 2..c.len() {
        let suffix_len = if c[i] == '镇' {
            1
        } else if c[i] == '街' && c.get(i + 1) == Some(&'道') {
            2
        } else {
            continue;
        };
        let boundary = i < 3 || !is_cjk(c[i - 3]) || matches!(c[i - 3], '、' | '和' | '与' | '及' | '在' | '，');
        let name: String = c[i - 2..i + suffix_len].iter().collect();
        let prefix_ok = c[i - 2..i].iter().all(|&ch| is_cjk(ch) && !"城乡村型小街等个各全".contains(ch));
        if boundary && prefix_ok && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

fn is_cjk(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// A deterministic generator (64-bit LCG), enough to vary a demo.
pub(crate) struct Dice(u64);

impl Dice {
    pub(crate) fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Fills an empty store with the demo ledger as of `today`, with `requests` of the public over the
/// year before it.
pub async fn seed(store: &Store, today: Date, requests: usize) -> Result<DemoSummary, StoreError> {
    let table = LeadUnits::builtin();
    let reading = duban_report::read_text(BUNDLED_REPORT, &Options { year: Some(2019), tasks: Some(&table) });
    let plan_year = reading.plan_year.unwrap_or(2019);

    // Units: the departments of the keyword table, and the sub-districts and towns of the report.
    let mut units: Vec<(String, String)> =
        table.units().into_iter().map(|u| (u.to_string(), "区直部门".to_string())).collect();
    for p in places(&reading.text) {
        let kind = if p.ends_with("街道") { "街道" } else { "镇" };
        units.push((p, kind.to_string()));
    }
    let ids = store.import_units(&units).await?;
    let unit_of: BTreeMap<&str, UnitId> = units.iter().map(|(n, _)| n.as_str()).zip(ids.iter().copied()).collect();

    // Accounts: the office, a leader, the administrator, one per unit (the 12345 centre's below).
    // Hashing each is deliberate (the real path); the hashes are made in parallel, on every core.
    let credentials: Vec<(String, String)> = {
        use rayon::prelude::*;
        (0..units.len() + 4)
            .into_par_iter()
            .map(|_| {
                let password = generate_password();
                hash_password(&password).map(|hash| (password, hash))
            })
            .collect::<Result<_, String>>()
            .map_err(StoreError::Other)?
    };
    let mut credentials = credentials.into_iter();
    let mut accounts = Vec::new();
    let mut add = async |login: String, who: String, role: Role| -> Result<Actor, StoreError> {
        let (password, hash) =
            credentials.next().ok_or_else(|| StoreError::Other("a credential for each account".into()))?;
        let actor = store.add_user(&login, &who, &hash, role).await?;
        accounts.push(DemoAccount { login, password, who });
        Ok(actor)
    };
    let office = add("duchashi".into(), "区政府督查室".into(), Role::Office).await?;
    add("quzhang".into(), "区长".into(), Role::Leader).await?;
    add("admin".into(), "系统管理员".into(), Role::Admin).await?;
    let mut unit_actors: BTreeMap<UnitId, Actor> = BTreeMap::new();
    for (k, (name, _)) in units.iter().enumerate() {
        let id = unit_of[name.as_str()];
        let actor = add(format!("unit{:02}", k + 1), name.clone(), Role::Unit(id)).await?;
        unit_actors.insert(id, actor);
    }

    // Matters: each headline target and each task of the plan, as decomposition suggests them.
    let year_end = crate::decompose::year_end(&reading).unwrap_or(today);
    let start = Date::from_calendar_date(plan_year, Month::January, 1).unwrap_or(today);
    let by_name: crate::decompose::UnitsByName = unit_of.iter().map(|(n, id)| (n.to_string(), *id)).collect();
    let matters = crate::decompose::candidates(&reading, &by_name, &table);
    let report = crate::decompose::report(&reading, matters.clone());
    let (_, matter_ids) = store.adopt_report(&office, &report, start).await?;

    // 新增城镇就业 is shared out among the streets and towns below and reported through them.
    let places = places(BUNDLED_REPORT);
    let jobs = matter_ids
        .iter()
        .zip(&matters)
        .find(|(_, m)| m.title.contains("城镇就业") && m.standard.is_some())
        .map(|(id, _)| *id)
        .filter(|_| !places.is_empty());

    // Half a year of reports: most on track, some lagging (yellow), some stalled (red), a few done
    // (applied for with evidence, reviewed and signed off).
    let mut dice = Dice(2019);
    for (id, nm) in matter_ids.iter().zip(&matters) {
        let Some(lead) = nm.lead_unit else { continue };
        if Some(*id) == jobs {
            continue;
        }
        let unit = &unit_actors[&lead];
        let roll = dice.next();
        let (pace, stop_month) = match roll {
            r if r < 0.12 => (1.6, 6),  // ahead; signed off
            r if r < 0.62 => (1.05, 6), // on track
            r if r < 0.85 => (0.8, 6),  // lagging
            _ => (0.35, 3),             // stalled since March
        };
        let mut version = 1 + i64::from(nm.deadline.is_some()) + i64::from(nm.standard.is_some());
        let mut last_on = start;
        let span_days = (nm.deadline.unwrap_or(year_end) - start).whole_days().max(1) as f64;
        for month in 1..=stop_month.min(today.month() as u8 - 1).max(1) {
            let Ok(m) = Month::try_from(month + 1) else { continue };
            let on = Date::from_calendar_date(plan_year, m, 1).unwrap_or(today) - Duration::DAY;
            if on >= today {
                break;
            }
            let expected = ((on - start).whole_days() as f64 / span_days).min(1.0);
            let share = (expected * pace * (0.95 + 0.1 * dice.next())).min(1.0);
            let change = match &nm.standard {
                Some(s) => Change::ProgressReported {
                    value: Some(match s.goal {
                        // Counts are whole; amounts keep one decimal.
                        Goal::AtLeast if s.value.fract() == 0.0 && s.value < 1e4 => (s.value * share).round(),
                        Goal::AtLeast => (s.value * share * 10.0).round() / 10.0,
                        Goal::AtMost => s.value * 0.98,
                    }),
                    percent: None,
                    narrative: format!("截至{on}，已完成{:.0}%", share * 100.0),
                },
                None => Change::ProgressReported {
                    value: None,
                    percent: Some((share * 100.0).round()),
                    narrative: format!("截至{on}，按计划推进"),
                },
            };
            version = store.record(unit, *id, version, on, change).await?.version;
            last_on = on;
        }
        if roll < 0.12 {
            // The unit applies with its evidence on the day of its last report; the office reviews
            // and signs off the day after.
            let finished = match &nm.standard {
                Some(s) => Change::ProgressReported {
                    value: Some(s.value),
                    percent: None,
                    narrative: "已全面完成，待验收".into(),
                },
                None => Change::ProgressReported {
                    value: None,
                    percent: Some(100.0),
                    narrative: "已全面完成，待验收".into(),
                },
            };
            version = store.record(unit, *id, version, last_on, finished).await?.version;
            let evidence = [("验收材料.pdf".to_string(), EVIDENCE_PDF.to_vec())];
            let apply = Change::CompletionRequested { note: "已完成，申请销号".into() };
            version = store.record_with_evidence(unit, *id, version, last_on, Some(apply), &evidence).await?.version;
            store
                .record(
                    &office,
                    *id,
                    version,
                    (last_on + Duration::DAY).min(today),
                    Change::SignedOff { note: "核实完成，同意销号".into(), exceptions: vec![] },
                )
                .await?;
        } else if roll >= 0.85 {
            store
                .record(
                    &office,
                    *id,
                    version,
                    today - Duration::days(3),
                    Change::Reminded { note: "进度滞后，请加快推进并报送进展".into() },
                )
                .await?;
        }
    }

    // 新增城镇就业 shared out among the streets and towns (1 → N), each reporting its own share; the
    // target follows its worst street.
    if let Some(jobs) = jobs {
        let shares: Vec<NewShare> = places
            .iter()
            .filter_map(|p| unit_of.get(p.as_str()))
            .map(|&unit| NewShare { unit, weight: 1.0 / places.len() as f64, deadline: None })
            .collect();
        let version = store.timeline(&office, jobs).await?.0.version;
        let parent = store.split(&office, jobs, version, &shares, true, start + Duration::days(14)).await?;
        for share in &parent.children {
            let (child, _) = store.timeline(&office, share.matter).await?;
            let (Some(unit), Some(standard)) = (unit_of.get(share.unit.as_str()), &child.standard) else { continue };
            let pace = 0.7 + 0.6 * dice.next();
            let on = today - Duration::days(1 + (dice.next() * 20.0) as i64);
            let expected = (on - start).whole_days() as f64 / (year_end - start).whole_days().max(1) as f64;
            let value = (standard.value * expected * pace).round();
            let narrative = format!("截至{on}，本辖区新增城镇就业{value}人");
            let change = Change::ProgressReported { value: Some(value), percent: None, narrative };
            store.record(&unit_actors[unit], share.matter, child.version, on, change).await?;
        }
    }

    // A special campaign (专项督查) over the tasks that stalled, due before the year's deadline.
    let stalled: Vec<MatterId> = store
        .matters_for(&office)
        .await?
        .into_iter()
        .filter(|r| r.matter.reminders > 0 && r.matter.kind == MatterKind::Task)
        .map(|r| r.matter.id)
        .take(12)
        .collect();
    if !stalled.is_empty() {
        let deadline = today + Duration::days(60);
        store.create_campaign(&office, "滞后事项专项督查", deadline, &stalled, today - Duration::days(2)).await?;
    }

    // The public's requests: the built-in catalogue (local categories to the street itself), a 12345
    // centre account, and a year of requests.
    let catalogue = crate::catalogue::builtin(&places);
    store.import_catalogue(&office, &catalogue.categories, &catalogue.rules).await?;
    let centre = add("rexian".into(), "12345热线中心".into(), Role::Hotline).await?;
    for (title, body, category) in [
        ("社保卡补办", "携带身份证到区人社局社保服务大厅或经办银行网点补办，当场制卡。", "0402"),
        ("转学手续", "由转入学校出具接收证明，到区教体局学籍管理科办理，学籍系统内流转。", "0502"),
        ("路灯报修", "已转综合行政执法局路灯管理所，一般两个工作日内修复。", "0203"),
        ("预付卡退费", "可向区市场监督管理局投诉举报，或拨打12315，商家停业的依法处理。", "0702"),
        ("低保申请", "向户籍所在街道（镇）社会救助窗口提出申请，需提供家庭收入和财产情况。", "1002"),
    ] {
        store.add_answer(&centre, title, body, Some(category)).await?;
    }
    let by_unit_name: BTreeMap<String, Actor> = unit_actors.values().map(|a| (a.name.clone(), a.clone())).collect();
    let requests = requests::seed(store, &centre, &by_unit_name, &catalogue, &places, today, requests).await?;

    // The lists' stored warnings as of the demo's today, and the planner's statistics.
    store.refresh_assessments(today).await?;
    store.analyze().await?;
    let all: Vec<_> = store.matters_for(&office).await?.into_iter().map(|r| r.matter).collect();
    let by_level = count_by_level(&all, today, &WarningRules::default());
    Ok(DemoSummary { accounts, matters: all.len(), requests, today, by_level })
}

#[cfg(test)]
mod tests {
    use super::places;

    #[test]
    fn places_of_the_seed() {
        let p = places(super::BUNDLED_REPORT);
        for name in ["罗庄街道", "盛庄街道", "傅庄街道", "高都街道", "沂堂镇", "褚墩镇", "黄山镇"]
        {
            assert!(p.iter().any(|x| x == name), "{name} in {p:?}");
        }
        assert!(!p.iter().any(|x| x.contains('城')), "{p:?}");
    }
}
