//! What a security review checks on every response: the headers (CSP without inline script, no
//! framing, nosniff, referrer policy) on pages, API, files and errors; no inline script in any page;
//! CSV cells that would run as formulas written as text; absolute links from `public_url`, never
//! from the Host header; Secure cookies when the server is published over https.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use duban::accounts::hash_password;
use duban::store::{NewMatter, NewReport, Role, Store};
use duban::web::{AppState, CONTENT_SECURITY_POLICY, router};
use duban_core::matter::MatterKind;
use http_body_util::BodyExt;
use time::macros::date;
use tower::ServiceExt;

use crate::web::{Browser, fixture};

const PASSWORD: &str = "test-password-1";

#[tokio::test]
async fn every_response_carries_the_security_headers_and_no_page_has_inline_script() {
    let f = fixture().await;
    let mut office = Browser::new(&f.router);
    office.login("office").await;
    let pages = [
        "/".to_string(),
        "/matters".into(),
        format!("/matters/{}", f.a_matter),
        "/matters?print=1".into(),
        "/requests".into(),
        "/casework".into(),
        "/knowledge".into(),
        "/bulletins".into(),
        "/campaigns".into(),
        "/proposals".into(),
        "/complaints".into(),
        "/reports/new".into(),
        "/login".into(),
        "/public".into(),
        "/public/complaints".into(),
        "/no-such-page".into(),
        "/api/v1/matters".into(),
        "/api/v1/openapi.json".into(),
        "/assets/duban.js".into(),
        "/exports/ledger.xlsx".into(),
        "/open311/v2/services.json".into(),
    ];
    for page in &pages {
        let req = Request::builder().uri(page.as_str()).header(header::COOKIE, office.cookie_header());
        let resp = f.router.clone().oneshot(req.body(Body::empty()).expect("request")).await.expect("response");
        let h = resp.headers();
        let get = |name| h.get(name).map(|v| v.to_str().unwrap_or("").to_string()).unwrap_or_default();
        assert_eq!(get(header::CONTENT_SECURITY_POLICY), CONTENT_SECURITY_POLICY, "{page}");
        assert_eq!(get(header::X_FRAME_OPTIONS), "DENY", "{page}");
        assert_eq!(get(header::X_CONTENT_TYPE_OPTIONS), "nosniff", "{page}");
        assert_eq!(get(header::REFERRER_POLICY), "same-origin", "{page}");
        let is_html = get(header::CONTENT_TYPE).starts_with("text/html");
        let body = String::from_utf8_lossy(&resp.into_body().collect().await.expect("body").to_bytes()).into_owned();
        if is_html {
            assert!(!body.contains("<script>"), "{page} has an inline script");
            for handler in [" onclick=", " onload=", " onsubmit=", " onchange=", " oninput=", "javascript:"] {
                assert!(!body.contains(handler), "{page} has {handler}");
            }
        }
    }
    let script_src =
        CONTENT_SECURITY_POLICY.split(';').find(|d| d.trim().starts_with("script-src")).expect("script-src");
    assert!(!script_src.contains("unsafe"), "{script_src}");
    assert!(CONTENT_SECURITY_POLICY.contains("frame-ancestors 'none'"));
}

/// A store with one matter whose title is a spreadsheet formula, and its office's router.
async fn formula_ledger(public_url: Option<&str>) -> (Router, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&format!("sqlite://{}", dir.path().join("h.db").display()), true).await.expect("open");
    let unit = store.add_unit("教育和体育局", "区直部门").await.expect("unit");
    let hash = hash_password(PASSWORD).expect("hash");
    let office = store.add_user("office", "督查室", &hash, Role::Office).await.expect("user");
    let m = |title: &str| NewMatter {
        kind: MatterKind::Task,
        title: title.into(),
        source: "二、2019年工作安排".into(),
        span: None,
        lead_unit: Some(unit),
        co_units: vec![],
        deadline: Some(date!(2019 - 12 - 31)),
        standard: None,
        section: None,
    };
    let report = NewReport {
        title: "报告".into(),
        jurisdiction: None,
        plan_year: Some(2019),
        body: String::new(),
        matters: vec![m("=HYPERLINK(\"http://evil.example/x\",\"点此查看\")"), m("@SUM(1+1)*cmd|' /C calc'!A0")],
        supersedes: None,
    };
    store.adopt_report(&office, &report, date!(2019 - 03 - 01)).await.expect("adopt");
    let mut state = AppState::new(store, Some(date!(2019 - 07 - 01)));
    state.public_url = public_url.map(str::to_string);
    (router(Arc::new(state)), dir)
}

