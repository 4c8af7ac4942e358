//! The daily work's lists in the store, on SQLite and on PostgreSQL: the ledger searched, filtered,
//! sorted and paged with its total, its stored warnings equal to the fold of the timelines; the
//! request queue paged to its end over 5,000 requests (no silent cap); batch actions all or
//! nothing; reports adopted before recognised; the register of bulletins.

use duban::store::{
    Category, Channel, LedgerQuery, LedgerSort, NewBulletin, NewMatter, NewReport, NewRequest, QueueQuery, QueueView,
    Role, Store, StoreError,
};
use duban_core::Calendar;
use duban_core::casework::{RequestType, TimeLimits};
use duban_core::matter::{Change, Goal, MatterId, MatterKind, Standard, Status};
use duban_core::warning::{WarningRules, assess_all};
use time::macros::date;

async fn lists(store: &Store) {
    let edu = store.add_unit("教育和体育局", "区直部门").await.expect("unit");
    let hr = store.add_unit("人力资源和社会保障局", "区直部门").await.expect("unit");
    let office = store.add_user("office", "督查室", "$argon2id$x", Role::Office).await.expect("user");
    let edu_user = store.add_user("jiaoti", "教体局", "$argon2id$x", Role::Unit(edu)).await.expect("user");

    // A ledger of 120 tasks, half each unit's; every third with a figure to reach.
    let matters: Vec<NewMatter> = (0..120)
        .map(|i| NewMatter {
            kind: MatterKind::Task,
            title: if i == 77 {
                "新建、改扩建幼儿园6所".into()
            } else {
                format!("第{i}项工作：改造农村公路")
            },
            source: "二、2019年工作安排".into(),
            span: None,
            lead_unit: Some(if i % 2 == 0 { edu } else { hr }),
            co_units: vec![],
            deadline: Some(date!(2019 - 12 - 31) - time::Duration::days(i)),
            standard: (i % 3 == 0).then(|| Standard { value: 10.0, unit: "公里".into(), goal: Goal::AtLeast }),
            section: Some(if i < 60 { "（一）发展".into() } else { "（二）民生".into() }),
        })
        .collect();
    let report = NewReport {
        title: "罗庄区2019年政府工作报告".into(),
        jurisdiction: Some("罗庄区".into()),
        plan_year: Some(2019),
        body: "报告正文".into(),
        matters,
        supersedes: None,
    };
    let (report_id, ids) = store.adopt_report(&office, &report, date!(2019 - 01 - 01)).await.expect("adopt");
    let ids: Vec<MatterId> = ids;
    // Some reports, so the colours differ: on track, behind, and a note to search for.
    for (k, id) in ids.iter().enumerate().filter(|(k, _)| k % 5 == 0) {
        let actor = if k % 2 == 0 { &edu_user } else { &office };
        let change = if k % 2 == 0 {
            let percent = if k % 10 == 0 { 60.0 } else { 5.0 };
            Change::ProgressReported { value: None, percent: Some(percent), narrative: format!("第{k}项已开工") }
        } else {
            Change::Reminded { note: "请加快进度，补报路基照片".into() }
        };
        let v = store.timeline(&office, *id).await.expect("timeline").0.version;
        store.record(actor, *id, v, date!(2019 - 06 - 30), change).await.expect("record");
    }
    let today = date!(2019 - 07 - 01);
    assert!(store.refresh_assessments(today).await.expect("assess") >= 120);
    assert_eq!(store.refresh_assessments(today).await.expect("assess"), 0, "nothing stale the same day");

    // Pages of 50: three of them, every matter once, in ledger-number order, the total each time.
    let mut seen = Vec::new();
    for page in 1..=3 {
        let q = LedgerQuery { page, per_page: 50, ..LedgerQuery::default() };
        let p = store.ledger(&office, &q).await.expect("page");
        assert_eq!((p.total, p.pages()), (120, 3));
        seen.extend(p.rows.iter().map(|l| l.matter.number.clone().expect("a number")));
    }
    let expected: Vec<String> = (1..=120).map(|k| format!("2019-{k:03}")).collect();
    assert_eq!(seen, expected);
    // A page past the end is the last page.
    let q = LedgerQuery { page: 99, per_page: 50, ..LedgerQuery::default() };
    assert_eq!(store.ledger(&office, &q).await.expect("page").page, 3);

    // The stored warnings are the fold of the timelines, assessed together.
    let all = store.matters_for(&office).await.expect("all");
    let folded = assess_all(&all.iter().map(|r| r.matter.clone()).collect::<Vec<_>>(), today, &WarningRules::default());
    let q = LedgerQuery { per_page: 200, ..LedgerQuery::default() };
    let listed = store.ledger(&office, &q).await.expect("page");
    for (l, a) in listed.rows.iter().zip(&folded) {
        assert_eq!((l.level, l.progress), (a.level, a.actual), "{}", l.matter.cite());
    }
    let reds = folded.iter().filter(|a| a.level == duban_core::Level::Red).count() as u64;
    let q = LedgerQuery { level: Some(duban_core::Level::Red), ..LedgerQuery::default() };
    assert_eq!(store.ledger(&office, &q).await.expect("red").total, reds);

    // Search: words of the title, of a note in the timeline, a number; part of a unit's name.
    let find = |q: &str| LedgerQuery { q: q.into(), ..LedgerQuery::default() };
    let p = store.ledger(&office, &find("幼儿园")).await.expect("search");
    assert_eq!((p.total, p.rows[0].matter.id), (1, ids[77]));
    assert_eq!(store.ledger(&office, &find("补报路基照片")).await.expect("notes").total, 12);
    assert_eq!(store.ledger(&office, &find("2019-078")).await.expect("number").rows[0].matter.id, ids[77]);
    assert_eq!(store.ledger(&office, &find("100%_")).await.expect("wildcards").total, 0, "% and _ are literal");
    let q = LedgerQuery { unit: "教育".into(), ..LedgerQuery::default() };
    assert_eq!(store.ledger(&office, &q).await.expect("unit").total, 60);
    let q = LedgerQuery { section: "（二）民生".into(), ..LedgerQuery::default() };
    assert_eq!(store.ledger(&office, &q).await.expect("section").total, 60);
    // Sorted by deadline: the last matter is due first.
    let q = LedgerQuery { sort: LedgerSort::Deadline, ..LedgerQuery::default() };
    assert_eq!(store.ledger(&office, &q).await.expect("sorted").rows[0].matter.id, ids[119]);
    // A unit's ledger holds its own matters only, whatever it searches.
    let p = store.ledger(&edu_user, &LedgerQuery { per_page: 200, ..LedgerQuery::default() }).await.expect("unit");
    assert_eq!(p.total, 60);
    assert!(p.rows.iter().all(|l| l.unit.as_deref() == Some("教育和体育局")));

    // Batch actions: all of them or none.
    let reminded = Change::Reminded { note: "请于本周报送".into() };
    let done = store.record_many(&office, &ids[..3], today, &reminded).await.expect("batch");
    assert!(done.iter().all(|m| m.reminders >= 1));
    let before = store.timeline(&office, ids[4]).await.expect("timeline").0;
    let e = store.record_many(&office, &[ids[4], MatterId(999_999)], today, &reminded).await.expect_err("one missing");
    assert_eq!(e, StoreError::NotFound);
    assert_eq!(store.timeline(&office, ids[4]).await.expect("timeline").0, before, "nothing half-done");
    let sign_off = Change::SignedOff { note: String::new(), exceptions: vec![] };
    let e = store.record_many(&office, &ids[5..7], today, &sign_off).await.expect_err("needs a reason");
    assert!(matches!(&e, StoreError::Invalid(m) if m.contains("未经单位申请销号")), "{e:?}");
    let with_reason =
        Change::SignedOff { note: "任务调整，经区政府研究同意销号".into(), exceptions: vec![] };
    let closed = store.record_many(&office, &ids[5..7], today, &with_reason).await.expect("closed with a reason");
    assert!(
        closed.iter().all(|m| m.status == Status::Done && m.closing.as_ref().is_some_and(|c| !c.exceptions.is_empty()))
    );
    assert_eq!(
        store.record_many(&edu_user, &ids[..1], today, &reminded).await.expect_err("units do not remind"),
        StoreError::Forbidden
    );

    // The dashboard counted in the store equals the fold of the timelines: colours, sections in
    // ledger order, every unit's tally for the ranking, the quantified targets.
    store.refresh_assessments(today).await.expect("assess");
    let matters: Vec<_> = store.matters_for(&office).await.expect("all").into_iter().map(|r| r.matter).collect();
    let rules = WarningRules::default();
    let fold = duban_core::metrics::dashboard(&matters, today, &rules, &Default::default());
    let counted = store.dashboard(&office, today, 50).await.expect("dashboard");
    assert_eq!(counted.by_level, fold.counts);
    assert_eq!(counted.sections, fold.sections);
    let levels: Vec<_> = fold.assessments.iter().map(|a| a.level).collect();
    let mut tallies = duban_core::metrics::tally(&matters, &levels, today);
    tallies.iter_mut().for_each(|t| t.reminders = 0);
    assert_eq!(counted.tallies, tallies);
    assert_eq!((counted.done, counted.drafts), (2, 0));
    let quantified = matters.iter().filter(|m| m.standard.is_some() && !m.status.is_closed()).count() as u64;
    assert_eq!((counted.targets_total, counted.targets.len() as u64), (quantified, quantified.min(50)));
    assert!(counted.targets.iter().all(|l| l.matter.standard.is_some()));
    let mine = store.dashboard(&edu_user, today, 50).await.expect("a unit's");
    assert_eq!(mine.tallies.iter().map(|t| t.unit.as_str()).collect::<Vec<_>>(), ["教育和体育局"]);

    // A report adopted before is recognised by its text, or by its jurisdiction and year.
    let same = store.adopted_like("报告正文", None, None).await.expect("like");
    assert_eq!((same.len(), same[0].id, same[0].same_text, same[0].matters), (1, report_id, true, 120));
    let revised = store.adopted_like("修订后的报告正文", Some("罗庄区"), Some(2019)).await.expect("like");
    assert_eq!((revised.len(), revised[0].same_text), (1, false));
    assert!(store.adopted_like("另一份报告", Some("兰山区"), Some(2019)).await.expect("like").is_empty());
    assert_eq!(store.report_matters(report_id).await.expect("matters").len(), 120);
    // The store itself refuses the same report again (a double click, another tab), unless it is a
    // new version of the first; nothing of the refused one is kept.
    let again = NewReport { matters: report.matters[..1].to_vec(), ..report.clone() };
    let e = store.adopt_report(&office, &again, today).await.expect_err("refused");
    assert!(matches!(&e, StoreError::Invalid(m) if m.contains("新版本")), "{e:?}");
    let version = NewReport { supersedes: Some(report_id), ..again };
    let (second, made) = store.adopt_report(&office, &version, today).await.expect("a new version");
    let (m, _) = store.timeline(&office, made[0]).await.expect("timeline");
    assert_eq!(m.number.as_deref(), Some("2019-121"), "numbers carry on; the refused adoption took none");
    assert_eq!(
        store.adopted_like("报告正文", None, None).await.expect("like")[0],
        duban::store::AdoptedReport {
            id: second,
            title: "罗庄区2019年政府工作报告".into(),
            version: 2,
            adopted_at: store.adopted_like("报告正文", None, None).await.expect("like")[0].adopted_at.clone(),
            matters: 1,
            same_text: true,
        }
    );

    // The register of bulletins: numbered per year, kept as issued.
    let issue = |from, to| NewBulletin {
        year: 2019,
        title: "政务督查通报".into(),
        issuer: "区人民政府督查室".into(),
        issued_on: today,
        from,
        to,
    };
    let b = issue(date!(2019 - 06 - 01), date!(2019 - 06 - 30));
    assert_eq!(
        store.issue_bulletin(&edu_user, &b, |_| Ok(vec![1])).await.expect_err("office only"),
        StoreError::Forbidden
    );
    let first = store.issue_bulletin(&office, &b, |n| Ok(format!("第{n}期").into_bytes())).await.expect("issue");
    let second = store.issue_bulletin(&office, &b, |n| Ok(format!("第{n}期").into_bytes())).await.expect("issue");
    assert_eq!((first.number, second.number, first.issue()), (1, 2, "2019年第1期".to_string()));
    let (kept, bytes) = store.bulletin(&office, first.id).await.expect("kept");
    assert_eq!((kept, String::from_utf8(bytes).expect("utf-8")), (first, "第1期".to_string()));
    let backwards = issue(date!(2019 - 06 - 30), date!(2019 - 06 - 01));
    assert!(store.issue_bulletin(&office, &backwards, |_| Ok(vec![])).await.is_err());
    assert_eq!(store.bulletins(&office).await.expect("register").len(), 2);
}

