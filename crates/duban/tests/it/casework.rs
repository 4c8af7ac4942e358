//! The public's requests in the store, on SQLite and on PostgreSQL: intake with a number, dispatch
//! by the catalogue, signing for, sending back, replying, the public lookup and rating, closing, the
//! caller's privacy per role, and two operators dispatching one request at once.

use duban::store::{Category, Channel, NewRequest, PublicFilter, Role, Store, StoreError};
use duban_core::Calendar;
use duban_core::casework::{CaseCounts, RequestType, TimeLimits};
use duban_core::matter::{Change, Satisfaction, Status};
use time::macros::date;

fn lamp(phone: &str, place: &str, confidential: bool) -> NewRequest {
    NewRequest {
        caller_name: "王先生".into(),
        phone: phone.into(),
        address: "罗庄区幸福小区3号楼".into(),
        content: "幸福小区路灯不亮，晚上出行不便".into(),
        request_type: RequestType::Complaint,
        category: "0301".into(),
        place: Some(place.into()),
        urgent: false,
        confidential,
        lat: Some(34.99),
        lon: Some(118.28),
        media_url: None,
        address_id: None,
    }
}

async fn casework(store: &Store) {
    let cg = store.add_unit("城市管理局", "区直部门").await.expect("unit");
    let fz = store.add_unit("傅庄街道", "街道").await.expect("unit");
    let hr = store.add_unit("人力资源和社会保障局", "区直部门").await.expect("unit");
    let centre = store.add_user("centre", "12345热线", "$argon2id$x", Role::Hotline).await.expect("user");
    let cg_user = store.add_user("chengguan", "城管局", "$argon2id$x", Role::Unit(cg)).await.expect("user");
    let fz_user = store.add_user("fuzhuang", "傅庄街道", "$argon2id$x", Role::Unit(fz)).await.expect("user");
    let hr_user = store.add_user("renshe", "人社局", "$argon2id$x", Role::Unit(hr)).await.expect("user");
    let leader = store.add_user("quzhang", "区长", "$argon2id$x", Role::Leader).await.expect("user");
    let cat = |code: &str, name: &str| Category {
        code: code.into(),
        name: name.into(),
        parent: None,
        description: String::new(),
    };
    let catalogue = [cat("03", "城市管理"), cat("0301", "路灯照明"), cat("0601", "社会保险")];
    let rules = [
        ("0301".to_string(), String::new(), "城市管理局".to_string()),
        ("0301".to_string(), "傅庄街道".to_string(), "傅庄街道".to_string()),
        ("0601".to_string(), String::new(), "人力资源和社会保障局".to_string()),
    ];
    assert_eq!(store.import_catalogue(&cg_user, &catalogue, &rules).await.expect_err("refused"), StoreError::Forbidden);
    let bad = [("0301".to_string(), String::new(), "无此单位".to_string())];
    assert!(matches!(store.import_catalogue(&centre, &catalogue, &bad).await, Err(StoreError::Invalid(_))));
    assert!(store.categories().await.expect("categories").is_empty(), "all or nothing");
    store.import_catalogue(&centre, &catalogue, &rules).await.expect("catalogue");
    assert_eq!(store.categories().await.expect("categories").len(), 3);

    // Intake: an operator's, and the public's (no account); numbers by day and matter.
    let (cal, limits, today) = (Calendar::builtin(), TimeLimits::default(), date!(2019 - 09 - 27));
    let at = today.with_hms(10, 0, 0).expect("a time of day");
    assert_eq!(
        store
            .receive(Some(&cg_user), Channel::Phone, &lamp("13812345678", "盛庄街道", false), &limits, &cal, at)
            .await
            .expect_err("refused"),
        StoreError::Forbidden
    );
    let mut unknown = lamp("13812345678", "盛庄街道", false);
    unknown.category = "9999".into();
    assert!(matches!(
        store.receive(Some(&centre), Channel::Phone, &unknown, &limits, &cal, at).await,
        Err(StoreError::Invalid(_))
    ));
    let mut no_phone = lamp("12", "盛庄街道", false);
    no_phone.content = "x".into();
    assert!(matches!(
        store.receive(None, Channel::Web, &no_phone, &limits, &cal, at).await,
        Err(StoreError::Invalid(_))
    ));
    let a = store
        .receive(Some(&centre), Channel::Phone, &lamp("13812345678", "盛庄街道", false), &limits, &cal, at)
        .await
        .expect("intake");
    assert!(a.number.starts_with("20190927") && a.number.len() == 15, "{}", a.number);
    assert_eq!(a.deadline, date!(2019 - 10 - 10), "5 working days over National Day");
    assert_eq!(a.suggested_unit.as_ref().map(|u| u.1.as_str()), Some("城市管理局"));
    // An urgent one is due in two working hours: received on Friday 16:30 before National Day, due
    // on the adjusted working Sunday at 10:30.
    let mut urgent = lamp("13700000000", "盛庄街道", false);
    urgent.urgent = true;
    let friday = date!(2019 - 09 - 27).with_hms(16, 30, 0).expect("time");
    let u = store.receive(Some(&centre), Channel::Phone, &urgent, &limits, &cal, friday).await.expect("intake");
    let (m, _) = store.timeline(&centre, u.matter).await.expect("read");
    assert_eq!(
        (u.deadline, m.due_at),
        (date!(2019 - 09 - 29), Some(date!(2019 - 09 - 29).with_hms(10, 30, 0).expect("time")))
    );
    let b = store
        .receive(None, Channel::Web, &lamp("13900001111", "傅庄街道", true), &limits, &cal, at)
        .await
        .expect("intake");
    assert_eq!(b.suggested_unit.as_ref().map(|u| u.1.as_str()), Some("傅庄街道"), "the place's own rule first");
    let (m, events) = store.timeline(&centre, b.matter).await.expect("timeline");
    assert_eq!((m.status, events[0].actor.as_str()), (Status::Draft, "公众"));
    assert!(store.account("public").await.is_err(), "the system account never signs in");

    // Two operators dispatch the same request at once: one wins, the other conflicts.
    let (s1, s2) = (store.clone(), store.clone());
    let (c1, c2) = (centre.clone(), centre.clone());
    let (id, v) = (a.matter, m.version);
    let t1 = tokio::spawn(async move { s1.dispatch(&c1, id, v, cg, today).await });
    let t2 = tokio::spawn(async move { s2.dispatch(&c2, id, v, hr, today).await });
    let (r1, r2) = (t1.await.expect("task"), t2.await.expect("task"));
    assert_eq!(
        [&r1, &r2].iter().filter(|r| r.is_ok()).count()
            + [&r1, &r2].iter().filter(|r| matches!(r, Err(StoreError::Conflict { .. }))).count(),
        2,
        "{r1:?} {r2:?}"
    );
    assert!(r1.is_ok() != r2.is_ok(), "exactly one wins: {r1:?} {r2:?}");
    let winner = if r1.is_ok() { (cg, &cg_user, &hr_user) } else { (hr, &hr_user, &cg_user) };
    let (_, handler, other) = winner;
    let m = store.timeline(&centre, a.matter).await.expect("read").0;
    assert_eq!(m.status, Status::Dispatched);
    assert_eq!(store.timeline(other, a.matter).await.expect_err("refused"), StoreError::Forbidden);

    // The handler sends it back (退单); it is the centre's again and no longer the unit's.
    let back = Change::Returned { reason: "不属于本单位职责".into() };
    let m = store.record(handler, a.matter, m.version, today, back).await.expect("return");
    assert_eq!((m.status, m.returns, m.lead_unit.clone()), (Status::Draft, 1, None));
    assert_eq!(store.timeline(handler, a.matter).await.expect_err("refused"), StoreError::Forbidden);
    let m = store.dispatch(&centre, a.matter, m.version, cg, today).await.expect("dispatch again");
    assert_eq!(m.lead_unit.as_deref(), Some("城市管理局"));
    assert_eq!(
        store.record(&centre, a.matter, m.version, today, Change::Accepted).await.expect_err("refused"),
        StoreError::Forbidden
    );
    let m = store.record(&cg_user, a.matter, m.version, today, Change::Accepted).await.expect("sign for");
    let reply = Change::Replied { text: "已安排维修，路灯已恢复".into(), class: None };
    let m = store.record(&cg_user, a.matter, m.version, date!(2019 - 09 - 30), reply).await.expect("reply");
    assert_eq!(m.status, Status::Replied);

    // Privacy: full particulars for the centre and the handler, masked for a leader, none for others.
    let full = store.request_detail(&centre, a.matter).await.expect("detail");
    assert_eq!((full.phone.as_str(), full.caller_name.as_str()), ("13812345678", "王先生"));
    assert_eq!(store.request_detail(&cg_user, a.matter).await.expect("detail").phone, "13812345678");
    let masked = store.request_detail(&leader, a.matter).await.expect("detail");
    assert_eq!((masked.phone.as_str(), masked.caller_name.as_str()), ("138****5678", "王*"));
    assert_eq!(store.request_detail(&fz_user, a.matter).await.expect_err("refused"), StoreError::Forbidden);

    // The public lookup needs the query code given at intake (the phone's last four digits, which
    // anyone who knows the caller knows, no longer open it); it shows no phone, and a confidential
    // request no content.
    assert_eq!(store.lookup(&a.number, "0000").await.expect_err("refused"), StoreError::NotFound);
    assert_eq!(store.lookup(&a.number, "5678").await.expect_err("refused"), StoreError::NotFound);
    assert_eq!(store.lookup(&a.number, "").await.expect_err("refused"), StoreError::NotFound);
    assert_eq!(store.lookup("20190927x", &a.lookup_code).await.expect_err("refused"), StoreError::NotFound);
    assert_ne!(a.lookup_code, b.lookup_code);
    let public = store.lookup(&a.number, &a.lookup_code.to_lowercase()).await.expect("lookup");
    assert_eq!(
        (public.status, public.reply.as_deref(), public.unit.as_deref()),
        (Status::Replied, Some("已安排维修，路灯已恢复"), Some("城市管理局"))
    );
    let text = serde_json::to_string(&public).expect("json");
    assert!(!text.contains("13812345678") && !text.contains("王先生"), "{text}");
    // A leader reads that a confidential request exists and how it stands, not its words.
    let (m, _) = store.timeline(&leader, b.matter).await.expect("the leader reads it");
    assert!(m.title.contains("保密件") && !m.title.contains("路灯"), "{}", m.title);
    let d = store.request_detail(&leader, b.matter).await.expect("detail");
    assert!(d.content.contains("保密件") && d.address.is_empty(), "{d:?}");
    assert!(store.request_detail(&centre, b.matter).await.expect("detail").content.contains("路灯"));
    assert!(store.timeline(&centre, b.matter).await.expect("read").0.title.contains("路灯"));
    let secret = store.lookup(&b.number, &b.lookup_code).await.expect("lookup");
    assert_eq!((secret.content.clone(), secret.address.clone(), secret.lat), (None, None, None));

    // The caller rates; unsatisfied, it is handled again; then satisfied and closed.
    let m = store
        .rate_publicly(&a.number, &a.lookup_code, Satisfaction::Unsatisfied, Some(false), date!(2019 - 10 - 08))
        .await
        .expect("rate");
    assert_eq!(m.rating.as_ref().map(|r| r.satisfaction), Some(Satisfaction::Unsatisfied));
    assert!(
        matches!(
            store.rate_publicly(&b.number, &b.lookup_code, Satisfaction::Satisfied, None, today).await,
            Err(StoreError::Invalid(_))
        ),
        "nothing to rate yet"
    );
    let m = store
        .record(&centre, a.matter, m.version, date!(2019 - 10 - 08), Change::Reopened { reason: "回访不满意".into() })
        .await
        .expect("reopen");
    let replied = store
        .record(
            &cg_user,
            a.matter,
            m.version,
            date!(2019 - 10 - 09),
            Change::Replied { text: "已更换灯具".into(), class: None },
        )
        .await
        .expect("reply");
    assert_eq!((replied.status, replied.reopens), (Status::Replied, 1));
    let m = store
        .rate_publicly(&a.number, &a.lookup_code, Satisfaction::Satisfied, Some(true), date!(2019 - 10 - 10))
        .await
        .expect("rate");
    let m = store
        .record(
            &centre,
            a.matter,
            m.version,
            date!(2019 - 10 - 10),
            Change::SignedOff { note: "办结".into(), exceptions: vec![] },
        )
        .await
        .expect("close");
    assert_eq!((m.status, m.reopens), (Status::Done, 1));

    // The counts of the published rates, by type.
    let groups = store
        .case_counts(&centre, today, today, |m| {
            m.case.as_ref().map(|c| c.request_type.label().to_string()).unwrap_or_default()
        })
        .await
        .expect("counts");
    assert_eq!(groups.len(), 1);
    let c = groups[0].1;
    assert_eq!(
        c,
        CaseCounts {
            received: 3,
            dispatched: 1,
            returned: 1,
            replied: 1,
            closed: 1,
            closed_on_time: 1,
            rated: 1,
            satisfied: 1,
            basic: 0,
            solved_known: 1,
            solved: 1,
            reopened: 1
        }
    );
    // The roll-ups agree with the requests themselves, in total and by category, after every kind of
    // change (intake, dispatch, return, re-dispatch, reply, ratings, reopening, closing).
    for by in ["category", "unit", "type", "place", "month"] {
        let rolled = store.rollup_counts(&centre, today, today, by).await.expect("roll-ups");
        let mut total = CaseCounts::default();
        rolled.iter().for_each(|(_, c)| total.add(c));
        assert_eq!(total, c, "by {by}: {rolled:?}");
    }
    let by_category = store
        .case_counts(&centre, today, today, |m| m.case.as_ref().map(|c| c.category.clone()).unwrap_or_default())
        .await
        .expect("counts");
    assert_eq!(store.rollup_counts(&centre, today, today, "category").await.expect("roll-ups"), by_category);
    let mine = store.rollup_counts(&cg_user, today, today, "unit").await.expect("roll-ups");
    assert_eq!(mine.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["城市管理局"], "a unit counts its own");
    let listed = store
        .public_requests(&PublicFilter { limit: 10, open: Some(false), ..PublicFilter::default() })
        .await
        .expect("list");
    assert_eq!(listed.iter().map(|r| r.number.as_str()).collect::<Vec<_>>(), [a.number.as_str()]);
    let listed = store
        .public_requests(&PublicFilter {
            limit: 10,
            categories: vec!["0301".into()],
            from: Some(today),
            to: Some(today),
            ..PublicFilter::default()
        })
        .await
        .expect("list");
    assert_eq!(listed.len(), 3);
    let key = store.add_api_key("市级平台").await.expect("key");
    assert_eq!(store.api_key(&key).await.expect("key").as_deref(), Some("市级平台"));
    assert_eq!(store.api_key("nope").await.expect("key"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn casework_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&format!("sqlite://{}", dir.path().join("r.db").display()), true).await.expect("open");
    casework(&store).await;
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn casework_on_postgres() {
    let (url, name) = crate::store::fresh_pg().await;
    let store = Store::open(&url, false).await.expect("open");
    casework(&store).await;
    store.close().await;
    crate::store::drop_pg(&name).await;
}

/// The benchmark's synthetic requests are real rows: their states read back as matters, and their
/// roll-ups count every one of them.
#[tokio::test]
async fn synthetic_requests_are_readable_and_rolled_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&format!("sqlite://{}", dir.path().join("s.db").display()), true).await.expect("open");
    store.add_unit("综合行政执法局", "区直部门").await.expect("unit");
    let centre = store.add_user("centre", "12345热线", "$argon2id$x", Role::Hotline).await.expect("user");
    let c = duban::catalogue::builtin(&[]);
    let rules: Vec<_> = c.rules.iter().filter(|r| r.2 == "综合行政执法局").cloned().collect();
    store.import_catalogue(&centre, &c.categories, &rules).await.expect("catalogue");
    store.synthesize_requests(3650, date!(2019 - 01 - 01), &["傅庄街道".to_string()]).await.expect("synthesize");
    let (from, to) = (date!(2019 - 01 - 01), date!(2019 - 12 - 31));
    let folded = store.case_counts(&centre, from, to, |_| String::new()).await.expect("fold");
    assert_eq!(folded[0].1.received, 3650, "every state reads back as a matter");
    let rolled = store.rollup_counts(&centre, from, to, "place").await.expect("roll-ups");
    assert_eq!(rolled.len(), 1);
    assert_eq!(rolled[0].0, "傅庄街道");
    assert_eq!(rolled[0].1.received, 3650);
    assert_eq!(rolled[0].1.closed, 3650 - 3650 / 300, "the fates are a function of the number");
}