#[tokio::test]
async fn csv_cells_that_would_run_are_written_as_text() {
    let (r, _dir) = formula_ledger(None).await;
    let mut office = Browser::new(&r);
    office.login("office").await;
    let csv = office.send("GET", "/exports/ledger.csv", None).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains("'=HYPERLINK(") && csv.body.contains("'@SUM("), "{}", csv.body);
    for line in csv.body.lines().skip(1) {
        for cell in line.split(',') {
            let cell = cell.trim_matches('"');
            assert!(!cell.starts_with(['=', '@', '+']), "a live formula: {line}");
        }
    }
}

#[tokio::test]
async fn links_come_from_public_url_and_https_cookies_are_secure() {
    // Without public_url, the Host header a client sends is not reflected.
    let (r, _dir) = formula_ledger(None).await;
    let req = Request::builder().uri("/open311/v2/discovery.json").header(header::HOST, "evil.example");
    let resp = r.clone().oneshot(req.body(Body::empty()).expect("request")).await.expect("response");
    let body = String::from_utf8_lossy(&resp.into_body().collect().await.expect("body").to_bytes()).into_owned();
    assert!(!body.contains("evil.example") && body.contains("\"/open311/v2\""), "{body}");
    let login = Request::builder().uri("/login");
    let resp = r.clone().oneshot(login.body(Body::empty()).expect("request")).await.expect("response");
    let cookie = resp.headers().get(header::SET_COOKIE).expect("cookie").to_str().expect("text").to_string();
    assert!(!cookie.contains("Secure"), "plain http in development: {cookie}");

    // Published over https: the configured address, and every cookie Secure.
    let (r, _dir2) = formula_ledger(Some("https://duban.example.gov.cn")).await;
    let req = Request::builder().uri("/open311/v2/discovery.json").header(header::HOST, "evil.example");
    let resp = r.clone().oneshot(req.body(Body::empty()).expect("request")).await.expect("response");
    let body = String::from_utf8_lossy(&resp.into_body().collect().await.expect("body").to_bytes()).into_owned();
    assert!(body.contains("https://duban.example.gov.cn/open311/v2") && !body.contains("evil"), "{body}");
    let page = Request::builder().uri("/login");
    let resp = r.clone().oneshot(page.body(Body::empty()).expect("request")).await.expect("response");
    let csrf_cookie = resp.headers().get(header::SET_COOKIE).expect("cookie").to_str().expect("text").to_string();
    assert!(csrf_cookie.ends_with("; Secure"), "{csrf_cookie}");
    let mut b = Browser::new(&r);
    let page = b.send("GET", "/login", None).await;
    let csrf = crate::web::form_token(&page.body);
    let signed_in = Request::builder()
        .method("POST")
        .uri("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, b.cookie_header());
    let resp = r
        .clone()
        .oneshot(signed_in.body(Body::from(format!("csrf={csrf}&login=office&password={PASSWORD}"))).expect("request"))
        .await
        .expect("response");
    let session = resp.headers().get(header::SET_COOKIE).expect("session").to_str().expect("text").to_string();
    assert!(
        session.starts_with("duban_session=") && session.contains("HttpOnly") && session.ends_with("; Secure"),
        "{session}"
    );
}

/// A JSON call that changes something, made with the session cookie (as a cross-site page could
/// make a browser send it), needs the session's CSRF token in a header; a bearer token needs none.
#[tokio::test]
async fn cookie_authenticated_api_changes_need_the_csrf_header() {
    let f = fixture().await;
    let mut office = Browser::new(&f.router);
    let csrf = office.login("office").await;
    let call = |header_token: Option<&str>| {
        let mut req = Request::builder()
            .method("POST")
            .uri("/api/v1/campaigns")
            .header(header::COOKIE, office.cookie_header())
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(t) = header_token {
            req = req.header("x-csrf-token", t);
        }
        let body = format!("{{\"name\":\"百日攻坚\",\"deadline\":\"2019-12-31\",\"matters\":[{}]}}", f.a_matter);
        f.router.clone().oneshot(req.body(Body::from(body)).expect("request"))
    };
    let refused = call(None).await.expect("response");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let text = String::from_utf8_lossy(&refused.into_body().collect().await.expect("body").to_bytes()).into_owned();
    assert!(text.contains("X-CSRF-Token"), "{text}");
    assert_eq!(call(Some("forged")).await.expect("response").status(), StatusCode::FORBIDDEN);
    assert_eq!(call(Some(&csrf)).await.expect("response").status(), StatusCode::OK);
    // Reading needs no header; a bearer token needs none either.
    let read = Request::builder().uri("/api/v1/campaigns").header(header::COOKIE, office.cookie_header());
    assert_eq!(
        f.router.clone().oneshot(read.body(Body::empty()).expect("request")).await.expect("r").status(),
        StatusCode::OK
    );
    let bearer = crate::web::token(&f.router, "office").await;
    let (s, v) = crate::web::api(
        &f.router,
        "POST",
        "/api/v1/campaigns",
        Some(&bearer),
        Some(serde_json::json!({"name": "学位攻坚", "deadline": "2019-12-31", "matters": [f.a_matter]})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

/// The API's routes and its document come from the same registrations (web/openapi.rs): no
/// /api/v1 route is made anywhere else, every documented operation is answered by the router (not
/// the fallback), and each one documents its success with a schema and its errors in the one shape.
#[tokio::test]
async fn the_openapi_document_is_the_router() {
    for (file, source) in [
        ("mod.rs", include_str!("../../src/web/mod.rs")),
        ("api.rs", include_str!("../../src/web/api.rs")),
        ("casework.rs", include_str!("../../src/web/casework.rs")),
        ("filings.rs", include_str!("../../src/web/filings.rs")),
        ("bulletins.rs", include_str!("../../src/web/bulletins.rs")),
    ] {
        assert!(!source.contains(".route(\"/api/v1"), "{file} makes an /api/v1 route outside the documented ones");
    }
    let f = fixture().await;
    let (s, doc) = crate::web::api(&f.router, "GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")), "{}", doc["openapi"]);
    let paths = doc["paths"].as_object().expect("paths");
    let mut operations = 0;
    let mut problems = Vec::new();
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("path item") {
            operations += 1;
            let name = format!("{} {path}", method.to_uppercase());
            let responses = op["responses"].as_object().expect("responses");
            let success = responses.iter().find(|(code, _)| code.starts_with('2'));
            match success {
                Some((_, r)) if r["content"].is_object() => {}
                _ => problems.push(format!("{name}: no success schema")),
            }
            for code in ["400", "401", "403", "404", "422"].into_iter().filter(|_| path != "/api/v1/openapi.json") {
                let answer = responses.get(code).cloned().unwrap_or_default();
                if answer["content"]["application/json"]["schema"]["$ref"] != "#/components/schemas/Error" {
                    problems.push(format!("{name}: {code} not in the Error shape"));
                }
            }
            if (method == "post" || method == "put")
                && !op["requestBody"]["content"].is_object()
                && path != "/api/v1/login"
            {
                problems.push(format!("{name}: no request body schema"));
            }
            // The router answers it (with a JSON error at worst), never with its fallback.
            let concrete = path.replace("{id}", "1").replace("{name}", "ledger.csv").replace("{file}", "x.pdf");
            let resp = f
                .router
                .clone()
                .oneshot(
                    axum::http::Request::builder()
                        .method(method.to_uppercase().as_str())
                        .uri(&concrete)
                        .header("content-type", "application/json")
                        .body(axum::body::Body::from("{}"))
                        .expect("request"),
                )
                .await
                .expect("response");
            let json =
                resp.headers().get("content-type").is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
            let file = resp.headers().get("content-disposition").is_some();
            if resp.status() == StatusCode::METHOD_NOT_ALLOWED
                || !(json || file || resp.status() == StatusCode::UNAUTHORIZED)
            {
                problems.push(format!("{name}: answered {} outside the API", resp.status()));
            }
        }
    }
    assert!(operations >= 31, "{operations} operations: {:?}", paths.keys().collect::<Vec<_>>());
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Behind a trusted reverse proxy each client is counted by the address the proxy names; from
/// anyone else X-Forwarded-For is ignored (rotating it does not escape the limit).
#[tokio::test]
async fn limits_count_clients_behind_a_trusted_proxy_and_ignore_forged_headers() {
    use axum::extract::ConnectInfo;
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&format!("sqlite://{}", dir.path().join("p.db").display()), true).await.expect("open");
    let hash = hash_password(PASSWORD).expect("hash");
    for login in ["a1", "a2", "a3", "b1"] {
        store.add_user(login, login, &hash, Role::Leader).await.expect("user");
    }
    let mut state = AppState::new(store, Some(date!(2019 - 07 - 01)));
    let security = duban::config::SecurityConfig {
        trusted_proxies: vec!["127.0.0.1".parse().expect("ip")],
        address_failures: 6,
        ..Default::default()
    };
    state.guard = duban::web::Guard::new(&security);
    let r = router(Arc::new(state));
    let login = |peer: &str, forwarded: Option<String>, login: &str, password: &str| {
        let mut req =
            Request::builder().method("POST").uri("/api/v1/login").header(header::CONTENT_TYPE, "application/json");
        if let Some(f) = forwarded {
            req = req.header("x-forwarded-for", f);
        }
        let mut req =
            req.body(Body::from(format!("{{\"login\":\"{login}\",\"password\":\"{password}\"}}"))).expect("request");
        let peer: std::net::SocketAddr = format!("{peer}:40000").parse().expect("addr");
        req.extensions_mut().insert(ConnectInfo(peer));
        let r = r.clone();
        async move { r.oneshot(req).await.expect("response").status() }
    };
    // Client A, through the proxy, guesses (at most 5 per login) until its address is locked …
    for (k, user) in ["a1", "a1", "a2", "a2", "a3", "a3"].iter().enumerate() {
        let s = login("127.0.0.1", Some("198.51.100.7".into()), user, "wrong-password").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{k}");
    }
    assert_eq!(login("127.0.0.1", Some("198.51.100.7".into()), "b1", PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
    // … and client B, through the same proxy, signs in.
    assert_eq!(login("127.0.0.1", Some("203.0.113.9".into()), "b1", PASSWORD).await, StatusCode::OK);
    // An untrusted peer's X-Forwarded-For is ignored: rotating it does not escape the limit.
    for k in 0..6 {
        let s = login("192.0.2.50", Some(format!("203.0.113.{k}")), &format!("nobody{k}"), "wrong-password").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{k}");
    }
    assert_eq!(login("192.0.2.50", Some("203.0.113.200".into()), "b1", PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
}

/// Sessions and Open311 keys are kept as digests: the database (and so every backup) holds no token
/// that works, the tokens themselves still do, and a key stored before digests (migration 0013) is
/// digested when the ledger opens and keeps working.
#[tokio::test]
async fn tokens_at_rest_are_digests() {
    use sqlx::{Executor, Row};
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let store = Store::open(&url, true).await.expect("open");
    let user = store.add_user("office", "督查室", "$argon2id$x", Role::Office).await.expect("user");
    let session = store.open_session(user.user, time::Duration::hours(1)).await.expect("session");
    let key = store.add_api_key("市级平台").await.expect("key");
    assert_eq!(store.session(&session.token).await.expect("a session").0.user, user.user);
    assert_eq!(store.api_key(&key).await.expect("lookup").as_deref(), Some("市级平台"));
    assert!(store.session(&duban::accounts::digest(&session.token)).await.is_err(), "a digest is no token");
    assert_eq!(store.api_key(&duban::accounts::digest(&key)).await.expect("lookup"), None);
    drop(store);
    let old_key = duban::accounts::random_token();
    {
        let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url).await.expect("connect");
        conn.execute(
            format!(
                "INSERT INTO api_keys (key, name, created_at, hashed) VALUES ('{old_key}', '旧客户端', '2019-01-01T00:00:00Z', 0)"
            )
            .as_str(),
        )
        .await
        .expect("an old key");
    }
    let store = Store::open(&url, false).await.expect("reopen");
    assert_eq!(store.api_key(&old_key).await.expect("lookup").as_deref(), Some("旧客户端"));
    drop(store);
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url).await.expect("connect");
    let stored: Vec<String> = sqlx::query("SELECT token FROM sessions UNION ALL SELECT key FROM api_keys")
        .fetch_all(&mut conn)
        .await
        .expect("rows")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(stored.len(), 3, "{stored:?}");
    for token in [&session.token, &key, &old_key] {
        assert!(!stored.contains(token), "{token} stored as it is");
    }
    let file = std::fs::read(dir.path().join("t.db")).expect("the file");
    for token in [&session.token, &key, &old_key] {
        assert!(!file.windows(token.len()).any(|w| w == token.as_bytes()), "the file holds {token}");
    }
}
