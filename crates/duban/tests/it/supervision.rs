//! The rest of the closed loop in the store, on SQLite and on PostgreSQL: a matter split among
//! streets with its roll-up and access, evidence files, a special campaign, a reminder reaching a
//! unit's group robot (a local receiver standing in for DingTalk / WeCom), and a past period seen
//! as it stood.

use std::sync::{Arc, Mutex};

use duban::store::{NewMatter, NewReport, NewShare, Role, Store, StoreError};
use duban::webhook::Policy;
use duban_core::matter::{Change, Goal, MatterKind, Standard};
use duban_core::warning::{Level, Reason, WarningRules, assess_all};
use time::macros::date;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR-evidence";

/// A stand-in for a group robot: records what it is sent, answers 200.
async fn receiver() -> (String, Arc<Mutex<Vec<String>>>) {
    let got: Arc<Mutex<Vec<String>>> = Arc::default();
    let keep = got.clone();
    let app = axum::Router::new().route(
        "/robot/send",
        axum::routing::post(move |body: String| {
            let keep = keep.clone();
            async move {
                keep.lock().expect("lock").push(body);
                axum::Json(serde_json::json!({"errcode": 0, "errmsg": "ok"}))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/robot/send?access_token=test"), got)
}

async fn supervision(store: &Store) {
    let hr = store.add_unit("人力资源和社会保障局", "区直部门").await.expect("unit");
    let fz = store.add_unit("傅庄街道", "街道").await.expect("unit");
    let sz = store.add_unit("盛庄街道", "街道").await.expect("unit");
    let office = store.add_user("office", "督查室", "$argon2id$x", Role::Office).await.expect("user");
    let admin = store.add_user("admin", "系统管理员", "$argon2id$x", Role::Admin).await.expect("user");
    let hr_user = store.add_user("renshe", "人社局", "$argon2id$x", Role::Unit(hr)).await.expect("user");
    let fz_user = store.add_user("fuzhuang", "傅庄街道", "$argon2id$x", Role::Unit(fz)).await.expect("user");
    let sz_user = store.add_user("shengzhuang", "盛庄街道", "$argon2id$x", Role::Unit(sz)).await.expect("user");
    let report = NewReport {
        title: "报告".into(),
        jurisdiction: None,
        plan_year: Some(2019),
        body: String::new(),
        matters: vec![NewMatter {
            kind: MatterKind::Target,
            title: "新增城镇就业4900人".into(),
            source: "年内新增城镇就业4900人".into(),
            span: Some((5, 15)),
            lead_unit: Some(hr),
            co_units: vec![],
            deadline: Some(date!(2019 - 12 - 31)),
            standard: Some(Standard { value: 4900.0, unit: "人".into(), goal: Goal::AtLeast }),
            section: Some("主要预期目标".into()),
        }],
        supersedes: None,
    };
    let (_, ids) = store.adopt_report(&office, &report, date!(2019 - 03 - 01)).await.expect("adopt");
    let jobs = ids[0];
    let version = store.timeline(&office, jobs).await.expect("read").0.version;

    // Split 40/60 between two streets, the parent following its worst child.
    let shares = [
        NewShare { unit: fz, weight: 0.4, deadline: None },
        NewShare { unit: sz, weight: 0.6, deadline: Some(date!(2019 - 10 - 31)) },
    ];
    let on = date!(2019 - 03 - 05);
    assert_eq!(
        store.split(&hr_user, jobs, version, &shares, true, on).await.expect_err("refused"),
        StoreError::Forbidden
    );
    let too_much = [NewShare { weight: 0.7, ..shares[0].clone() }, shares[1].clone()];
    assert!(matches!(store.split(&office, jobs, version, &too_much, true, on).await, Err(StoreError::Invalid(_))));
    assert!(matches!(
        store.split(&office, jobs, version - 1, &shares, true, on).await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(store.matters_for(&office).await.expect("list").len(), 1, "refused splits leave nothing behind");
    let parent = store.split(&office, jobs, version, &shares, true, on).await.expect("split");
    assert_eq!(parent.children.len(), 2);
    let (fz_child, sz_child) = (parent.children[0].matter, parent.children[1].matter);
    let (child, events) = store.timeline(&office, sz_child).await.expect("child");
    assert_eq!((child.standard.as_ref().map(|s| s.value), child.deadline), (Some(2940.0), Some(date!(2019 - 10 - 31))));
    assert_eq!((child.parent, child.weight, child.lead_unit.as_deref()), (Some(jobs), 0.6, Some("盛庄街道")));
    assert!(matches!(events[0].change, Change::SplitFrom { .. }));
    // Splitting by hand through the generic verb is refused: only `split` makes children.
    assert!(matches!(
        store.record(&office, jobs, parent.version, on, Change::Split { shares: vec![], follow_worst: false }).await,
        Err(StoreError::Invalid(_))
    ));

    // Who sees what: a street its own share; the lead unit its matter and the shares under it.
    let ids_of = |rows: Vec<duban::store::MatterRow>| rows.into_iter().map(|r| r.matter.id).collect::<Vec<_>>();
    assert_eq!(ids_of(store.matters_for(&fz_user).await.expect("list")), [fz_child]);
    assert_eq!(ids_of(store.matters_for(&hr_user).await.expect("list")), [jobs, fz_child, sz_child]);
    assert_eq!(store.timeline(&fz_user, jobs).await.expect_err("refused"), StoreError::Forbidden);
    assert_eq!(store.timeline(&fz_user, sz_child).await.expect_err("refused"), StoreError::Forbidden);
    assert_eq!(store.family(&hr_user, jobs).await.expect("family").children.len(), 2);
    assert_eq!(store.family(&office, jobs).await.expect("family").children.len(), 2);
    assert_eq!(store.family(&fz_user, fz_child).await.expect("family").children.len(), 0);
    // The lead unit sees its streets' shares but reports only on its own.
    let report = |v: f64| Change::ProgressReported { value: Some(v), percent: None, narrative: "上半年".into() };
    let v = store.timeline(&office, fz_child).await.expect("read").0.version;
    assert_eq!(
        store.record(&hr_user, fz_child, v, date!(2019 - 06 - 30), report(1960.0)).await.expect_err("refused"),
        StoreError::Forbidden
    );
    assert!(!store.family(&hr_user, fz_child).await.expect("family").responsible);
    assert!(store.family(&fz_user, fz_child).await.expect("family").responsible);
    assert!(!store.family(&office, fz_child).await.expect("family").responsible, "the office sees, it does not report");
    store.record(&fz_user, fz_child, v, date!(2019 - 06 - 30), report(1960.0)).await.expect("report");

    // The roll-up: 40% × 100% + 60% × 0% = 40%; the quiet street is red, so is the parent.
    let all: Vec<_> = store.matters_for(&office).await.expect("list").into_iter().map(|r| r.matter).collect();
    let a = assess_all(&all, date!(2019 - 07 - 01), &WarningRules::default());
    assert!((a[0].actual.expect("rolled up") - 0.4).abs() < 1e-9, "{:?}", a[0]);
    assert_eq!((a[1].level, a[2].level), (Level::Green, Level::Red));
    assert!(a[0].reasons.iter().any(|r| matches!(r, Reason::WorstChild { count: 1, level: Level::Red })), "{a:?}");

    // Evidence: type and size checked, refused ones change nothing, kept ones read back whole.
    let v = store.timeline(&fz_user, fz_child).await.expect("read").0.version;
    let day = date!(2019 - 07 - 01);
    assert!(matches!(
        store.attach(&fz_user, fz_child, v, "x.exe", b"MZ\x90\x00", day).await,
        Err(StoreError::Invalid(_))
    ));
    let big = [PNG, &vec![0u8; 10 << 20]].concat();
    let e = store.attach(&fz_user, fz_child, v, "大图.png", &big, day).await.expect_err("refused");
    assert!(e.to_string().contains("大图.png") && e.to_string().contains("10MB"), "{e}");
    assert_eq!(
        store.attach(&sz_user, fz_child, v, "a.png", PNG, day).await.expect_err("refused"),
        StoreError::Forbidden
    );
    let m = store.attach(&fz_user, fz_child, v, "C:\\照片\\招聘会现场.png", PNG, day).await.expect("attach");
    assert_eq!((m.version, m.attachments.len()), (v + 1, 1), "one event, one file");
    let file = m.attachments[0].clone();
    assert_eq!((file.name.as_str(), file.mime.as_str(), file.size), ("招聘会现场.png", "image/png", PNG.len() as u64));
    let (name, mime, bytes) = store.attachment(&hr_user, fz_child, &file.id).await.expect("the lead unit reads it");
    assert_eq!((name.as_str(), mime.as_str(), bytes.as_slice()), ("招聘会现场.png", "image/png", PNG));
    assert_eq!(store.attachment(&sz_user, fz_child, &file.id).await.expect_err("refused"), StoreError::Forbidden);
    assert_eq!(store.attachment(&office, sz_child, &file.id).await.expect_err("refused"), StoreError::NotFound);

    // A special campaign due before the year's deadline: overdue members turn red and say why.
    assert_eq!(
        store
            .create_campaign(&fz_user, "就业百日攻坚", date!(2019 - 06 - 30), &[sz_child], day)
            .await
            .expect_err("refused"),
        StoreError::Forbidden
    );
    let c = store
        .create_campaign(&office, "就业百日攻坚", date!(2019 - 06 - 30), &[sz_child], day)
        .await
        .expect("campaign");
    let listed = store.campaigns(&office).await.expect("campaigns");
    assert_eq!((listed.len(), listed[0].id, listed[0].matters.clone()), (1, c, vec![sz_child]));
    assert!(store.campaigns(&fz_user).await.expect("campaigns").is_empty(), "not a member: not shown");
    assert_eq!(store.campaigns(&sz_user).await.expect("campaigns").len(), 1);
    let (m, events) = store.timeline(&office, sz_child).await.expect("read");
    assert!(matches!(events.last().map(|e| &e.change), Some(Change::CampaignJoined { .. })));
    let a = assess_all(&[m], date!(2019 - 07 - 02), &WarningRules::default());
    assert!(a[0].reasons.iter().any(|r| r.explain().contains("就业百日攻坚")), "{:?}", a[0].reasons);

    // A reminder reaches the street's group robot through the outbox; a dead robot is retried.
    let (url, got) = receiver().await;
    // Webhooks go only where the configuration allows: by default a robot's host over https, and
    // nothing on this machine or the internal network.
    let strict = Policy::default();
    assert_eq!(store.set_webhook(&sz_user, sz, Some(&url), &strict).await.expect_err("refused"), StoreError::Forbidden);
    assert_eq!(store.set_webhook(&office, sz, Some(&url), &strict).await.expect_err("refused"), StoreError::Forbidden);
    for bad in [url.as_str(), "ftp://x", "https://10.0.0.8/robot", "http://oapi.dingtalk.com/robot/send"] {
        assert!(
            matches!(store.set_webhook(&admin, sz, Some(bad), &strict).await, Err(StoreError::Invalid(_))),
            "{bad}"
        );
    }
    // The test's receiver is on this machine: allowed by naming its address, as an intranet's
    // robot gateway would be.
    let local = Policy { allowed_addresses: vec!["127.0.0.1".parse().expect("ip")], ..Policy::default() };
    store.set_webhook(&admin, sz, Some(&url), &local).await.expect("webhook");
    store.set_webhook(&admin, fz, Some("http://127.0.0.1:9/robot/send"), &local).await.expect("webhook");
    let v = store.timeline(&office, sz_child).await.expect("read").0.version;
    store.record(&office, sz_child, v, day, Change::Reminded { note: "请尽快报送进展".into() }).await.expect("remind");
    let v = store.timeline(&office, fz_child).await.expect("read").0.version;
    store.record(&office, fz_child, v, day, Change::Escalated { note: "请补充材料".into() }).await.expect("escalate");
    let v = store.timeline(&office, jobs).await.expect("read").0.version;
    store.record(&office, jobs, v, day, Change::Reminded { note: "人社局无机器人".into() }).await.expect("remind");
    assert_eq!(store.pending_deliveries(5, 10).await.expect("outbox").len(), 2, "one per unit with a robot");
    // Under the default policy nothing leaves for this machine, whatever the outbox holds.
    let strict_client = duban::webhook::client(Arc::new(strict.clone()));
    assert_eq!(duban::webhook::deliver_pending(store, &strict_client, &strict).await.expect("deliver"), 0);
    assert!(got.lock().expect("lock").is_empty(), "refused before any connection");
    let waiting = store.pending_deliveries(5, 10).await.expect("outbox");
    assert!(waiting.len() == 2 && waiting.iter().all(|d| d.attempts == 1), "counted as failed tries");
    let client = duban::webhook::client(Arc::new(local.clone()));
    assert_eq!(duban::webhook::deliver_pending(store, &client, &local).await.expect("deliver"), 1);
    let sent = got.lock().expect("lock").clone();
    assert_eq!(sent.len(), 1);
    let message: serde_json::Value = serde_json::from_str(&sent[0]).expect("JSON");
    assert_eq!(message["msgtype"], "text");
    let content = message["text"]["content"].as_str().expect("content");
    assert!(
        content.contains("【催办】") && content.contains("请尽快报送进展") && content.contains("盛庄街道"),
        "{content}"
    );
    let left = store.pending_deliveries(5, 10).await.expect("outbox");
    assert_eq!((left.len(), left[0].attempts), (1, 2), "the dead robot's message waits for a retry");
    for _ in 0..5 {
        duban::webhook::deliver_pending(store, &client, &local).await.expect("deliver");
    }
    assert!(store.pending_deliveries(5, 10).await.expect("outbox").is_empty(), "given up after 5 attempts");
    assert_eq!(got.lock().expect("lock").len(), 1, "a delivered message is not sent again");

    // The ledger as it stood: before the split, one matter and no children; before the report, none.
    let then = store.matters_as_of(&office, date!(2019 - 03 - 02)).await.expect("as of");
    assert_eq!((then.len(), then[0].matter.children.len()), (1, 0));
    let then = store.matters_as_of(&office, date!(2019 - 06 - 29)).await.expect("as of");
    assert_eq!(then.len(), 3);
    assert_eq!(then.iter().find(|r| r.matter.id == fz_child).and_then(|r| r.matter.latest_value), None);
    let now = store.matters_as_of(&office, date!(2019 - 12 - 31)).await.expect("as of");
    let current = store.matters_for(&office).await.expect("list");
    assert_eq!(
        now.iter().map(|r| &r.matter).collect::<Vec<_>>(),
        current.iter().map(|r| &r.matter).collect::<Vec<_>>(),
        "folding the whole timeline gives the stored state"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn supervision_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&format!("sqlite://{}", dir.path().join("s.db").display()), true).await.expect("open");
    supervision(&store).await;
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn supervision_on_postgres() {
    let (url, name) = crate::store::fresh_pg().await;
    let store = Store::open(&url, false).await.expect("open");
    supervision(&store).await;
    store.close().await;
    crate::store::drop_pg(&name).await;
}

/// A name on the allow-list that resolves to an internal address reaches nothing: the check is on
/// the addresses the name resolves to, when the message is sent.
#[tokio::test]
async fn a_name_that_resolves_inside_is_refused_after_resolution() {
    let (url, got) = receiver().await;
    let port = url.split(':').nth(2).and_then(|p| p.split('/').next()).expect("port").to_string();
    let policy = Arc::new(Policy { allowed_hosts: vec!["localhost".into()], allowed_addresses: vec![] });
    let by_name = format!("https://localhost:{port}/robot/send");
    assert!(policy.check_url(&by_name).is_ok(), "the name itself is allowed");
    let client = duban::webhook::client(policy.clone());
    let req = axum::http::Request::post(by_name.as_str())
        .body(http_body_util::Full::new(bytes::Bytes::from_static(b"{}")))
        .expect("request");
    let err = client.request(req).await.expect_err("refused after resolution");
    let mut cause: Option<&dyn std::error::Error> = Some(&err);
    let mut text = String::new();
    while let Some(c) = cause {
        text.push_str(&c.to_string());
        cause = c.source();
    }
    assert!(text.contains("internal address"), "{text}");
    assert!(got.lock().expect("lock").is_empty());
}
