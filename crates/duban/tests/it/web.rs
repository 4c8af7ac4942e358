//! The web layer through its router: sign-in with CSRF, access per role on pages and API (a matrix
//! of roles × actions), escaping of user text, and 409 on a stale version.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use duban::accounts::hash_password;
use duban::store::{NewMatter, NewReport, Role, Store};
use duban::web::{AppState, router};
use duban_core::matter::{Goal, MatterKind, Standard};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use time::macros::date;
use tower::ServiceExt;

const PASSWORD: &str = "test-password-1";

pub(crate) struct Fixture {
    pub(crate) router: Router,
    pub(crate) a_matter: i64,
    pub(crate) b_matter: i64,
    _dir: tempfile::TempDir,
}

pub(crate) async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&format!("sqlite://{}", dir.path().join("w.db").display()), true).await.expect("open");
    let a = store.add_unit("教育和体育局", "区直部门").await.expect("unit");
    let b = store.add_unit("人力资源和社会保障局", "区直部门").await.expect("unit");
    let hash = hash_password(PASSWORD).expect("hash");
    let office = store.add_user("office", "督查室", &hash, Role::Office).await.expect("user");
    store.add_user("unit_a", "教体局", &hash, Role::Unit(a)).await.expect("user");
    store.add_user("unit_b", "人社局", &hash, Role::Unit(b)).await.expect("user");
    store.add_user("leader", "区长", &hash, Role::Leader).await.expect("user");
    store.add_user("admin", "系统管理员", &hash, Role::Admin).await.expect("user");
    store.add_user("hotline", "12345热线中心", &hash, Role::Hotline).await.expect("user");
    let m = |title: &str, unit| NewMatter {
        kind: MatterKind::Task,
        title: title.into(),
        source: "二、2019年工作安排".into(),
        span: None,
        lead_unit: Some(unit),
        co_units: vec![],
        deadline: Some(date!(2019 - 12 - 31)),
        standard: Some(Standard { value: 6.0, unit: "所".into(), goal: Goal::AtLeast }),
        section: None,
    };
    let report = NewReport {
        title: "报告".into(),
        jurisdiction: None,
        plan_year: Some(2019),
        body: String::new(),
        matters: vec![m("新建、改扩建幼儿园6所", a), m("新增城镇就业4900人（保密）", b)],
        supersedes: None,
    };
    let (_, ids) = store.adopt_report(&office, &report, date!(2019 - 03 - 01)).await.expect("adopt");
    let state = Arc::new(AppState::new(store, Some(date!(2019 - 07 - 01))));
    Fixture { router: router(state), a_matter: ids[0].0, b_matter: ids[1].0, _dir: dir }
}

/// A browser: keeps cookies between requests.
pub(crate) struct Browser<'a> {
    router: &'a Router,
    cookies: Vec<(String, String)>,
}

pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) location: Option<String>,
    pub(crate) body: String,
}

impl<'a> Browser<'a> {
    pub(crate) fn new(router: &'a Router) -> Self {
        Browser { router, cookies: Vec::new() }
    }

