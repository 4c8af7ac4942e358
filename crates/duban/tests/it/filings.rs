//! Inspection complaints and deputies' proposals on the one engine, on SQLite and PostgreSQL: a
//! batch imported all or nothing, handled and closed (办结销号) in the public ledger; a proposal filed
//! with co-units whose late opinion turns it red, replied to with a class, rated, handled again and
//! closed; confidential proposals kept out of the public list. And the inspection team's .xlsx.

use duban::store::{NewComplaint, NewProposal, Role, Store, StoreError};
use duban_core::matter::{Change, ReplyClass, Satisfaction, Status};
use duban_core::warning::{Level, WarningRules, assess};
use time::macros::date;

fn complaint(number: &str, unit: &str) -> NewComplaint {
    NewComplaint {
        number: number.into(),
        content: format!("反映某企业夜间噪声扰民（{number}）"),
        assigned_on: date!(2019 - 07 - 01),
        unit: unit.into(),
        deadline: date!(2019 - 07 - 31),
    }
}

async fn filings(store: &Store) {
    let env = store.add_unit("生态环境分局", "区直部门").await.expect("unit");
    let fz = store.add_unit("傅庄街道", "街道").await.expect("unit");
    store.add_unit("住房和城乡建设局", "区直部门").await.expect("unit");
    let office = store.add_user("office", "督查室", "$argon2id$x", Role::Office).await.expect("user");
    let env_user = store.add_user("huanbao", "生态环境分局", "$argon2id$x", Role::Unit(env)).await.expect("user");
    let fz_user = store.add_user("fuzhuang", "傅庄街道", "$argon2id$x", Role::Unit(fz)).await.expect("user");
    let today = date!(2019 - 07 - 01);

    // A complaint assigned after today could never be handled (its timeline starts then): refused.
    let tomorrow = NewComplaint { assigned_on: date!(2019 - 07 - 02), ..complaint("D0", "傅庄街道") };
    let e = store.import_complaints(&office, "第一批", &[tomorrow], today).await.expect_err("refused");
    assert!(e.to_string().contains("第2行") && e.to_string().contains("晚于今天"), "{e}");
    // A batch with a bad unit in its third row, and one with a number twice: refused, nothing kept.
    let bad = [complaint("D1", "生态环境分局"), complaint("D2", "傅庄街道"), complaint("D3", "无此单位")];
    let e = store.import_complaints(&office, "第一批", &bad, today).await.expect_err("refused");
    assert!(e.to_string().contains("第4行") && e.to_string().contains("无此单位"), "{e}");
    let twice = [complaint("D1", "生态环境分局"), complaint("D1", "傅庄街道")];
    assert!(
        store
            .import_complaints(&office, "第一批", &twice, today)
            .await
            .expect_err("refused")
            .to_string()
            .contains("D1")
    );
    assert!(store.complaints_ledger(Some(&office), None).await.expect("ledger").rows.is_empty(), "all or nothing");
    assert_eq!(
        store.import_complaints(&env_user, "第一批", &bad[..2], today).await.expect_err("refused"),
        StoreError::Forbidden
    );
    let ids = store
        .import_complaints(&office, "第一批", &[complaint("D1", "生态环境分局"), complaint("D2", "傅庄街道")], today)
        .await
        .expect("import");
    let (m, _) = store.timeline(&env_user, ids[0]).await.expect("its own");
    assert_eq!((m.status, m.deadline, m.created_on), (Status::Dispatched, Some(date!(2019 - 07 - 31)), today));
    assert_eq!(store.timeline(&fz_user, ids[0]).await.expect_err("refused"), StoreError::Forbidden);
    // Handled and closed: signed for, reported, asked to close, closed.
    let mut v = m.version;
    for (who, change) in [
        (&env_user, Change::Accepted),
        (&env_user, Change::ProgressReported { value: None, percent: Some(100.0), narrative: "已责令企业整改".into() }),
        (&env_user, Change::CompletionRequested { note: "整改到位".into() }),
        (&office, Change::SignedOff { note: "办结销号".into(), exceptions: vec![] }),
    ] {
        v = store.record(who, ids[0], v, date!(2019 - 07 - 20), change).await.expect("step").version;
    }
    let ledger = store.complaints_ledger(Some(&office), Some("第一批")).await.expect("ledger").rows;
    assert_eq!(ledger.len(), 2);
    assert_eq!((ledger[0].status, ledger[0].done_on), (Status::Done, Some(date!(2019 - 07 - 20))));
    assert_eq!(ledger[1].status, Status::Dispatched);
    // A unit reads its own complaints only.
    let own = store.complaints_ledger(Some(&env_user), Some("第一批")).await.expect("its own").rows;
    assert_eq!(own.iter().map(|r| r.number.as_str()).collect::<Vec<_>>(), ["D1"]);
    // The public sees the closed one with its outcome, and of the other only that it is open.
    let public = store.complaints_ledger(None, Some("第一批")).await.expect("public");
    assert_eq!((public.rows.len(), public.open), (1, 1));
    assert_eq!((public.rows[0].number.as_str(), public.rows[0].outcome.as_deref()), ("D1", Some("办结销号")));

    // A proposal with a co-unit: its opinion is a milestone due in 30 days, the reply in 90.
    let p = NewProposal {
        number: "J0012".into(),
        session: "区十八届人大四次会议".into(),
        proposal_kind: "建议".into(),
        proposers: vec!["张代表".into(), "李代表".into()],
        title: "关于加快老旧小区改造的建议".into(),
        content: "……".into(),
        lead_unit: "住房和城乡建设局".into(),
        co_units: vec!["傅庄街道".into()],
        confidential: false,
    };
    assert_eq!(store.file_proposal(&fz_user, &p, today, (90, 30)).await.expect_err("refused"), StoreError::Forbidden);
    let wrong = NewProposal { proposal_kind: "意见".into(), ..p.clone() };
    assert!(matches!(store.file_proposal(&office, &wrong, today, (90, 30)).await, Err(StoreError::Invalid(_))));
    let id = store.file_proposal(&office, &p, today, (90, 30)).await.expect("file");
    assert!(
        matches!(store.file_proposal(&office, &p, today, (90, 30)).await, Err(StoreError::Invalid(_))),
        "the number is taken"
    );
    let (m, _) = store.timeline(&office, id).await.expect("read");
    assert_eq!((m.status, m.deadline), (Status::Dispatched, Some(date!(2019 - 09 - 29))));
    assert_eq!((m.milestones[0].name.as_str(), m.milestones[0].due), ("会办意见", date!(2019 - 07 - 31)));
    let late = assess(&m, date!(2019 - 08 - 05), &WarningRules::default());
    assert_eq!(late.level, Level::Red, "no opinion by its day: {late:?}");
    // The co-unit gives its opinion; the lead unit signs for it and replies, class B.
    let opinion =
        Change::ProgressReported {
            value: None, percent: None, narrative: "会办意见：同意纳入改造计划".into()
        };
    let v = m.version;
    let housing = store
        .add_user(
            "zhujian",
            "住建局",
            "$argon2id$x",
            Role::Unit(store.unit_id("住房和城乡建设局").await.expect("unit")),
        )
        .await
        .expect("user");
    let v = store.record(&housing, id, v, date!(2019 - 07 - 02), Change::Accepted).await.expect("sign for").version;
    let v = store.record(&fz_user, id, v, date!(2019 - 07 - 20), opinion).await.expect("opinion").version;
    let v = store
        .record(&fz_user, id, v, date!(2019 - 07 - 20), Change::MilestoneDone { name: "会办意见".into() })
        .await
        .expect("done")
        .version;
    assert_eq!(
        store
            .record(&fz_user, id, v, date!(2019 - 08 - 01), Change::Replied { text: "x".into(), class: None })
            .await
            .expect_err("refused"),
        StoreError::Forbidden,
        "the reply is the lead unit's"
    );
    let reply = Change::Replied { text: "已列入2020年改造计划".into(), class: Some(ReplyClass::B) };
    let v = store.record(&housing, id, v, date!(2019 - 09 - 01), reply).await.expect("reply").version;
    let unhappy = Change::Rated { satisfaction: Satisfaction::Unsatisfied, solved: Some(false) };
    let v = store.record(&office, id, v, date!(2019 - 09 - 05), unhappy).await.expect("rated").version;
    let v = store
        .record(&office, id, v, date!(2019 - 09 - 05), Change::Reopened { reason: "代表不满意".into() })
        .await
        .expect("again")
        .version;
    let reply = Change::Replied { text: "已启动改造，年内完工".into(), class: Some(ReplyClass::A) };
    let v = store.record(&housing, id, v, date!(2019 - 09 - 20), reply).await.expect("reply").version;
    let v = store
        .record(
            &office,
            id,
            v,
            date!(2019 - 09 - 21),
            Change::Rated { satisfaction: Satisfaction::Satisfied, solved: Some(true) },
        )
        .await
        .expect("rated")
        .version;
    let m = store
        .record(&office, id, v, date!(2019 - 09 - 21), Change::SignedOff { note: "办结".into(), exceptions: vec![] })
        .await
        .expect("close");
    assert_eq!((m.status, m.reopens, m.on_time()), (Status::Done, 1, Some(true)));

    // The public sees handler and result of non-confidential proposals only.
    let secret = NewProposal { number: "J0013".into(), confidential: true, co_units: vec![], ..p.clone() };
    store.file_proposal(&office, &secret, today, (90, 30)).await.expect("file");
    let public = store.proposals(None, None).await.expect("public");
    assert_eq!(public.len(), 1);
    assert_eq!(
        (public[0].class, public[0].lead_unit.as_deref(), public[0].proposers.as_str()),
        (Some(ReplyClass::A), Some("住房和城乡建设局"), "张代表、李代表")
    );
    assert_eq!(store.proposals(Some(&office), None).await.expect("all").len(), 2);
    assert_eq!(store.proposals(Some(&fz_user), None).await.expect("public").len(), 1);
}