/// 5,000 requests, paged 200 at a time to the end: each once, the total every time.
async fn queue_to_its_end(store: &Store) {
    let unit = store.add_unit("城市管理局", "区直部门").await.expect("unit");
    let centre = store.add_user("centre", "12345热线", "$argon2id$x", Role::Hotline).await.expect("user");
    let cat = |code: &str, name: &str, parent: Option<&str>| Category {
        code: code.into(),
        name: name.into(),
        parent: parent.map(str::to_string),
        description: String::new(),
    };
    let rules = [("0301".to_string(), String::new(), "城市管理局".to_string())];
    store
        .import_catalogue(&centre, &[cat("03", "城市管理", None), cat("0301", "路灯照明", Some("03"))], &rules)
        .await
        .expect("catalogue");
    let (cal, limits) = (Calendar::builtin(), TimeLimits::default());
    let handler = store.add_user("chengguan", "城市管理局", "$argon2id$x", Role::Unit(unit)).await.expect("user");
    let first = date!(2019 - 01 - 01);
    let mut all = Vec::new();
    for chunk in 0..5i64 {
        let items: Vec<_> = (0..1000)
            .map(|k: i64| {
                let n = chunk * 1000 + k;
                let received = first + time::Duration::days(n % 180);
                let r = NewRequest {
                    caller_name: "市民".into(),
                    phone: format!("1391234{n:04}"),
                    address: format!("罗庄区第{n}号"),
                    content: if n == 4321 {
                        "幸福小区路灯不亮".into()
                    } else {
                        format!("第{n}件：道路破损")
                    },
                    request_type: RequestType::Complaint,
                    category: "0301".into(),
                    place: None,
                    urgent: false,
                    confidential: false,
                    lat: None,
                    lon: None,
                    media_url: None,
                    address_id: None,
                };
                let assigned = Change::Assigned { lead_unit: "城市管理局".into(), co_units: vec![] };
                (r, received, vec![(received, centre.clone(), assigned)])
            })
            .collect();
        all.extend(store.import_requests(&centre, &items, &limits, &cal).await.expect("import"));
    }
    let _ = handler;
    assert_eq!(all.len(), 5000);
    let now = date!(2019 - 07 - 01).with_hms(10, 0, 0).expect("now");
    store.refresh_assessments(now.date()).await.expect("assess");
    let mut seen = std::collections::BTreeSet::new();
    let mut page = 1;
    loop {
        let q = QueueQuery { view: QueueView::All, page, per_page: 200, ..QueueQuery::default() };
        let p = store.queue(&centre, &q, now).await.expect("page");
        assert_eq!(p.total, 5000, "the total, every page");
        for r in &p.rows {
            assert!(seen.insert(r.listed.matter.id), "{} twice", r.number);
        }
        if page == p.pages() {
            break;
        }
        page += 1;
    }
    assert_eq!((seen.len(), page), (5000, 25), "every request once, to the last page");
    // A period without other filters is counted from the roll-ups and the requests not closed:
    // the same total.
    let period = QueueQuery { view: QueueView::All, from: Some(first), to: Some(now.date()), ..QueueQuery::default() };
    assert_eq!(store.queue(&centre, &period, now).await.expect("period").total, 5000);
    let march = QueueQuery {
        view: QueueView::All,
        from: Some(date!(2019 - 03 - 01)),
        to: Some(date!(2019 - 03 - 31)),
        ..QueueQuery::default()
    };
    let by_rollups = store.queue(&centre, &march, now).await.expect("march").total;
    let by_count =
        store.queue(&centre, &QueueQuery { q: "第".into(), ..march.clone() }, now).await.expect("march").total;
    assert_eq!(by_rollups, by_count, "{by_rollups} by roll-ups, {by_count} counted");
    // Newest first by default; by number and phone; by words.
    let q = QueueQuery { view: QueueView::All, descending: true, ..QueueQuery::default() };
    let newest = store.queue(&centre, &q, now).await.expect("page");
    assert!(newest.rows.windows(2).all(|w| w[0].listed.matter.created_on >= w[1].listed.matter.created_on));
    let number = all[4321].1.clone();
    let by = |q: &str| QueueQuery { view: QueueView::All, q: q.into(), ..QueueQuery::default() };
    assert_eq!(store.queue(&centre, &by(&number), now).await.expect("number").rows[0].listed.matter.id, all[4321].0);
    assert_eq!(
        store.queue(&centre, &by("13912344321"), now).await.expect("phone").rows[0].listed.matter.id,
        all[4321].0
    );
    // Imported in bulk, each request is whole: its particulars, its query code, its timeline.
    let d = store.request_detail(&centre, all[4321].0).await.expect("detail");
    assert_eq!((d.phone.as_str(), d.number.as_str()), ("13912344321", all[4321].1.as_str()));
    assert!(d.lookup_code.as_ref().is_some_and(|c| c.len() == 6), "{d:?}");
    let (m, timeline) = store.timeline(&centre, all[4321].0).await.expect("timeline");
    assert_eq!((m.version as usize, timeline.len(), m.lead_unit.as_deref()), (3, 3, Some("城市管理局")));
    let words = store.queue(&centre, &by("路灯不亮"), now).await.expect("words");
    assert_eq!((words.total, words.rows[0].category_name.as_str()), (1, "路灯照明"));
    // Live: dispatched and not signed for, all 5,000; the unit's inbox is the same 5,000.
    let live = QueueQuery::default();
    assert_eq!(store.queue(&centre, &live, now).await.expect("live").total, 5000);
    assert_eq!(store.queue(&handler, &live, now).await.expect("inbox").total, 5000);
    // Overdue by the day: those due before today (five working days after receipt).
    let overdue = store.queue(&centre, &QueueQuery { view: QueueView::Overdue, ..QueueQuery::default() }, now).await;
    assert!(overdue.expect("overdue").total > 4000);
    let counts = store.queue_counts(&centre, now, (first, now.date())).await.expect("counts");
    assert_eq!(counts.iter().find(|(k, _)| *k == "dispatched").map(|c| c.1), Some(5000));

    // Words in the live queue (its own index), in an address, and not a confidential request's
    // words for a leader.
    let live_words = |q: &str| QueueQuery { q: q.into(), ..QueueQuery::default() };
    assert_eq!(store.queue(&centre, &live_words("路灯不亮"), now).await.expect("live words").total, 1);
    assert_eq!(store.queue(&centre, &live_words("罗庄区第4321号"), now).await.expect("address").total, 1);
    let secret = NewRequest {
        caller_name: "匿名".into(),
        phone: "13900000000".into(),
        address: "工业园".into(),
        content: "举报某企业夜间偷排废水".into(),
        request_type: RequestType::Report,
        category: "0301".into(),
        place: None,
        urgent: false,
        confidential: true,
        lat: None,
        lon: None,
        media_url: None,
        address_id: None,
    };
    store.receive(Some(&centre), Channel::Phone, &secret, &limits, &cal, now).await.expect("received");
    let leader = store.add_user("quzhang", "区长", "$argon2id$x", Role::Leader).await.expect("user");
    let all_words = |q: &str| QueueQuery { view: QueueView::All, q: q.into(), ..QueueQuery::default() };
    assert_eq!(store.queue(&centre, &live_words("偷排"), now).await.expect("centre").total, 1);
    assert_eq!(store.queue(&leader, &live_words("偷排"), now).await.expect("leader").total, 0);
    assert_eq!(store.queue(&leader, &all_words("偷排"), now).await.expect("leader").total, 0);
    assert_eq!(store.queue(&leader, &live_words("路灯不亮"), now).await.expect("leader").total, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&format!("sqlite://{}", dir.path().join("l.db").display()), true).await.expect("open");
    lists(&store).await;
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_on_postgres() {
    let (url, name) = crate::store::fresh_pg().await;
    let store = Store::open(&url, false).await.expect("open");
    lists(&store).await;
    store.close().await;
    crate::store::drop_pg(&name).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_pages_to_its_end_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&format!("sqlite://{}", dir.path().join("q.db").display()), true).await.expect("open");
    queue_to_its_end(&store).await;
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_pages_to_its_end_on_postgres() {
    let (url, name) = crate::store::fresh_pg().await;
    let store = Store::open(&url, false).await.expect("open");
    queue_to_its_end(&store).await;
    store.close().await;
    crate::store::drop_pg(&name).await;
}
