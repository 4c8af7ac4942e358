//! The ledger's commands on real files: units imported from a real .xlsx, accounts with argon2
//! passwords, the demo ledger with green, yellow and red.

use std::io::Write;
use std::process::{Command, Stdio};

use duban::accounts::verify_password;
use duban::store::{Role, Store};
use duban_core::warning::Level;
use time::macros::date;

use crate::{duban, stderr};

fn write_units(path: &std::path::Path, rows: &[(&str, &str)], header: (&str, &str)) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, header.0).expect("cell");
    sheet.write_string(0, 1, header.1).expect("cell");
    for (i, (name, kind)) in rows.iter().enumerate() {
        sheet.write_string(i as u32 + 1, 0, *name).expect("cell");
        sheet.write_string(i as u32 + 1, 1, *kind).expect("cell");
    }
    book.save(path).expect("save xlsx");
}

fn add_user(dir: &str, args: &[&str], password: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_duban"))
        .args(["user", "add", "--data-dir", dir])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child.stdin.take().expect("stdin").write_all(format!("{password}\n").as_bytes()).expect("write password");
    child.wait_with_output().expect("output")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn units_from_excel_and_accounts_with_hashed_passwords() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let data_s = data.display().to_string();
    // A file without the right header changes nothing and says which row.
    let bad = dir.path().join("bad.xlsx");
    write_units(&bad, &[("教育和体育局", "区直部门")], ("名称", "类型"));
    let o = duban(&["unit", "import", "--data-dir", &data_s, &bad.display().to_string()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("第1行") && stderr(&o).contains("bad.xlsx"), "{}", stderr(&o));
    let dup = dir.path().join("dup.xlsx");
    write_units(
        &dup,
        &[("教育和体育局", "区直部门"), ("罗庄街道", "街道"), ("教育和体育局", "区直部门")],
        ("单位名称", "单位类型"),
    );
    let o = duban(&["unit", "import", "--data-dir", &data_s, &dup.display().to_string()]);
    assert!(stderr(&o).contains("第4行"), "{}", stderr(&o));

    let good = dir.path().join("units.xlsx");
    write_units(&good, &[("教育和体育局", "区直部门"), ("罗庄街道", "街道")], ("单位名称", "单位类型"));
    let o = duban(&["unit", "import", "--data-dir", &data_s, &good.display().to_string()]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Importing the same file again fails as a whole: nothing doubled.
    let o = duban(&["unit", "import", "--data-dir", &data_s, &good.display().to_string()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("已存在"), "{}", stderr(&o));

    let o = add_user(
        &data_s,
        &["--login", "jiaoti", "--name", "教体局", "--role", "unit", "--unit", "教育和体育局"],
        "s3cret-pass",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o =
        add_user(&data_s, &["--login", "x", "--name", "x", "--role", "unit", "--unit", "没有的单位"], "s3cret-pass");
    assert!(stderr(&o).contains("没有的单位"), "{}", stderr(&o));
    let o = add_user(&data_s, &["--login", "y", "--name", "y", "--role", "office"], "short");
    assert!(stderr(&o).contains("8"), "{}", stderr(&o));

    let store = Store::open(&format!("sqlite://{}/duban.db", data_s), false).await.expect("open");
    assert_eq!(store.units().await.expect("units").len(), 2);
    let (actor, hash) = store.account("jiaoti").await.expect("account");
    assert!(matches!(actor.role, Role::Unit(_)));
    assert!(hash.starts_with("$argon2id$") && !hash.contains("s3cret-pass"));
    assert!(verify_password("s3cret-pass", &hash) && !verify_password("wrong-pass", &hash));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_ledger_shows_every_colour_and_keeps_units_apart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&format!("sqlite://{}", dir.path().join("demo.db").display()), true).await.expect("open");
    let summary = duban::demo::seed(&store, date!(2019 - 07 - 01), 500).await.expect("seed");
    for level in [Level::Green, Level::Yellow, Level::Red] {
        assert!(summary.by_level.get(&level).copied().unwrap_or(0) > 0, "{level:?}: {:?}", summary.by_level);
    }
    assert!(summary.matters > 100, "{}", summary.matters);
    assert!(summary.accounts.len() > 20);
    let (unit, _) = store.account("unit02").await.expect("account");
    let Role::Unit(unit_id) = unit.role else { panic!("unit02 is a unit") };
    let own = store.matters_for(&unit).await.expect("list");
    assert!(!own.is_empty());
    let name = store.units().await.expect("units").into_iter().find(|u| u.0 == unit_id).expect("unit").1;
    // Its own matters, and the shares of the matters it leads (split among the streets).
    let led: Vec<_> =
        own.iter().filter(|r| r.lead_unit_name.as_deref() == Some(name.as_str())).map(|r| r.matter.id).collect();
    for r in &own {
        let m = &r.matter;
        let mine = r.lead_unit_name.as_deref() == Some(name.as_str()) || m.co_units.contains(&name);
        assert!(
            mine || m.parent.is_some_and(|p| led.contains(&p)),
            "{name} sees {:?} ({:?})",
            m.title,
            r.lead_unit_name
        );
    }
    // The CLI prints the accounts it made.
    let out = duban(&["demo", "--no-serve", "--data-dir", &dir.path().join("cli").display().to_string()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("duchashi") && text.contains("红灯"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_tokens_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().display().to_string();
    let o = add_user(&data, &["--login", "client", "--name", "对接系统", "--role", "leader"], "s3cret-pass");
    assert!(o.status.success(), "{}", stderr(&o));
    let o = duban(&["token", "create", "--data-dir", &data, "--login", "nobody"]);
    assert_eq!(o.status.code(), Some(2));
    let o = duban(&["token", "create", "--data-dir", &data, "--login", "client", "--days", "7"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let token = String::from_utf8_lossy(&o.stdout).trim().to_string();
    assert_eq!(token.len(), 64);
    let store = Store::open(&format!("sqlite://{data}/duban.db"), false).await.expect("open");
    let (actor, _) = store.session(&token).await.expect("the token is a session");
    assert_eq!((actor.name.as_str(), actor.role), ("对接系统", Role::Leader));
}
