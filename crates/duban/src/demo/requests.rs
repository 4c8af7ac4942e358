//! The demo's year of requests (`duban demo --requests N`): a realistic mix of types, categories,
//! places and units, with the delays, returns, extensions, ratings and reopenings a 12345 centre
//! sees, made by a seeded generator so the same demo comes out every time. The figures of the
//! metrics page can be recomputed from the exported ledger of requests.

use std::collections::BTreeMap;

use duban_core::Calendar;
use duban_core::casework::{RequestType, TimeLimits};
use duban_core::matter::{Change, Satisfaction};
use time::{Date, Duration};

use super::Dice;
use crate::catalogue::Catalogue;
use crate::store::{Actor, NewRequest, Store, StoreError};

const TYPES: &[(RequestType, f64)] = &[
    (RequestType::Consultation, 0.38),
    (RequestType::Help, 0.22),
    (RequestType::Complaint, 0.25),
    (RequestType::Report, 0.05),
    (RequestType::Suggestion, 0.08),
    (RequestType::Praise, 0.02),
];

const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡"];
const SPOTS: &[&str] = &[
    "幸福小区",
    "沂河花园",
    "罗庄二中附近",
    "南坊新村",
    "工业园",
    "滨河路",
    "湖西社区",
    "商贸城",
    "翠湖小区",
    "火车站北",
];

fn pick<'a, T>(dice: &mut Dice, items: &'a [T]) -> &'a T {
    &items[((dice.next() * items.len() as f64) as usize).min(items.len() - 1)]
}

