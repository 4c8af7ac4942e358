//! The store's story, run step for step on a temporary SQLite file and on a fresh PostgreSQL
//! database (dropped afterwards): adopt, access per role, report, conflict, remind, sign off, timeline.

use duban::store::{Actor, NewMatter, NewReport, Role, Store, StoreError};
use duban_core::matter::{Change, Goal, MatterKind, Standard, Status};
use sqlx::Connection;
use time::macros::date;

fn pg_admin_url() -> String {
    std::env::var("DUBAN_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A fresh PostgreSQL database for one test; dropped by `drop_pg`.
pub async fn fresh_pg() -> (String, String) {
    let admin = pg_admin_url();
    let name = format!(
        "duban_it_{}_{}",
        std::process::id(),
        time::OffsetDateTime::now_utc().unix_timestamp_nanos() % 1_000_000_000
    );
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .expect("PostgreSQL at DUBAN_TEST_PG (default 127.0.0.1:5432, database test) must be running");
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("create database");
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b).to_string();
    (format!("{base}/{name}"), name)
}

pub async fn drop_pg(name: &str) {
    let mut conn = sqlx::PgConnection::connect(&pg_admin_url()).await.expect("connect");
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut conn)
        .await
        .expect("drop database");
}

async fn story(store: &Store) {
    let edu = store.add_unit("教育和体育局", "区直部门").await.expect("unit");
    let hr = store.add_unit("人力资源和社会保障局", "区直部门").await.expect("unit");
    let office = store.add_user("duchashi", "督查室", "$argon2id$x", Role::Office).await.expect("user");
    let edu_user = store.add_user("jiaoti", "教体局", "$argon2id$x", Role::Unit(edu)).await.expect("user");
    let hr_user = store.add_user("renshe", "人社局", "$argon2id$x", Role::Unit(hr)).await.expect("user");
    let leader = store.add_user("quzhang", "区长", "$argon2id$x", Role::Leader).await.expect("user");

    let matter = |title: &str, lead, co: Vec<_>, value: f64, unit: &str| NewMatter {
        kind: MatterKind::Task,
        title: title.into(),
        source: title.into(),
        span: Some((10, 20)),
        lead_unit: Some(lead),
        co_units: co,
        deadline: Some(date!(2019 - 12 - 31)),
        standard: Some(Standard { value, unit: unit.into(), goal: Goal::AtLeast }),
        section: None,
    };
    let report = NewReport {
        title: "罗庄区人民政府2019年政府工作报告".into(),
        jurisdiction: Some("罗庄区".into()),
        plan_year: Some(2019),
        body: "……".into(),
        matters: vec![
            matter("年内新增城镇就业4900人", hr, vec![], 4900.0, "人"),
            matter("新建、改扩建幼儿园6所", edu, vec![hr], 6.0, "所"),
        ],
        supersedes: None,
    };
    // Only the office adopts; a bad unit id rolls the whole adoption back.
    assert_eq!(
        store.adopt_report(&edu_user, &report, date!(2019 - 03 - 01)).await.expect_err("refused"),
        StoreError::Forbidden
    );
    let mut broken = report.clone();
    broken.matters[1].co_units = vec![duban::store::UnitId(999)];
    assert!(matches!(store.adopt_report(&office, &broken, date!(2019 - 03 - 01)).await, Err(StoreError::Invalid(_))));
    assert!(store.matters_for(&office).await.expect("list").is_empty(), "nothing half-imported");
    let (_, ids) = store.adopt_report(&office, &report, date!(2019 - 03 - 01)).await.expect("adopt");
    let (jobs, kindergartens) = (ids[0], ids[1]);

    // Who sees what.
    assert_eq!(store.matters_for(&office).await.expect("list").len(), 2);
    assert_eq!(store.matters_for(&leader).await.expect("list").len(), 2);
    let edu_sees: Vec<_> = store.matters_for(&edu_user).await.expect("list").into_iter().map(|r| r.matter.id).collect();
    assert_eq!(edu_sees, vec![kindergartens]);
    let hr_sees: Vec<_> = store.matters_for(&hr_user).await.expect("list").into_iter().map(|r| r.matter.id).collect();
    assert_eq!(hr_sees, vec![jobs, kindergartens], "a co-unit sees the matter too");
    assert_eq!(store.timeline(&edu_user, jobs).await.expect_err("refused"), StoreError::Forbidden);
    assert_eq!(
        store.timeline(&edu_user, duban_core::MatterId(999_999)).await.expect_err("refused"),
        StoreError::NotFound
    );

    let report_progress =
        |value: f64| Change::ProgressReported { value: Some(value), percent: None, narrative: "截至6月底".into() };
    let v = store.matters_for(&office).await.expect("list")[0].matter.version;
    assert_eq!(v, 3, "assigned, deadline, standard");
    // Roles × actions.
    assert_eq!(
        store.record(&edu_user, jobs, v, date!(2019 - 06 - 30), report_progress(1.0)).await.expect_err("refused"),
        StoreError::Forbidden
    );
    assert_eq!(
        store.record(&leader, jobs, v, date!(2019 - 06 - 30), report_progress(1.0)).await.expect_err("refused"),
        StoreError::Forbidden
    );
    assert_eq!(
        store.record(&office, jobs, v, date!(2019 - 06 - 30), report_progress(1.0)).await.expect_err("refused"),
        StoreError::Forbidden
    );
    assert_eq!(
        store
            .record(
                &hr_user,
                jobs,
                v,
                date!(2019 - 06 - 30),
                Change::SignedOff { note: String::new(), exceptions: vec![] }
            )
            .await
            .expect_err("refused"),
        StoreError::Forbidden
    );
    // The unit reports; a second writer with the same version conflicts.
    let m = store.record(&hr_user, jobs, v, date!(2019 - 06 - 30), report_progress(2310.0)).await.expect("report");
    assert_eq!((m.version, m.latest_value), (4, Some(2310.0)));
    assert_eq!(
        store
            .record(&office, jobs, v, date!(2019 - 07 - 01), Change::Reminded { note: "请加快进度".into() })
            .await
            .expect_err("refused"),
        StoreError::Conflict { current_version: 4 }
    );
    let m = store
        .record(&office, jobs, 4, date!(2019 - 07 - 01), Change::Reminded { note: "请加快进度".into() })
        .await
        .expect("remind");
    let m =
        store.record(&hr_user, jobs, m.version, date!(2019 - 12 - 01), report_progress(5020.0)).await.expect("report");
    // Sign-off is a review: the office closing it unasked needs a reason; the unit applies with a
    // statement and evidence; a send-back needs a reason.
    let unasked = Change::SignedOff { note: String::new(), exceptions: vec![] };
    let e = store.record(&office, jobs, m.version, date!(2019 - 12 - 02), unasked).await.expect_err("refused");
    assert!(matches!(&e, StoreError::Invalid(msg) if msg.contains("未经单位申请销号")), "{e:?}");
    let apply = Change::CompletionRequested { note: "全年新增城镇就业5020人，申请销号".into() };
    let e = store.record(&hr_user, jobs, m.version, date!(2019 - 12 - 02), apply.clone()).await.expect_err("refused");
    assert!(matches!(&e, StoreError::Invalid(msg) if msg.contains("佐证材料")), "{e:?}");
    let pdf = ("就业统计表.pdf".to_string(), b"%PDF-1.4\n%%EOF\n".to_vec());
    let m = store
        .record_with_evidence(&hr_user, jobs, m.version, date!(2019 - 12 - 02), Some(apply.clone()), &[pdf])
        .await
        .expect("apply with evidence");
    assert_eq!((m.status, m.attachments.len()), (Status::Submitted, 1));
    let back = |reason: &str| Change::SentBack { reason: reason.into() };
    assert!(store.record(&office, jobs, m.version, date!(2019 - 12 - 02), back(" ")).await.is_err());
    let m =
        store.record(&office, jobs, m.version, date!(2019 - 12 - 02), back("请补充分月明细")).await.expect("send back");
    assert_eq!(m.status, Status::Open);
    let m = store.record(&hr_user, jobs, m.version, date!(2019 - 12 - 02), apply).await.expect("submit again");
    let m = store
        .record(
            &office,
            jobs,
            m.version,
            date!(2019 - 12 - 03),
            Change::SignedOff { note: "销号".into(), exceptions: vec![] },
        )
        .await
        .expect("sign off");
    assert_eq!(m.status, Status::Done);
    // A refused lifecycle step says why and changes nothing.
    let e = store
        .record(&hr_user, jobs, m.version, date!(2019 - 12 - 04), report_progress(1.0))
        .await
        .expect_err("refused");
    assert!(matches!(&e, StoreError::Invalid(msg) if msg.contains("已销号")), "{e:?}");

    // The timeline holds every change, in order, with who.
    let (m, events) = store.timeline(&hr_user, jobs).await.expect("timeline");
    assert_eq!(m.version, events.len() as i64);
    let names: Vec<&str> = events.iter().map(|e| e.change.name()).collect();
    assert_eq!(
        names,
        [
            "assigned",
            "deadline_set",
            "standard_set",
            "progress_reported",
            "reminded",
            "progress_reported",
            "evidence_attached",
            "completion_requested",
            "sent_back",
            "completion_requested",
            "signed_off"
        ]
    );
    // Ledger numbers: per year, in the order adopted, kept in the matter.
    assert_eq!(m.number.as_deref(), Some("2019-001"));
    let (k, _) = store.timeline(&office, kindergartens).await.expect("timeline");
    assert_eq!(k.number.as_deref(), Some("2019-002"));
    assert_eq!(store.matter_by_number(&office, "2019-002").await.expect("by number"), kindergartens);
    assert_eq!(store.matter_by_number(&edu_user, "2019-001").await.expect_err("not its own"), StoreError::Forbidden);
    assert_eq!(events[3].actor, "人社局");
    assert_eq!(events[4].actor, "督查室");
}