#[tokio::test]
async fn filings_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&format!("sqlite://{}", dir.path().join("f.db").display()), true).await.expect("open");
    filings(&store).await;
    store.close().await;
}

#[tokio::test]
async fn filings_on_postgres() {
    let (url, name) = crate::store::fresh_pg().await;
    let store = Store::open(&url, false).await.expect("open");
    filings(&store).await;
    store.close().await;
    crate::store::drop_pg(&name).await;
}

/// The inspection team's list as they send it: dates as Excel dates or as text; a missing column or
/// a bad date names itself.
#[test]
fn the_inspection_list_from_xlsx() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let date_format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for (c, h) in ["编号", "信访内容", "交办日期", "责任单位", "办理时限"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).expect("header");
    }
    sheet.write_string(1, 0, "D001").expect("cell");
    sheet.write_string(1, 1, "反映河道污染").expect("cell");
    let day = rust_xlsxwriter::ExcelDateTime::from_ymd(2019, 7, 1).expect("date");
    sheet.write_datetime_with_format(1, 2, &day, &date_format).expect("cell");
    sheet.write_string(1, 3, "生态环境分局").expect("cell");
    sheet.write_string(1, 4, "2019/7/31").expect("cell");
    let bytes = book.save_to_buffer().expect("xlsx");
    let rows = duban::sheets::read_complaints("清单.xlsx", &bytes).expect("read");
    assert_eq!(rows, [complaint_row()]);
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["编号", "信访内容", "交办日期", "责任单位"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).expect("header");
    }
    let e = duban::sheets::read_complaints("清单.xlsx", &book.save_to_buffer().expect("xlsx"))
        .expect_err("refused")
        .to_string();
    assert!(e.contains("清单.xlsx") && e.contains("办理时限"), "{e}");
    assert!(duban::sheets::read_complaints("x.xlsx", b"not a workbook").is_err());
}

fn complaint_row() -> NewComplaint {
    NewComplaint {
        number: "D001".into(),
        content: "反映河道污染".into(),
        assigned_on: date!(2019 - 07 - 01),
        unit: "生态环境分局".into(),
        deadline: date!(2019 - 07 - 31),
    }
}