fn weighted(dice: &mut Dice, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut x = dice.next() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

/// Takes `n` requests in over the year before `today` and moves each on as far as `today` allows.
pub async fn seed(
    store: &Store,
    centre: &Actor,
    units: &BTreeMap<String, Actor>,
    catalogue: &Catalogue,
    places: &[String],
    today: Date,
    n: usize,
) -> Result<usize, StoreError> {
    let (limits, calendar) = (TimeLimits::default(), Calendar::builtin());
    let leaves: Vec<&crate::store::Category> = catalogue.categories.iter().filter(|c| c.parent.is_some()).collect();
    // A few categories carry most of the load (as on every hotline): weights fall with the index.
    let category_weights: Vec<f64> = (0..leaves.len()).map(|i| 1.0 / (1.0 + (i % 11) as f64)).collect();
    let unit_for = |category: &str, place: &str| -> Option<&Actor> {
        let rule = catalogue
            .rules
            .iter()
            .find(|r| r.0 == category && r.1 == place)
            .or_else(|| catalogue.rules.iter().find(|r| r.0 == category && r.1.is_empty()));
        rule.and_then(|r| units.get(&r.2))
    };
    let fallback = units.get("区政府办公室").or_else(|| units.values().next());
    let mut dice = Dice(12345);
    let mut batch = Vec::new();
    let mut made = 0;
    for k in 0..n {
        let received = today - Duration::days((dice.next() * 365.0) as i64);
        let request_type = TYPES[weighted(&mut dice, &TYPES.iter().map(|t| t.1).collect::<Vec<_>>())].0;
        let category = leaves[weighted(&mut dice, &category_weights)];
        let place = pick(&mut dice, places).clone();
        let urgent = dice.next() < 0.03;
        let confidential = request_type == RequestType::Report && dice.next() < 0.5;
        let phone = format!("13{}{:08}", 5 + (k % 5), (dice.next() * 1e8) as u64);
        let spot = *pick(&mut dice, SPOTS);
        let r = NewRequest {
            caller_name: format!("{}{}", pick(&mut dice, SURNAMES), if dice.next() < 0.5 { "先生" } else { "女士" }),
            phone,
            address: format!("罗庄区{place}{spot}"),
            content: format!(
                "{request}：{place}{spot}，{what}",
                request = request_type.label(),
                what = category.description.split('、').next().unwrap_or(&category.name)
            ),
            request_type,
            category: category.code.clone(),
            place: Some(place.clone()),
            urgent,
            confidential,
            lat: Some(35.00 + dice.next() * 0.12),
            lon: Some(118.22 + dice.next() * 0.14),
            media_url: None,
            address_id: None,
        };
        let deadline = limits.deadline(&calendar, received, request_type, urgent);
        let mut events: Vec<(Date, Actor, Change)> = Vec::new();
        let mut on = received;
        let push = |events: &mut Vec<(Date, Actor, Change)>, on: Date, who: &Actor, change: Change| {
            if on <= today {
                events.push((on, who.clone(), change));
                true
            } else {
                false
            }
        };
        let rating = |dice: &mut Dice| {
            let x = dice.next();
            let s = if x < 0.88 {
                Satisfaction::Satisfied
            } else if x < 0.94 {
                Satisfaction::Basic
            } else {
                Satisfaction::Unsatisfied
            };
            let solved = match s {
                Satisfaction::Satisfied => Some(dice.next() < 0.97),
                Satisfaction::Basic => Some(dice.next() < 0.7),
                Satisfaction::Unsatisfied => Some(false),
            };
            Change::Rated { satisfaction: s, solved }
        };
        if request_type == RequestType::Consultation && dice.next() < 0.55 {
            // Answered on the line from the knowledge base, and closed.
            push(&mut events, on, centre, Change::Replied { text: "已按政策解答".into(), class: None });
            if dice.next() < 0.7 {
                push(&mut events, on, centre, rating(&mut dice));
            }
            push(&mut events, on, centre, Change::SignedOff { note: "直接办结".into(), exceptions: vec![] });
        } else if let Some(unit) = unit_for(&category.code, &place).or(fallback) {
            let mut unit = unit;
            push(&mut events, on, centre, Change::Assigned { lead_unit: unit.name.clone(), co_units: vec![] });
            if dice.next() < 0.03 {
                on += Duration::days(1);
                if !push(&mut events, on, unit, Change::Returned { reason: "不属于本单位职责".into() }) {
                    batch.push((r, received, events));
                    continue;
                }
                unit = fallback.unwrap_or(unit);
                push(&mut events, on, centre, Change::Assigned { lead_unit: unit.name.clone(), co_units: vec![] });
            }
            on += Duration::days((dice.next() * 1.5) as i64);
            if push(&mut events, on, unit, Change::Accepted) {
                let mut due = deadline;
                if dice.next() < 0.02 {
                    due = deadline + Duration::days(7);
                    push(
                        &mut events,
                        on,
                        unit,
                        Change::ExtensionRequested { until: due, reason: "需多部门协调".into() },
                    );
                    push(&mut events, on, centre, Change::ExtensionDecided { granted: true, note: "同意延期".into() });
                }
                let late = dice.next() < 0.05;
                let span = (due - on).whole_days().max(0) as f64;
                let reply_on = if late {
                    due + Duration::days(1 + (dice.next() * 5.0) as i64)
                } else {
                    on + Duration::days((dice.next() * span) as i64)
                };
                if push(
                    &mut events,
                    reply_on,
                    unit,
                    Change::Replied { text: format!("已办理：{}", category.name), class: None },
                ) {
                    let visit = reply_on + Duration::days(1 + (dice.next() * 2.0) as i64);
                    let mut closed_on = visit;
                    if dice.next() < 0.85 && push(&mut events, visit, centre, rating(&mut dice)) {
                        let unhappy = matches!(
                            events.last(),
                            Some((_, _, Change::Rated { satisfaction: Satisfaction::Unsatisfied, .. }))
                        );
                        if unhappy && dice.next() < 0.6 {
                            push(
                                &mut events,
                                visit,
                                centre,
                                Change::Reopened { reason: "回访不满意，重新办理".into() },
                            );
                            let again = visit + Duration::days(2 + (dice.next() * 4.0) as i64);
                            if push(
                                &mut events,
                                again,
                                unit,
                                Change::Replied { text: "已重新办理".into(), class: None },
                            ) {
                                closed_on = again + Duration::days(1);
                                let s = if dice.next() < 0.7 { Satisfaction::Satisfied } else { Satisfaction::Basic };
                                push(
                                    &mut events,
                                    closed_on,
                                    centre,
                                    Change::Rated { satisfaction: s, solved: Some(true) },
                                );
                            } else {
                                batch.push((r, received, events));
                                continue;
                            }
                        }
                    }
                    if dice.next() < 0.997 {
                        push(
                            &mut events,
                            closed_on,
                            centre,
                            Change::SignedOff { note: "办结".into(), exceptions: vec![] },
                        );
                    }
                }
            }
        }
        batch.push((r, received, events));
        if batch.len() >= 2000 {
            made += store.import_requests(centre, &batch, &limits, &calendar).await?.len();
            batch.clear();
        }
    }
    if !batch.is_empty() {
        made += store.import_requests(centre, &batch, &limits, &calendar).await?.len();
    }
    Ok(made)
}