/// Two offices' clerks remind the same matter at the same moment: one wins, the other gets 409.
async fn concurrent_edits(store: &Store) {
    let unit = store.add_unit("盛庄街道", "街道").await.expect("unit");
    let office = store.add_user("office2", "督查室", "$argon2id$x", Role::Office).await.expect("user");
    let report = NewReport {
        title: "t".into(),
        jurisdiction: None,
        plan_year: Some(2019),
        body: String::new(),
        matters: vec![NewMatter {
            kind: MatterKind::Task,
            title: "整治".into(),
            source: String::new(),
            span: None,
            lead_unit: Some(unit),
            co_units: vec![],
            deadline: None,
            standard: None,
            section: None,
        }],
        supersedes: None,
    };
    let (_, ids) = store.adopt_report(&office, &report, date!(2019 - 03 - 01)).await.expect("adopt");
    for round in 0..5 {
        let version = 1 + round;
        let tasks: Vec<_> = (0..2)
            .map(|k| {
                let (store, office, id) = (store.clone(), office.clone(), ids[0]);
                tokio::spawn(async move {
                    store
                        .record(
                            &office,
                            id,
                            version,
                            date!(2019 - 07 - 01),
                            Change::Reminded { note: format!("{round}-{k}") },
                        )
                        .await
                })
            })
            .collect();
        let mut results = Vec::new();
        for t in tasks {
            results.push(t.await.expect("task"));
        }
        let ok = results.iter().filter(|r| r.is_ok()).count();
        let conflicts = results.iter().filter(|r| matches!(r, Err(StoreError::Conflict { .. }))).count();
        assert_eq!((ok, conflicts), (1, 1), "round {round}: {results:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_edits_conflict_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&format!("sqlite://{}", dir.path().join("c.db").display()), true).await.expect("open");
    concurrent_edits(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_edits_conflict_on_postgres() {
    let (url, name) = fresh_pg().await;
    let store = Store::open(&url, false).await.expect("open");
    concurrent_edits(&store).await;
    store.close().await;
    drop_pg(&name).await;
}

#[tokio::test]
async fn story_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("duban.db");
    let url = format!("sqlite://{}", path.display());
    // No silent creation of an empty ledger on a mistyped path.
    assert!(Store::open(&url, false).await.is_err());
    let store = Store::open(&url, true).await.expect("open");
    story(&store).await;
    store.close().await;
    // Everything acknowledged is there after reopening, numbers and all; the next adoption of the
    // year carries on from them.
    let store = Store::open(&url, false).await.expect("reopen");
    let office = Actor { user: duban::store::UserId(1), name: "督查室".into(), role: Role::Office };
    let numbers: Vec<Option<String>> =
        store.matters_for(&office).await.expect("list").into_iter().map(|r| r.matter.number).collect();
    assert_eq!(numbers, [Some("2019-001".to_string()), Some("2019-002".to_string())]);
    let unit = store.unit_id("教育和体育局").await.expect("unit");
    let more = NewReport {
        title: "补充任务".into(),
        jurisdiction: None,
        plan_year: Some(2019),
        body: "补充".into(),
        matters: vec![NewMatter {
            kind: MatterKind::Task,
            title: "新建学校".into(),
            source: String::new(),
            span: None,
            lead_unit: Some(unit),
            co_units: vec![],
            deadline: None,
            standard: None,
            section: None,
        }],
        supersedes: None,
    };
    let (_, ids) = store.adopt_report(&office, &more, date!(2019 - 08 - 01)).await.expect("adopt");
    let (m, _) = store.timeline(&office, ids[0]).await.expect("timeline");
    assert_eq!(m.number.as_deref(), Some("2019-003"));
    store.close().await;
}

#[tokio::test]
async fn story_on_postgres() {
    let (url, name) = fresh_pg().await;
    let store = Store::open(&url, false).await.expect("open");
    story(&store).await;
    store.close().await;
    drop_pg(&name).await;
}

#[tokio::test]
async fn unknown_schemes_are_refused_with_a_reason() {
    let e = Store::open("mysql://localhost/x", true).await.err().expect("refused");
    assert!(e.to_string().contains("sqlite:") && e.to_string().contains("postgres:"), "{e}");
}

/// A PostgreSQL ledger is backed up with pg_dump and restored with pg_restore, as the README says:
/// the restored database opens as a ledger with its accounts, matters and timelines.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_ledger_restores_from_pg_dump() {
    let (url, name) = fresh_pg().await;
    let store = Store::open(&url, false).await.expect("open");
    let edu = store.add_unit("教育和体育局", "区直部门").await.expect("unit");
    let office = store.add_user("duchashi", "督查室", "$argon2id$x", Role::Office).await.expect("user");
    let report = NewReport {
        title: "报告".into(),
        jurisdiction: None,
        plan_year: Some(2019),
        body: String::new(),
        matters: vec![NewMatter {
            kind: MatterKind::Task,
            title: "新建幼儿园6所".into(),
            source: "二、2019年工作安排".into(),
            span: None,
            lead_unit: Some(edu),
            co_units: vec![],
            deadline: Some(date!(2019 - 12 - 31)),
            standard: None,
            section: None,
        }],
        supersedes: None,
    };
    let (_, ids) = store.adopt_report(&office, &report, date!(2019 - 03 - 01)).await.expect("adopt");
    store.close().await;

    let dir = tempfile::tempdir().expect("tempdir");
    let dump = dir.path().join("ledger.dump");
    let status = std::process::Command::new("pg_dump")
        .args(["--format=custom", "--no-owner", "-f", dump.to_str().expect("utf-8"), &url])
        .status()
        .expect("pg_dump");
    assert!(status.success());
    let (restored_url, restored) = fresh_pg().await;
    let status = std::process::Command::new("pg_restore")
        .args(["--no-owner", "-d", &restored_url, dump.to_str().expect("utf-8")])
        .status()
        .expect("pg_restore");
    assert!(status.success());
    let store = Store::open(&restored_url, false).await.expect("the restored ledger opens");
    let (actor, _) = store.account("duchashi").await.expect("the account");
    let (m, events) = store.timeline(&actor, ids[0]).await.expect("the matter");
    assert_eq!((m.title.as_str(), m.number.as_deref()), ("新建幼儿园6所", Some("2019-001")));
    assert!(!events.is_empty());
    store.close().await;
    drop_pg(&name).await;
    drop_pg(&restored).await;
}