    /// The cookies this browser holds, as its next request sends them.
    pub(crate) fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    pub(crate) async fn send(&mut self, method: &str, uri: &str, form: Option<&str>) -> Reply {
        let mut req = Request::builder().method(method).uri(uri);
        if !self.cookies.is_empty() {
            req = req.header(header::COOKIE, self.cookie_header());
        }
        let body = match form {
            Some(f) => {
                req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                Body::from(f.to_string())
            }
            None => Body::empty(),
        };
        let resp = self.router.clone().oneshot(req.body(body).expect("request")).await.expect("response");
        for v in resp.headers().get_all(header::SET_COOKIE) {
            let first = v.to_str().expect("cookie").split(';').next().unwrap_or("");
            if let Some((k, val)) = first.split_once('=') {
                self.cookies.retain(|(n, _)| n != k);
                if !val.is_empty() {
                    self.cookies.push((k.to_string(), val.to_string()));
                }
            }
        }
        let status = resp.status();
        let location = resp.headers().get(header::LOCATION).map(|l| l.to_str().unwrap_or("").to_string());
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        Reply { status, location, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    pub(crate) async fn login(&mut self, login: &str) -> String {
        let page = self.send("GET", "/login", None).await;
        let csrf = form_token(&page.body);
        let r = self.send("POST", "/login", Some(&format!("csrf={csrf}&login={login}&password={PASSWORD}"))).await;
        // Each role starts where its work is: the ledger, the hotline's queue, the accounts.
        let home = match login {
            "admin" => "/admin/users",
            "hotline" => "/requests",
            _ => "/",
        };
        assert_eq!((r.status, r.location.as_deref()), (StatusCode::SEE_OTHER, Some(home)), "{login}: {}", r.body);
        form_token(&self.send("GET", home, None).await.body)
    }
}

/// The public form's challenge, answered: `&challenge=…&answer=…` for the form body.
pub(crate) fn challenge_answered(html: &str) -> String {
    let at = html.find("name=\"challenge\" value=\"").expect("a challenge") + "name=\"challenge\" value=\"".len();
    let token = html[at..].split('"').next().unwrap_or("");
    let at = html.find("id=\"challenge-question\">").expect("a question") + "id=\"challenge-question\">".len();
    let question = html[at..].split('<').next().unwrap_or("");
    format!("&challenge={token}&answer={}", duban::challenge::solve(question).expect("a sum"))
}

pub(crate) fn form_token(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a csrf field") + "name=\"csrf\" value=\"".len();
    html[at..].split('"').next().unwrap_or("").to_string()
}

pub(crate) fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn sign_in_needs_the_form_token_and_the_password() {
    let f = fixture().await;
    let mut b = Browser::new(&f.router);
    let r = b.send("GET", "/", None).await;
    assert_eq!((r.status, r.location.as_deref()), (StatusCode::SEE_OTHER, Some("/login")));
    let page = b.send("GET", "/login", None).await;
    let csrf = form_token(&page.body);
    let r = b.send("POST", "/login", Some(&format!("csrf=forged&login=office&password={PASSWORD}"))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = b.send("POST", "/login", Some(&format!("csrf={csrf}&login=office&password=wrong"))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("登录名或密码不正确"));
    let csrf = b.login("office").await;
    let r = b.send("GET", "/", None).await;
    assert!(r.body.contains("总览") && r.body.contains("id=\"count-red\""), "{}", r.body);
    // The quantified standards against the latest figures.
    assert!(r.body.contains("id=\"targets\"") && r.body.contains("6所"), "{}", r.body);
    // Sign out needs the token too.
    assert_eq!(b.send("POST", "/logout", Some("csrf=forged")).await.status, StatusCode::BAD_REQUEST);
    let r = b.send("POST", "/logout", Some(&format!("csrf={csrf}"))).await;
    assert_eq!(r.location.as_deref(), Some("/login"));
    assert_eq!(b.send("GET", "/", None).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_unit_sees_only_its_own_matters_in_pages() {
    let f = fixture().await;
    let mut b = Browser::new(&f.router);
    b.login("unit_a").await;
    let list = b.send("GET", "/matters", None).await;
    assert!(list.body.contains("幼儿园") && !list.body.contains("保密"), "{}", list.body);
    let other = b.send("GET", &format!("/matters/{}", f.b_matter), None).await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    assert!(!other.body.contains("保密"));
    let dash = b.send("GET", "/", None).await;
    assert!(!dash.body.contains("人力资源和社会保障局"), "no other unit's figures on a unit's dashboard");
}

#[tokio::test]
async fn reporting_progress_escapes_user_text_and_needs_the_form_token() {
    let f = fixture().await;
    let mut b = Browser::new(&f.router);
    let csrf = b.login("unit_a").await;
    let uri = format!("/matters/{}/progress", f.a_matter);
    let text = "<script>alert(1)</script> 完成3所";
    let form = |csrf: &str, version: &str, value: &str| {
        multipart_with(&[("csrf", csrf), ("version", version), ("value", value), ("narrative", text)], "", b"")
    };
    let (ct, body) = form("forged", "3", "3");
    assert_eq!(post_multipart(&b, &uri, &ct, body).await.status, StatusCode::BAD_REQUEST);
    let (ct, body) = form(&csrf, "3", "3");
    let r = post_multipart(&b, &uri, &ct, body).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = b.send("GET", &format!("/matters/{}", f.a_matter), None).await;
    let escaped = page.body.contains("&#60;script&#62;alert(1)") || page.body.contains("&lt;script&gt;alert(1)");
    assert!(escaped, "the text shows, escaped: {}", page.body);
    assert!(!page.body.contains("<script>alert(1)"));
    assert!(page.body.contains("50%"), "3 of 6 reported: {}", page.body);
    // The same form again, now stale: 409 with the matter's current state shown, and what was
    // typed kept in the form.
    let (ct, body) = form(&csrf, "3", "4");
    let r = post_multipart(&b, &uri, &ct, body).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("已被他人修改"), "{}", r.body);
    assert!(r.body.contains("value=\"4\"") && r.body.contains("完成3所</textarea>"), "input kept: {}", r.body);
    // A percent of 500 is refused with the reason, nothing recorded.
    let v = version_on(&page.body);
    let (ct, body) =
        multipart_with(&[("csrf", &csrf), ("version", &v), ("percent", "500"), ("narrative", "x")], "", b"");
    let r = post_multipart(&b, &uri, &ct, body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("0到100之间"), "{}", r.body);
}

pub(crate) async fn api(
    router: &Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let body = match body {
        Some(v) => {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    let resp = router.clone().oneshot(req.body(body).expect("request")).await.expect("response");
    let status = resp.status();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

pub(crate) async fn token(router: &Router, login: &str) -> String {
    let (s, v) = api(router, "POST", "/api/v1/login", None, Some(json!({"login": login, "password": PASSWORD}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["token"].as_str().expect("token").to_string()
}

#[tokio::test]
async fn roles_by_actions_through_the_api() {
    let f = fixture().await;
    let r = &f.router;
    let (s, v) = api(r, "GET", "/api/v1/matters", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(v["error"].is_string() && v["message"].is_string(), "{v}");
    let (s, _) = api(r, "POST", "/api/v1/login", None, Some(json!({"login": "office", "password": "nope"}))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    let progress = json!({"type": "progress_reported", "value": 2.0, "percent": null, "narrative": "进展"});
    let remind = json!({"type": "reminded", "note": "请加快"});
    // (login, read A's matter, report progress on A's, remind on A's)
    let matrix = [
        ("office", StatusCode::OK, StatusCode::FORBIDDEN, StatusCode::OK),
        ("unit_a", StatusCode::OK, StatusCode::OK, StatusCode::FORBIDDEN),
        ("unit_b", StatusCode::FORBIDDEN, StatusCode::FORBIDDEN, StatusCode::FORBIDDEN),
        ("leader", StatusCode::OK, StatusCode::FORBIDDEN, StatusCode::FORBIDDEN),
    ];
    let a = f.a_matter;
    for (login, read, report, remind_status) in matrix {
        let t = token(r, login).await;
        let (s, v) = api(r, "GET", &format!("/api/v1/matters/{a}"), Some(&t), None).await;
        assert_eq!(s, read, "{login} read: {v}");
        let version = api(r, "GET", &format!("/api/v1/matters/{a}"), Some(&token(r, "office").await), None).await.1["matter"]["version"].clone();
        let (s, v) = api(
            r,
            "POST",
            &format!("/api/v1/matters/{a}/events"),
            Some(&t),
            Some(json!({"version": version, "change": progress})),
        )
        .await;
        assert_eq!(s, report, "{login} report: {v}");
        let version = api(r, "GET", &format!("/api/v1/matters/{a}"), Some(&token(r, "office").await), None).await.1["matter"]["version"].clone();
        let (s, v) = api(
            r,
            "POST",
            &format!("/api/v1/matters/{a}/events"),
            Some(&t),
            Some(json!({"version": version, "change": remind})),
        )
        .await;
        assert_eq!(s, remind_status, "{login} remind: {v}");
        let (_, list) = api(r, "GET", "/api/v1/matters", Some(&t), None).await;
        let n = list["matters"].as_array().map_or(0, Vec::len);
        assert_eq!(n, if login.starts_with("unit") { 1 } else { 2 }, "{login} list");
    }
    // A stale version conflicts and says what is current.
    let t = token(r, "office").await;
    let (s, v) =
        api(r, "POST", &format!("/api/v1/matters/{a}/events"), Some(&t), Some(json!({"version": 1, "change": remind})))
            .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(v["current_version"].as_i64().is_some_and(|n| n > 1), "{v}");
    let (s, doc) = api(r, "GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(doc["paths"]["/api/v1/matters/{id}/events"]["post"]["responses"]["409"].is_object());
}

fn multipart(csrf: &str, file: &[u8], year: &str) -> (String, Vec<u8>) {
    let boundary = "dubanTestBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in [("csrf", csrf.as_bytes()), ("year", year.as_bytes())] {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(value);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"report.txt\"\r\nContent-Type: text/plain\r\n\r\n").as_bytes());
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post_multipart(b: &Browser<'_>, uri: &str, content_type: &str, body: Vec<u8>) -> Reply {
    let c: Vec<String> = b.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let req = Request::builder()
        .method("POST")
        .uri(uri)
        .header(header::COOKIE, c.join("; "))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .expect("request");
    let resp = b.router.clone().oneshot(req).await.expect("response");
    let status = resp.status();
    let location = resp.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_string);
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    Reply { status, location, body: String::from_utf8_lossy(&bytes).into_owned() }
}

#[tokio::test]
async fn import_preview_and_adopt_a_report() {
    let f = fixture().await;
    let seed = std::fs::read(crate::seed_path()).expect("seed");
    // Units may not import.
    let mut unit = Browser::new(&f.router);
    unit.login("unit_a").await;
    assert_eq!(unit.send("GET", "/reports/new", None).await.status, StatusCode::FORBIDDEN);

    let mut office = Browser::new(&f.router);
    let csrf = office.login("office").await;
    assert!(office.send("GET", "/reports/new", None).await.body.contains("导入政府工作报告"));
    let (ct, body) = multipart(&csrf, b"\x89PNG\r\n\x1a\n\0\0\0", "");
    let r = post_multipart(&office, "/reports/preview", &ct, body).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("PNG"), "{}", r.body);
    let (ct, body) = multipart("forged", &seed, "");
    assert_eq!(post_multipart(&office, "/reports/preview", &ct, body).await.status, StatusCode::BAD_REQUEST);

    let (ct, body) = multipart(&csrf, &seed, "");
    let r = post_multipart(&office, "/reports/preview", &ct, body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("计划 2019 年") && r.body.contains("<mark>"), "facts are highlighted");
    assert!(r.body.contains("新建、改扩建幼儿园6所"), "the kindergarten task is a candidate");
    // Adopt two rows: the first headline target as suggested, and the kindergarten task, whose
    // suggested unit (教育和体育局) exists here; the deadline of the target is changed.
    let reading = duban_report::read(
        &seed,
        &duban_report::Options { year: Some(2019), tasks: Some(&duban_report::LeadUnits::builtin()) },
    )
    .expect("reading");
    let kg = reading.facts.iter().filter(|f| f.headline).count()
        + reading.tasks.iter().position(|t| t.text.contains("幼儿园6所")).expect("task");
    let form = format!(
        "csrf={csrf}&year=2019&text={}&include=0&deadline_0=2019-11-30&lead_0=&include={kg}&lead_{kg}=1&deadline_{kg}=2019-09-01",
        urlencode(&reading.text)
    );
    let r = office.send("POST", "/reports/adopt", Some(&form)).await;
    assert_eq!((r.status, r.location.as_deref()), (StatusCode::SEE_OTHER, Some("/matters")), "{}", r.body);
    let list = unit.send("GET", "/matters", None).await;
    assert!(list.body.contains("幼儿园6所") && list.body.contains("2019-09-01"), "{}", list.body);
    let all = office.send("GET", "/matters", None).await;
    assert!(all.body.contains("2019-11-30") && all.body.contains("（待分派）"), "{}", all.body);
    // Importing it again is caught at preview: the earlier adoption named, the rows it made
    // marked and left unticked.
    let (ct, body) = multipart(&csrf, &seed, "");
    let again = post_multipart(&office, "/reports/preview", &ct, body).await;
    assert!(again.body.contains("此报告已经采纳过") && again.body.contains("作为新版本采纳"), "{}", again.body);
    assert!(again.body.contains("已有 2019-003") && again.body.contains("已有 2019-004"), "{}", again.body);
    assert!(again.body.contains("<b id=\"matched-count\">2</b>"), "{}", again.body);
    // A bad deadline names its row and adopts nothing (as a new version of report 2).
    let form =
        format!("csrf={csrf}&year=2019&text={}&supersedes=2&include=0&deadline_0=tomorrow", urlencode(&reading.text));
    let r = office.send("POST", "/reports/adopt", Some(&form)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("第1行"), "{}", r.body);
}

pub(crate) async fn download(b: &mut Browser<'_>, name: &str) -> (StatusCode, Vec<u8>, String) {
    let c: Vec<String> = b.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let req = Request::builder()
        .uri(format!("/exports/{name}"))
        .header(header::COOKIE, c.join("; "))
        .body(Body::empty())
        .expect("request");
    let resp = b.router.clone().oneshot(req).await.expect("response");
    let status = resp.status();
    let disposition = resp
        .headers()
        .get(header::CONTENT_DISPOSITION)
        .map(|v| v.to_str().unwrap_or("").to_string())
        .unwrap_or_default();
    (status, resp.into_body().collect().await.expect("body").to_bytes().to_vec(), disposition)
}

#[tokio::test]
async fn exports_open_as_real_office_files_and_hold_only_what_the_account_sees() {
    use calamine::{Reader, Xlsx};
    let f = fixture().await;
    let mut office = Browser::new(&f.router);
    office.login("office").await;
    let (s, bytes, disposition) = download(&mut office, "tasks.xlsx").await;
    assert_eq!(s, StatusCode::OK);
    assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("a real xlsx");
    let sheet = book.worksheet_range("任务分解表").expect("sheet");
    let rows: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(rows[0][..5], ["编号", "工作任务", "牵头单位", "责任单位", "完成时限"]);
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().any(|r| r[0] == "2019-001") && rows.iter().any(|r| r[0] == "2019-002"), "{rows:?}");
    assert!(rows.iter().any(|r| r[1] == "新建、改扩建幼儿园6所" && r[2] == "教育和体育局" && r[4] == "2019-12-31"));

    for name in ["tasks.docx", "bulletin.docx"] {
        let (s, bytes, _) = download(&mut office, name).await;
        assert_eq!(s, StatusCode::OK);
        // Read the Word file back with our own .docx reader.
        let text = duban_report::decode::decode(&bytes).expect("a real docx").text;
        assert!(text.contains("幼儿园"), "{name}: {text}");
        if name == "bulletin.docx" {
            assert!(text.contains("政务督查通报") && text.contains("考核排名") && text.contains("红灯"), "{text}");
        }
    }
    let (_, csv, _) = download(&mut office, "ledger.csv").await;
    let csv = String::from_utf8(csv).expect("utf-8");
    assert!(csv.starts_with('\u{feff}') && csv.contains("灯色") && csv.contains("保密"));

    let mut unit = Browser::new(&f.router);
    unit.login("unit_a").await;
    let (_, csv, _) = download(&mut unit, "ledger.csv").await;
    let csv = String::from_utf8(csv).expect("utf-8");
    assert!(csv.contains("幼儿园") && !csv.contains("保密"), "a unit exports only its own matters");
    assert_eq!(download(&mut unit, "secrets.xlsx").await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn milestones_by_reverse_schedule_and_their_completion() {
    let f = fixture().await;
    let mut office = Browser::new(&f.router);
    let csrf = office.login("office").await;
    let act = format!("/matters/{}/act", f.a_matter);
    let r = office.send("POST", &act, Some(&format!("csrf={csrf}&version=3&action=reverse_schedule"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = office.send("GET", &format!("/matters/{}", f.a_matter), None).await;
    for name in ["完成25%", "完成50%", "完成75%", "全部完成"] {
        assert!(page.body.contains(name), "{name}: {}", page.body);
    }
    assert!(page.body.contains("全部完成（2019-12-31）"));
    let r =
        office.send("POST", &act, Some(&format!("csrf={csrf}&version=7&action=add_milestone&name=x&due=soon"))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    let mut unit = Browser::new(&f.router);
    let ucsrf = unit.login("unit_a").await;
    let r = unit
        .send("POST", &act, Some(&format!("csrf={ucsrf}&version=7&action=add_milestone&name=x&due=2019-08-01")))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "only the office sets milestones");
    let r = unit
        .send(
            "POST",
            &act,
            Some(&format!("csrf={ucsrf}&version=7&action=milestone_done&name={}", urlencode("完成25%"))),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = unit.send("GET", &format!("/matters/{}", f.a_matter), None).await;
    assert!(page.body.contains("已完成 2019-07-01"), "{}", page.body);
    assert!(page.body.contains("完成节点“完成25%”"), "in the timeline");

    // The unit proposes two milestones of its own; the office confirms one and declines the other
    // (with a reason); the office cannot propose, a unit cannot confirm.
    let propose = |csrf: &str, version: &str, name: &str| {
        format!("csrf={csrf}&version={version}&action=propose_milestone&name={}&due=2019-09-30", urlencode(name))
    };
    let v = version_on(&page.body);
    let r = unit.send("POST", &act, Some(&propose(&ucsrf, &v, "完成招标"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = unit.send("GET", &format!("/matters/{}", f.a_matter), None).await;
    assert!(page.body.contains("待确认") && page.body.contains("完成招标（2019-09-30）"), "{}", page.body);
    let v = version_on(&page.body);
    let r = unit.send("POST", &act, Some(&propose(&ucsrf, &v, "完成验收"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = office.send("GET", &format!("/matters/{}", f.a_matter), None).await;
    let v = version_on(&page.body);
    assert_eq!(office.send("POST", &act, Some(&propose(&csrf, &v, "x"))).await.status, StatusCode::FORBIDDEN);
    let confirm = format!("csrf={ucsrf}&version={v}&action=confirm_milestone&name={}", urlencode("完成招标"));
    assert_eq!(unit.send("POST", &act, Some(&confirm)).await.status, StatusCode::FORBIDDEN);
    let confirm = format!("csrf={csrf}&version={v}&action=confirm_milestone&name={}", urlencode("完成招标"));
    assert_eq!(office.send("POST", &act, Some(&confirm)).await.status, StatusCode::SEE_OTHER);
    let page = office.send("GET", &format!("/matters/{}", f.a_matter), None).await;
    let v = version_on(&page.body);
    let decline = |reason: &str| {
        format!(
            "csrf={csrf}&version={v}&action=decline_milestone&name={}&note={}",
            urlencode("完成验收"),
            urlencode(reason)
        )
    };
    let r = office.send("POST", &act, Some(&decline(" "))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("不同意的理由"), "{}", r.body);
    assert_eq!(office.send("POST", &act, Some(&decline("验收不属本年度"))).await.status, StatusCode::SEE_OTHER);
    let page = unit.send("GET", &format!("/matters/{}", f.a_matter), None).await;
    assert!(
        page.body.contains("待完成</span>\n    完成招标（2019-09-30）") || page.body.contains("完成招标（2019-09-30）")
    );
    assert!(!page.body.contains("待确认"), "no proposal left: {}", page.body);
    assert!(page.body.contains("不同意节点“完成验收”：验收不属本年度"), "in the timeline");
}

#[tokio::test]
async fn a_reminder_reaches_the_unit_inbox_and_no_one_else() {
    let f = fixture().await;
    let mut office = Browser::new(&f.router);
    let csrf = office.login("office").await;
    let r = office
        .send(
            "POST",
            &format!("/matters/{}/act", f.a_matter),
            Some(&format!("csrf={csrf}&version=3&action=remind&note={}", urlencode("请本周内报送进展"))),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mut a = Browser::new(&f.router);
    a.login("unit_a").await;
    let dash = a.send("GET", "/", None).await;
    assert!(dash.body.contains("待办提醒") && dash.body.contains("催办：请本周内报送进展"), "{}", dash.body);
    let mut b = Browser::new(&f.router);
    b.login("unit_b").await;
    assert!(!b.send("GET", "/", None).await.body.contains("请本周内报送进展"));
}

#[tokio::test]
async fn deadlines_count_working_days_on_the_holiday_calendar() {
    let f = fixture().await;
    let mut office = Browser::new(&f.router);
    let csrf = office.login("office").await;
    let cal = duban_core::Calendar::builtin();
    let page = office.send("GET", &format!("/matters/{}", f.a_matter), None).await;
    let left = cal.working_days_between(date!(2019 - 07 - 01), date!(2019 - 12 - 31));
    assert!(page.body.contains(&format!("（剩余{left}个工作日）")), "{}", page.body);
    // A milestone five working days out, over no holiday: Mon 2019-07-01 → Mon 2019-07-08.
    let r = office
        .send(
            "POST",
            &format!("/matters/{}/act", f.a_matter),
            Some(&format!("csrf={csrf}&version=3&action=add_milestone&name={}&workdays=5", urlencode("完成选址"))),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = office.send("GET", &format!("/matters/{}", f.a_matter), None).await;
    assert!(page.body.contains("完成选址（2019-07-08）"), "{}", page.body);
}

/// A multipart body of text fields and one file.
fn multipart_with(fields: &[(&str, &str)], file_name: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "dubanEvidenceBoundary0123456789";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn version_on(page: &str) -> String {
    let at = page.find("name=\"version\" value=\"").expect("a version field") + "name=\"version\" value=\"".len();
    page[at..].split('"').next().unwrap_or("").to_string()
}

#[tokio::test]
async fn adoption_edits_merge_split_co_units_standards_and_working_days() {
    let f = fixture().await;
    let seed = std::fs::read(crate::seed_path()).expect("seed");
    let reading = duban_report::read(
        &seed,
        &duban_report::Options { year: Some(2019), tasks: Some(&duban_report::LeadUnits::builtin()) },
    )
    .expect("reading");
    let kg = reading.facts.iter().filter(|f| f.headline).count()
        + reading.tasks.iter().position(|t| t.text.contains("幼儿园6所")).expect("task");
    let next = kg + 1;
    let mut office = Browser::new(&f.router);
    let csrf = office.login("office").await;
    let text = urlencode(&reading.text);
    // Row kg: its title split in two lines, a co-unit, a new standard, 10 working days from Monday
    // 2019-07-01 (→ 07-15); row kg+1 merged into it (the page numbers rows from 1).
    let form = format!(
        "csrf={csrf}&year=2019&text={text}&include={kg}&title_{kg}={}&lead_{kg}=1&co_{kg}={}&standard_{kg}={}&deadline_{kg}={}\
         &include={next}&title_{next}={}&merge_{next}={}",
        urlencode("新建、改扩建幼儿园6所\n配齐幼儿教师"),
        urlencode("人力资源和社会保障局"),
        urlencode("不少于8所"),
        urlencode("10个工作日"),
        urlencode("合并进来的任务"),
        kg + 1,
    );
    let r = office.send("POST", "/reports/adopt", Some(&form)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let t = token(&f.router, "office").await;
    let (_, list) = api(&f.router, "GET", "/api/v1/matters", Some(&t), None).await;
    let adopted: Vec<&Value> = list["matters"].as_array().expect("list").iter().skip(2).map(|m| &m["matter"]).collect();
    assert_eq!(adopted.len(), 2, "one row split in two; the merged row is no matter of its own");
    assert_eq!(adopted[0]["title"], "新建、改扩建幼儿园6所");
    assert_eq!(adopted[1]["title"], "配齐幼儿教师；合并进来的任务");
    for m in &adopted {
        assert_eq!((m["deadline"].as_str(), m["lead_unit"].as_str()), (Some("2019-07-15"), Some("教育和体育局")));
        assert_eq!(m["co_units"], json!(["人力资源和社会保障局"]));
    }
    assert_eq!(adopted[0]["standard"], json!({"value": 8.0, "unit": "所", "goal": "atleast"}));
    assert!(adopted[1]["standard"].is_null(), "the standard stays with the first line");
    // An unknown co-unit and a merge into a dropped row name their rows; nothing is adopted.
    // (Adopted once already: a second adoption is a new version of report 2, or nothing.)
    let again =
        office.send("POST", "/reports/adopt", Some(&format!("csrf={csrf}&year=2019&text={text}&include={kg}"))).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("已于") && again.body.contains("新版本"), "{}", again.body);
    for bad in [format!("&include={kg}&co_{kg}=不存在局"), format!("&include={kg}&merge_{kg}=1")] {
        let form = format!("csrf={csrf}&year=2019&text={text}&supersedes=2{bad}");
        let r = office.send("POST", "/reports/adopt", Some(&form)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(r.body.contains(&format!("第{}行", kg + 1)), "{}", r.body);
    }
    let (_, list) = api(&f.router, "GET", "/api/v1/matters", Some(&t), None).await;
    assert_eq!(list["matters"].as_array().map(Vec::len), Some(4));
}

#[tokio::test]
async fn split_evidence_campaigns_and_webhooks_in_pages() {
    let f = fixture().await;
    let a = f.a_matter;
    let mut office = Browser::new(&f.router);
    let csrf = office.login("office").await;
    let page = office.send("GET", &format!("/matters/{a}"), None).await;
    assert!(page.body.contains("id=\"split\""), "the office may split");
    let version = version_on(&page.body);
    let shares = urlencode("教育和体育局 50%\n人力资源和社会保障局 50% 2019-10-31");
    let form = format!("csrf={csrf}&version={version}&shares={shares}&follow_worst=1");
    let r = office.send("POST", &format!("/matters/{a}/split"), Some(&form)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = office.send("GET", &format!("/matters/{a}"), None).await;
    assert!(page.body.contains("id=\"children\"") && page.body.contains("灯色随最差子事项"), "{}", page.body);
    assert!(!page.body.contains("id=\"split\""), "split once");
    // A share for an unknown unit is refused with its line.
    let r = office
        .send(
            "POST",
            &format!("/matters/{}/split", f.b_matter),
            Some(&format!("csrf={csrf}&version=3&shares=%E6%97%A0")),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("第1行"), "{}", r.body);

    // 人社局 now sees its share, not the parent.
    let mut b = Browser::new(&f.router);
    b.login("unit_b").await;
    let mine = b.send("GET", "/matters", None).await;
    assert!(mine.body.contains("新建、改扩建幼儿园6所（人力资源和社会保障局）"), "{}", mine.body);
    assert_eq!(b.send("GET", &format!("/matters/{a}"), None).await.status, StatusCode::FORBIDDEN);

    // Evidence: the unit uploads a photo; a script dressed as a page is refused and says why.
    let mut unit = Browser::new(&f.router);
    let unit_csrf = unit.login("unit_a").await;
    let page = unit.send("GET", &format!("/matters/{a}"), None).await;
    let version = version_on(&page.body);
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR-photo";
    let (ct, body) = multipart_with(&[("csrf", &unit_csrf), ("version", &version)], "现场照片.png", png);
    let r = post_multipart(&unit, &format!("/matters/{a}/evidence"), &ct, body).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = unit.send("GET", &format!("/matters/{a}"), None).await;
    assert!(page.body.contains("现场照片.png"), "listed");
    let at = page.body.find(&format!("/matters/{a}/evidence/")).expect("a link");
    let link: String = page.body[at..].split('"').next().expect("href").to_string();
    let (ct, body) = multipart_with(
        &[("csrf", &unit_csrf), ("version", &version_on(&page.body))],
        "x.html",
        b"<script>alert(1)</script>",
    );
    let r = post_multipart(&unit, &format!("/matters/{a}/evidence"), &ct, body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("x.html") && !r.body.contains("<script>alert"), "{}", r.body);
    let (ct, body) = multipart_with(&[("csrf", "forged"), ("version", &version)], "a.png", png);
    assert_eq!(
        post_multipart(&unit, &format!("/matters/{a}/evidence"), &ct, body).await.status,
        StatusCode::BAD_REQUEST
    );
    let got = office.send("GET", &link, None).await;
    // (The store's test compares the bytes exactly; this reply is read as text.)
    assert_eq!(got.status, StatusCode::OK);
    assert!(got.body.ends_with("PNG\r\n\u{1a}\n\0\0\0\rIHDR-photo"), "{:?}", got.body);
    assert_eq!(b.send("GET", &link, None).await.status, StatusCode::FORBIDDEN);

    // A campaign from the ledger's check boxes; its name is escaped wherever it shows.
    let form = format!(
        "csrf={csrf}&name={}&deadline=2019-06-30&matter={a}&matter={}",
        urlencode("<script>百日攻坚</script>"),
        f.b_matter
    );
    let r = office.send("POST", "/campaigns", Some(&form)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let list = office.send("GET", "/campaigns", None).await;
    assert!(list.body.contains("&#60;script&#62;百日攻坚") && !list.body.contains("<script>百日"), "{}", list.body);
    assert!(list.body.contains("已超期"), "due 2019-06-30, today 2019-07-01");
    let only = office.send("GET", "/matters?campaign=1", None).await;
    assert!(only.body.contains("保密") && only.body.contains("幼儿园"));
    let units_list = unit.send("GET", "/campaigns", None).await;
    assert!(units_list.body.contains("百日攻坚"), "a member unit sees its campaign");
    assert_eq!(
        unit.send("POST", "/campaigns", Some(&form.replace(&csrf, &unit_csrf))).await.status,
        StatusCode::FORBIDDEN
    );

    // Webhooks are the administrator's to set: not a unit's, not the office's.
    assert_eq!(unit.send("GET", "/units", None).await.status, StatusCode::FORBIDDEN);
    let url = urlencode("https://oapi.dingtalk.com/robot/send?access_token=abc");
    let r = unit.send("POST", "/units/1/webhook", Some(&format!("csrf={unit_csrf}&url={url}"))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = office.send("POST", "/units/1/webhook", Some(&format!("csrf={csrf}&url={url}"))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut admin = Browser::new(&f.router);
    let admin_csrf = admin.login("admin").await;
    let r = admin.send("POST", "/units/1/webhook", Some(&format!("csrf={admin_csrf}&url={url}"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(admin.send("GET", "/units", None).await.body.contains("access_token=abc"));
}

#[tokio::test]
async fn the_api_covers_reports_dashboard_exports_split_and_campaigns() {
    let f = fixture().await;
    let r = &f.router;
    let office = token(r, "office").await;
    let unit = token(r, "unit_a").await;
    let seed = std::fs::read(crate::seed_path()).expect("seed");
    let raw = |uri: &str, t: &str, body: Vec<u8>| {
        Request::builder()
            .method("POST")
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {t}"))
            .body(Body::from(body))
            .expect("request")
    };
    let resp = r.clone().oneshot(raw("/api/v1/reports/preview", &unit, seed.clone())).await.expect("response");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let resp = r.clone().oneshot(raw("/api/v1/reports/preview", &office, seed)).await.expect("response");
    assert_eq!(resp.status(), StatusCode::OK);
    let preview: Value =
        serde_json::from_slice(&resp.into_body().collect().await.expect("body").to_bytes()).expect("json");
    assert_eq!(preview["plan_year"], 2019);
    let candidates = preview["matters"].as_array().expect("candidates");
    assert!(candidates.len() > 50, "{}", candidates.len());
    assert!(candidates.iter().any(|m| m["lead_unit"] == "教育和体育局"));
    // Adopt two of them, one edited.
    let body = json!({"text": preview["text"], "year": 2019, "matters": [
        {"kind": "task", "title": "新建、改扩建幼儿园6所", "lead_unit": "教育和体育局", "deadline": "2019-09-01",
         "standard": {"value": 6.0, "unit": "所", "goal": "atleast"}, "section": "（三）民生"},
        {"kind": "target", "title": "新增城镇就业4900人", "lead_unit": "人力资源和社会保障局"}]});
    let (s, v) = api(r, "POST", "/api/v1/reports", Some(&office), Some(body.clone())).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["matters"].as_array().map(Vec::len), Some(2));
    // The same report again: refused unless adopted as a new version of the first.
    let (s, v) = api(r, "POST", "/api/v1/reports", Some(&office), Some(body.clone())).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["message"].as_str().is_some_and(|m| m.contains("新版本")), "{v}");
    let bad = json!({"text": preview["text"], "supersedes": 2, "matters": [{"kind": "task", "title": "x", "lead_unit": "无此单位"}]});
    let (s, v) = api(r, "POST", "/api/v1/reports", Some(&office), Some(bad)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["message"].as_str().is_some_and(|m| m.contains("无此单位")), "{v}");
    assert_eq!(api(r, "POST", "/api/v1/reports", Some(&unit), Some(body)).await.0, StatusCode::FORBIDDEN);

    let (s, d) = api(r, "GET", "/api/v1/dashboard", Some(&office), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(d["matters"].as_array().map(Vec::len), Some(4));
    assert!(d["sections"].as_array().expect("sections").iter().any(|s| s["section"] == "（三）民生"), "{d}");
    assert_eq!(d["rules"]["red_lag"], 0.25);
    let (_, d) = api(r, "GET", "/api/v1/dashboard", Some(&unit), None).await;
    assert_eq!(d["matters"].as_array().map(Vec::len), Some(2), "a unit's dashboard counts its own");

    // Split, then a campaign, through the API.
    let a = f.a_matter;
    let (_, m) = api(r, "GET", &format!("/api/v1/matters/{a}"), Some(&office), None).await;
    let split = json!({"version": m["matter"]["version"], "follow_worst": false,
        "shares": [{"unit": "教育和体育局", "weight": 0.5}, {"unit": "人力资源和社会保障局", "weight": 0.5}]});
    assert_eq!(
        api(r, "POST", &format!("/api/v1/matters/{a}/split"), Some(&unit), Some(split.clone())).await.0,
        StatusCode::FORBIDDEN
    );
    let (s, v) = api(r, "POST", &format!("/api/v1/matters/{a}/split"), Some(&office), Some(split)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, m) = api(r, "GET", &format!("/api/v1/matters/{a}"), Some(&office), None).await;
    assert_eq!(m["children"].as_array().map(Vec::len), Some(2));
    let (s, v) = api(
        r,
        "POST",
        "/api/v1/campaigns",
        Some(&office),
        Some(json!({"name": "学位攻坚", "deadline": "2019-08-31", "matters": [a]})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, c) = api(r, "GET", "/api/v1/campaigns", Some(&unit), None).await;
    assert_eq!(c["campaigns"][0]["name"], "学位攻坚");
    let (s, _) = api(r, "PUT", "/api/v1/units/1/webhook", Some(&unit), Some(json!({"url": "https://x"}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = api(r, "PUT", "/api/v1/units/1/webhook", Some(&office), Some(json!({"url": "https://x"}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "the administrator's, not the office's");
    let admin = token(r, "admin").await;
    let robot = json!({"url": "https://oapi.dingtalk.com/robot/send?access_token=t"});
    let (s, _) = api(r, "PUT", "/api/v1/units/1/webhook", Some(&admin), Some(robot)).await;
    assert_eq!(s, StatusCode::OK);

    // The bulletin for a chosen period, by bearer token.
    let get = |uri: String| {
        Request::builder()
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {office}"))
            .body(Body::empty())
            .expect("request")
    };
    let resp = r
        .clone()
        .oneshot(get("/api/v1/exports/bulletin.docx?from=2019-06-01&to=2019-06-30".into()))
        .await
        .expect("response");
    assert_eq!(resp.status(), StatusCode::OK);
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    let text = duban_report::decode::decode(&bytes).expect("a real docx").text;
    assert!(text.contains("2019年6月1日至2019年6月30日") && text.contains("分领域推进情况"), "{text}");
    assert!(text.contains("预览稿，未编号"), "an export is a preview: {text}");
    // Issued bulletins: numbered per year, kept as issued, downloaded again unchanged.
    let (s, first) = api(r, "POST", "/api/v1/bulletins", Some(&office), Some(json!({}))).await;
    assert_eq!(s, StatusCode::CREATED, "{first}");
    assert_eq!(
        (first["issue"].as_str(), first["from"].as_str(), first["to"].as_str()),
        (Some("2019年第1期"), Some("2019-06-01"), Some("2019-06-30"))
    );
    let (s, _) = api(r, "POST", "/api/v1/bulletins", Some(&unit), Some(json!({}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "units do not issue bulletins");
    let (_, second) =
        api(r, "POST", "/api/v1/bulletins", Some(&office), Some(json!({"from": "2019-01-01", "to": "2019-06-30"})))
            .await;
    assert_eq!(second["number"], 2);
    let fetch = |id: &Value| get(format!("/bulletins/{}", id.as_i64().unwrap_or(0)));
    let once = r
        .clone()
        .oneshot(fetch(&first["id"]))
        .await
        .expect("response")
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let twice = r
        .clone()
        .oneshot(fetch(&first["id"]))
        .await
        .expect("response")
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    assert_eq!(once, twice, "the same bytes, as issued");
    let text = duban_report::decode::decode(&once).expect("a real docx").text;
    assert!(text.contains("2019年第1期") && text.contains("区人民政府督查室"), "{text}");
    let (_, list) = api(r, "GET", "/api/v1/bulletins", Some(&unit), None).await;
    assert_eq!(list["bulletins"].as_array().map(Vec::len), Some(2), "units read the register");
    let resp = r
        .clone()
        .oneshot(get("/api/v1/exports/bulletin.docx?from=2019-07-01&to=2019-06-30".into()))
        .await
        .expect("response");
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let resp = r.clone().oneshot(get("/api/v1/exports/bulletin.docx?to=June".into())).await.expect("response");
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);

    let (_, doc) = api(r, "GET", "/api/v1/openapi.json", None, None).await;
    for path in [
        "/api/v1/reports",
        "/api/v1/reports/preview",
        "/api/v1/dashboard",
        "/api/v1/exports/{name}",
        "/api/v1/matters/{id}/split",
        "/api/v1/matters/{id}/attachments",
        "/api/v1/campaigns",
        "/api/v1/units/{id}/webhook",
        "/api/v1/bulletins",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
}

/// A refused intake comes back with the reason and what the operator typed; a framework refusal
/// (a field missing) is a sentence naming the field, never the library's words.
#[tokio::test]
async fn refused_forms_keep_what_was_typed_and_speak_chinese() {
    let f = fixture().await;
    let mut office = Browser::new(&f.router);
    let csrf = office.login("office").await;
    let form = format!(
        "csrf={csrf}&caller_name={}&phone=13812345678&content={}&request_type=complaint&category=9999&dispatch=",
        urlencode("王先生"),
        urlencode("幸福小区路灯不亮")
    );
    let r = office.send("POST", "/requests", Some(&form)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("没有类别") && r.body.contains("幸福小区路灯不亮</textarea>"), "{}", r.body);
    assert!(r.body.contains("value=\"王先生\""), "{}", r.body);
    // A form without its fields: the field is named in words, the library's text is not shown.
    let r = office.send("POST", &format!("/matters/{}/act", f.a_matter), Some(&format!("csrf={csrf}"))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("缺少“版本号”") && !r.body.contains("deserialize"), "{}", r.body);
    // A report over the limit is refused with the limit named.
    let big = vec![b'x'; 21 << 20];
    let (ct, body) = multipart(&csrf, &big, "");
    let r = post_multipart(&office, "/reports/preview", &ct, body).await;
    assert!(r.status.is_client_error() && r.body.contains("20 MB"), "{} {}", r.status, r.body);
    // A damaged Word file is refused with what to do, not the zip library's words.
    let mut docx = b"PK\x03\x04".to_vec();
    docx.extend_from_slice(&[0u8; 200]);
    let (ct, body) = multipart(&csrf, &docx, "");
    let r = post_multipart(&office, "/reports/preview", &ct, body).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("另存为") && !r.body.contains("EOCD") && !r.body.contains("Zip"), "{}", r.body);
}

/// A report as offices send it: a .docx with pictures, several megabytes, is read.
#[tokio::test]
async fn a_docx_with_pictures_over_a_megabyte_is_read() {
    use std::io::Write;
    let f = fixture().await;
    let mut office = Browser::new(&f.router);
    let csrf = office.login("office").await;
    let seed = std::fs::read_to_string(crate::seed_path()).expect("seed");
    let paragraphs: String = seed
        .lines()
        .map(|l| format!("<w:p><w:r><w:t>{}</w:t></w:r></w:p>", l.replace('&', "&amp;").replace('<', "&lt;")))
        .collect();
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{paragraphs}</w:body></w:document>"
    );
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        z.start_file("word/document.xml", stored).expect("part");
        z.write_all(xml.as_bytes()).expect("write");
        z.start_file("word/media/image1.jpeg", stored).expect("part");
        // A photo's worth of bytes that do not compress.
        let mut x: u64 = 1;
        let photo: Vec<u8> = (0..3_000_000)
            .map(|_| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
                (x >> 33) as u8
            })
            .collect();
        z.write_all(&photo).expect("write");
        z.finish().expect("zip");
    }
    let docx = buf.into_inner();
    assert!(docx.len() > 2 << 20, "{} bytes", docx.len());
    let (ct, body) = multipart(&csrf, &docx, "");
    let r = post_multipart(&office, "/reports/preview", &ct, body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body.chars().take(500).collect::<String>());
    assert!(r.body.contains("新建、改扩建幼儿园6所"));
}
