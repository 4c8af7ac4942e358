//! Roles as the work is divided, through the router: every role × page and API call against the one
//! table, each role's menu leading only to pages it may open, the administrator's account pages
//! (add, disable, reset, audit), and guessing held off (lockout, the same answer for unknown logins).

use axum::http::StatusCode;
use serde_json::json;

use crate::web::{Browser, api, fixture, form_token, token};

const ROLES: [&str; 5] = ["office", "hotline", "admin", "unit_a", "leader"];

/// (method, path, the roles that may) for pages; anything else must answer 403 (or, for a page a
/// role does not start from, send it home).
#[tokio::test]
async fn every_role_reaches_what_the_table_grants_and_nothing_else() {
    let f = fixture().await;
    let a = f.a_matter;
    let pages: Vec<(String, &[&str])> = vec![
        ("/matters".into(), &["office", "unit_a", "leader"]),
        (format!("/matters/{a}"), &["office", "unit_a", "leader"]),
        ("/campaigns".into(), &["office", "unit_a", "leader"]),
        ("/bulletins".into(), &["office", "unit_a", "leader"]),
        ("/requests".into(), &["office", "hotline", "unit_a", "leader"]),
        ("/requests/new".into(), &["office", "hotline"]),
        ("/casework".into(), &["office", "hotline", "unit_a", "leader"]),
        ("/knowledge".into(), &["office", "hotline"]),
        ("/proposals".into(), &["office", "unit_a", "leader"]),
        ("/complaints".into(), &["office", "unit_a", "leader"]),
        ("/reports/new".into(), &["office"]),
        ("/units".into(), &["admin"]),
        ("/admin/users".into(), &["admin"]),
        ("/admin/audit".into(), &["admin"]),
    ];
    for role in ROLES {
        let mut b = Browser::new(&f.router);
        b.login(role).await;
        for (path, may) in &pages {
            let got = b.send("GET", path, None).await.status;
            let want = if may.contains(&role) { StatusCode::OK } else { StatusCode::FORBIDDEN };
            assert_eq!(got, want, "{role} GET {path}");
        }
        // The dashboard is the ledger's; the others are sent to where their work starts.
        let home = b.send("GET", "/", None).await;
        match role {
            "hotline" => assert_eq!(home.location.as_deref(), Some("/requests")),
            "admin" => assert_eq!(home.location.as_deref(), Some("/admin/users")),
            _ => assert_eq!(home.status, StatusCode::OK, "{role}"),
        }
    }

    // The API asks the same table.
    let api_calls: Vec<(&str, String, Option<serde_json::Value>, &[&str])> = vec![
        ("GET", "/api/v1/matters".into(), None, &["office", "unit_a", "leader"]),
        ("GET", format!("/api/v1/matters/{a}"), None, &["office", "unit_a", "leader"]),
        ("GET", "/api/v1/dashboard".into(), None, &["office", "unit_a", "leader"]),
        (
            "GET",
            "/api/v1/casework/metrics?from=2019-01-01&to=2019-06-30".into(),
            None,
            &["office", "hotline", "leader", "unit_a"],
        ),
        ("GET", "/api/v1/answers".into(), None, &["office", "hotline"]),
        (
            "PUT",
            "/api/v1/units/1/webhook".into(),
            Some(json!({"url": "https://oapi.dingtalk.com/robot/send"})),
            &["admin"],
        ),
        ("POST", "/api/v1/open311/keys".into(), Some(json!({"name": "平台"})), &["admin"]),
    ];
    for role in ROLES {
        let t = token(&f.router, role).await;
        for (method, path, body, may) in &api_calls {
            let (got, v) = api(&f.router, method, path, Some(&t), body.clone()).await;
            if may.contains(&role) {
                assert!(got.is_success(), "{role} {method} {path}: {got} {v}");
            } else {
                assert_eq!(got, StatusCode::FORBIDDEN, "{role} {method} {path}: {v}");
            }
        }
    }

    // The hotline centre signs off nothing of the ledger: a red matter at 9 % stays open.
    let hotline = token(&f.router, "hotline").await;
    let close =
        json!({"version": 1, "on": "2019-07-01", "change": {"type": "signed_off", "note": "销号", "exceptions": []}});
    let (s, _) = api(&f.router, "POST", &format!("/api/v1/matters/{a}/events"), Some(&hotline), Some(close)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

/// Every link of a role's menu opens (the menu offers nothing that answers 403).
#[tokio::test]
async fn menus_lead_only_to_pages_the_role_may_open() {
    let f = fixture().await;
    for role in ROLES {
        let mut b = Browser::new(&f.router);
        b.login(role).await;
        let home = match role {
            "hotline" => "/requests",
            "admin" => "/admin/users",
            _ => "/",
        };
        let page = b.send("GET", home, None).await.body;
        let menu = &page[page.find("class=\"sidebar").expect("a menu")..];
        let menu = &menu[..menu.find("</div>\n</div>").unwrap_or(menu.len())];
        let links: Vec<String> =
            menu.split("href=\"").skip(1).map(|s| s.split('"').next().unwrap_or("").replace("&amp;", "&")).collect();
        assert!(!links.is_empty(), "{role} has a menu");
        for link in &links {
            let got = b.send("GET", link, None).await.status;
            assert_eq!(got, StatusCode::OK, "{role}'s menu offers {link}");
        }
        let has = |p: &str| links.iter().any(|l| l == p);
        match role {
            "hotline" => assert!(has("/requests") && !has("/matters") && !has("/reports/new") && !has("/admin/users")),
            "admin" => assert!(has("/admin/users") && !has("/matters") && !has("/requests")),
            "unit_a" => assert!(!has("/knowledge") && !has("/reports/new") && !has("/admin/users")),
            _ => {}
        }
    }
}

#[tokio::test]
async fn the_administrator_keeps_accounts_and_the_log_shows_it() {
    let f = fixture().await;
    let mut admin = Browser::new(&f.router);
    let csrf = admin.login("admin").await;

    // A new hotline operator's account: the password is shown once and works.
    let form = format!("csrf={csrf}&login=zhangsan&name=%E8%AF%9D%E5%8A%A1%E5%91%98&role=hotline&unit=");
    let r = admin.send("POST", "/admin/users", Some(&form)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let at = r.body.find("id=\"password\">").expect("the password, once") + "id=\"password\">".len();
    let password = r.body[at..].split('<').next().unwrap_or("").to_string();
    assert_eq!(password.len(), 12);
    let (s, v) =
        api(&f.router, "POST", "/api/v1/login", None, Some(json!({"login": "zhangsan", "password": password}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let operator = v["token"].as_str().expect("token").to_string();
    assert_eq!(api(&f.router, "GET", "/api/v1/matters", Some(&operator), None).await.0, StatusCode::FORBIDDEN);

    // A bad form comes back with what was typed and why; a unit's account needs a real unit.
    let bad = format!("csrf={csrf}&login=Bad%20Login&name=x&role=office&unit=");
    let r = admin.send("POST", "/admin/users", Some(&bad)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("登录名须为") && r.body.contains("value=\"Bad Login\""), "{}", r.body);
    let r =
        admin.send("POST", "/admin/users", Some(&format!("csrf={csrf}&login=u9&name=x&role=unit&unit=没有的局"))).await;
    assert!(r.body.contains("没有名为"), "{}", r.body);
    let r =
        admin.send("POST", "/admin/users", Some(&format!("csrf={csrf}&login=zhangsan&name=x&role=office&unit="))).await;
    assert!(r.body.contains("已被使用"), "{}", r.body);
    // Without the form's token nothing is made.
    let r = admin.send("POST", "/admin/users", Some("csrf=forged&login=evil&name=x&role=admin&unit=")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(!admin.send("GET", "/admin/users", None).await.body.contains(">evil<"));

    // Disabling ends the account's sessions and its sign-in.
    let page = admin.send("GET", "/admin/users", None).await.body;
    let row = &page[page.find(">zhangsan<").expect("listed")..];
    let id: i64 =
        row[row.find("/admin/users/").expect("action") + 13..].split('/').next().unwrap_or("").parse().expect("id");
    let r = admin.send("POST", &format!("/admin/users/{id}/disable"), Some(&format!("csrf={csrf}"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(api(&f.router, "GET", "/api/v1/requests/1", Some(&operator), None).await.0, StatusCode::UNAUTHORIZED);
    let (s, _) =
        api(&f.router, "POST", "/api/v1/login", None, Some(json!({"login": "zhangsan", "password": password}))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // The administrator cannot lock themselves out.
    let me = {
        let row = &page[page.find(">admin<").expect("listed")..];
        row[row.find("/admin/users/").expect("action") + 13..].split('/').next().unwrap_or("").to_string()
    };
    let r = admin.send("POST", &format!("/admin/users/{me}/disable"), Some(&format!("csrf={csrf}"))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Enabled again with a new password, which replaces the old one.
    admin.send("POST", &format!("/admin/users/{id}/enable"), Some(&format!("csrf={csrf}"))).await;
    let r = admin.send("POST", &format!("/admin/users/{id}/password"), Some(&format!("csrf={csrf}"))).await;
    let at = r.body.find("id=\"password\">").expect("the new password") + "id=\"password\">".len();
    let fresh = r.body[at..].split('<').next().unwrap_or("").to_string();
    let login =
        |p: String| api(&f.router, "POST", "/api/v1/login", None, Some(json!({"login": "zhangsan", "password": p})));
    assert_eq!(login(password).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(login(fresh).await.0, StatusCode::OK);

    // The office cannot do any of it.
    let mut office = Browser::new(&f.router);
    let office_csrf = office.login("office").await;
    let r = office
        .send("POST", "/admin/users", Some(&format!("csrf={office_csrf}&login=x2&name=x&role=admin&unit=")))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The log has each of it, newest first.
    let log = admin.send("GET", "/admin/audit", None).await.body;
    for words in ["新增账号", "停用账号", "启用账号", "重置密码", "登录成功", "登录失败"] {
        assert!(log.contains(words), "{words}: {log}");
    }
    assert!(log.find("重置密码") < log.find("新增账号"), "newest first");
}

#[tokio::test]
async fn guessing_is_locked_out_and_unknown_logins_answer_alike() {
    let f = fixture().await;
    let try_login = |login: &str, password: &str| {
        api(&f.router, "POST", "/api/v1/login", None, Some(json!({"login": login, "password": password})))
    };
    // Unknown and known logins get the same refusal.
    let (s1, v1) = try_login("nobody", "wrong-password").await;
    let (s2, v2) = try_login("leader", "wrong-password").await;
    assert_eq!((s1, &v1), (s2, &v2));
    assert_eq!(s1, StatusCode::UNAUTHORIZED);
    // Five failures of one login lock it, even for the right password, with a 429 that says so.
    for _ in 0..5 {
        assert_eq!(try_login("unit_b", "wrong-password").await.0, StatusCode::UNAUTHORIZED);
    }
    let (s, v) = try_login("unit_b", "test-password-1").await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{v}");
    assert!(v["message"].as_str().is_some_and(|m| m.contains("分钟后再试")), "{v}");
    // Other logins are not locked by it.
    assert_eq!(try_login("unit_a", "test-password-1").await.0, StatusCode::OK);

    // The login page says the same in words.
    let mut b = Browser::new(&f.router);
    let page = b.send("GET", "/login", None).await;
    let csrf = form_token(&page.body);
    let r = b.send("POST", "/login", Some(&format!("csrf={csrf}&login=unit_b&password=test-password-1"))).await;
    assert!(r.body.contains("登录失败次数过多"), "{}", r.body);
}

/// A ledger made before the new roles (its users table allows office, unit and leader only) gains
/// them when opened: its accounts and timeline kept, a hotline account can be added.
#[tokio::test]
async fn an_older_ledger_gains_the_new_roles() {
    use duban::store::{Role, Store};
    use sqlx::Executor;
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    let store = Store::open(&url, true).await.expect("open");
    let unit = store.add_unit("教育和体育局", "区直部门").await.expect("unit");
    let office = store.add_user("office", "督查室", "$argon2id$x", Role::Office).await.expect("user");
    store.add_user("jiaoti", "教体局", "$argon2id$x", Role::Unit(unit)).await.expect("user");
    drop(store);
    // Put the table back as migration 0001 made it.
    {
        let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url).await.expect("connect");
        conn.execute(
            "PRAGMA foreign_keys = OFF; BEGIN; \
             CREATE TABLE users_old (id INTEGER PRIMARY KEY AUTOINCREMENT, login TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL, \
             password_hash TEXT NOT NULL, role TEXT NOT NULL CHECK (role IN ('office', 'unit', 'leader')), unit_id INTEGER REFERENCES units(id)); \
             INSERT INTO users_old SELECT id, login, display_name, password_hash, role, unit_id FROM users; \
             DROP TABLE users; ALTER TABLE users_old RENAME TO users; COMMIT;",
        )
        .await
        .expect("downgrade");
        let refused = conn
            .execute("INSERT INTO users (login, display_name, password_hash, role) VALUES ('x', 'x', 'x', 'hotline')")
            .await;
        assert!(refused.is_err(), "the old table refuses the new roles");
    }
    let store = Store::open(&url, false).await.expect("reopen");
    let hotline = store.add_user("rexian", "12345热线中心", "$argon2id$x", Role::Hotline).await.expect("a new role");
    assert_eq!(hotline.role, Role::Hotline);
    let (again, _) = store.account("office").await.expect("kept");
    assert_eq!((again.user, again.role), (office.user, Role::Office));
    let (unit_account, _) = store.account("jiaoti").await.expect("kept");
    assert_eq!(unit_account.role, Role::Unit(unit));
    drop(store);
    // Opening again changes nothing.
    Store::open(&url, false).await.expect("reopen twice");
}
