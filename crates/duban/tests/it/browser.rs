//! The closed loop in a real browser (headless Chromium through chromedriver): the office imports the
//! report and adopts its task list, a unit reports progress and sees the warning change, the office
//! reminds and signs off, and the bulletin is exported. Screenshots of every step are kept in
//! target/browser-screenshots as test artifacts.
//!
//! Needs Debian's `chromium` and `chromium-driver` (.ci/run installs them).

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use duban::accounts::hash_password;
use duban::store::{Role, Store};
use duban::web::{AppState, router};
use fantoccini::{Client, ClientBuilder, Locator};
use http_body_util::BodyExt;
use time::macros::date;

/// chromedriver in a process group of its own, with the browsers it starts: dropped, the whole
/// group is killed (killing chromedriver alone leaves its Chromium processes behind).
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("addr").port()
}

async fn start_chromedriver() -> (Driver, u16) {
    let port = free_port();
    // Wrapped at once so that Drop kills and reaps it on every path.
    let driver = Driver(
        Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "chromedriver must be installed (Debian packages chromium and chromium-driver; .ci/run installs them)",
            ),
    );
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return (driver, port);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start on port {port}");
}

fn shots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.expect("screenshot");
    std::fs::write(shots().join(format!("{name}.png")), png).expect("write screenshot");
}

async fn login(c: &Client, base: &str, login: &str, password: &str) {
    c.goto(&format!("{base}/login")).await.expect("login page");
    c.find(Locator::Id("login")).await.expect("login field").send_keys(login).await.expect("type");
    c.find(Locator::Id("password")).await.expect("password field").send_keys(password).await.expect("type");
    c.find(Locator::Css("form button[type=submit]")).await.expect("button").click().await.expect("click");
    // The ledger's readers land on the dashboard, the hotline centre on its queue, the
    // administrator on the accounts.
    c.wait().for_element(Locator::Css("#count-red, #queue, #accounts")).await.expect("the first page after signing in");
}

/// A headless Chromium session (and its chromedriver, stopped on drop), with a desktop's window.
async fn chromium() -> (Driver, Client) {
    session(serde_json::json!({})).await
}

/// A headless Chromium emulating a phone 390 px wide (a desktop window cannot be made that narrow:
/// Chromium keeps it at least 500 px).
async fn phone() -> (Driver, Client) {
    session(serde_json::json!({"mobileEmulation": {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 2.0}}}))
        .await
}

async fn session(extra: serde_json::Value) -> (Driver, Client) {
    let (driver, port) = start_chromedriver().await;
    let mut options = serde_json::json!({
        "binary": "/usr/bin/chromium",
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1366,1000", "--lang=zh-CN"]
    });
    if let (Some(o), Some(e)) = (options.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    let caps: serde_json::Map<String, serde_json::Value> =
        serde_json::from_value(serde_json::json!({"goog:chromeOptions": options})).expect("caps");
    let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a Chromium session");
    (driver, c)
}

/// The server for the walks: the units of the keyword table (and the streets), an office and a
/// unit account, on its own SQLite file; `today` fixed.
async fn server(dir: &std::path::Path, today: time::Date) -> (String, Store, duban::store::Actor) {
    let store = Store::open(&format!("sqlite://{}", dir.join("b.db").display()), true).await.expect("open");
    let hash = hash_password(PASSWORD).expect("hash");
    let units: Vec<(String, String)> = duban_report::LeadUnits::builtin()
        .units()
        .into_iter()
        .map(|u| (u.to_string(), "区直部门".to_string()))
        .collect();
    let ids = store.import_units(&units).await.expect("units");
    let edu = ids[units.iter().position(|u| u.0 == "教育和体育局").expect("教育和体育局")];
    let office = store.add_user("duchashi", "区政府督查室", &hash, Role::Office).await.expect("user");
    store.add_user("jiaoti", "教育和体育局", &hash, Role::Unit(edu)).await.expect("user");
    let state = Arc::new(AppState::new(store.clone(), Some(today)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, router(state)).await });
    (base, store, office)
}

const PASSWORD: &str = "browser-pass-1";

async fn text_of(c: &Client, locator: Locator<'_>) -> String {
    c.find(locator).await.expect("element").text().await.expect("text")
}

/// Clicks an element after scrolling it into view (a phone's screen is short). Under phone
/// emulation chromedriver may place the click outside the emulated screen; the element is then
/// clicked as the page's own script would.
async fn click(c: &Client, locator: Locator<'_>) {
    let e = c.find(locator).await.expect("element");
    let arg = vec![serde_json::to_value(&e).expect("element")];
    c.execute("arguments[0].scrollIntoView({block: 'center'});", arg.clone()).await.expect("scroll");
    if e.click().await.is_err() {
        c.execute("arguments[0].click();", arg).await.expect("click");
    }
}

/// A GET with the browser's session, outside the browser (downloads).
async fn fetch(c: &Client, url: &str) -> (u16, Vec<u8>) {
    let cookie = c.get_named_cookie(duban::web::SESSION_COOKIE).await.expect("session cookie");
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build::<_, http_body_util::Empty<bytes::Bytes>>(hyper_util::client::legacy::connect::HttpConnector::new());
    let req = axum::http::Request::get(url)
        .header("cookie", format!("{}={}", cookie.name(), cookie.value()))
        .body(http_body_util::Empty::new())
        .expect("request");
    let resp = client.request(req).await.expect("response");
    let status = resp.status().as_u16();
    (status, resp.into_body().collect().await.expect("body").to_bytes().to_vec())
}

/// The daily work in a browser. The bundled report was adopted in March; on 1 July nothing has been
/// reported for months and the ledger is red. A unit's liaison, on a phone, reports 40 % with a
/// narrative and a photo on a task without a standard and sees it turn green; applies for sign-off;
/// the office sends it back with a reason; the unit applies again; the office signs it off with its
/// reason. The office searches the ledger for words and a number, pages, sorts and reminds three
/// matters at once; importing the report again is caught at preview; a bulletin is issued as 第1期
/// and downloaded twice, the same bytes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daily_work_in_a_browser() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (base, store, office) = server(dir.path(), date!(2019 - 07 - 01)).await;
    let table = duban_report::LeadUnits::builtin();
    let reading = duban_report::read_text(
        duban::demo::BUNDLED_REPORT,
        &duban_report::Options { year: Some(2019), tasks: Some(&table) },
    );
    let by_name: duban::decompose::UnitsByName =
        store.units().await.expect("units").into_iter().map(|(id, name, _)| (name, id)).collect();
    let candidates = duban::decompose::candidates(&reading, &by_name, &table);
    let report = duban::decompose::report(&reading, candidates);
    let (_, ids) = store.adopt_report(&office, &report, date!(2019 - 03 - 01)).await.expect("adopt");
    let (_phone_driver, p) = phone().await;
    let (_driver, c) = chromium().await;

    // 1. On a phone: the unit finds a task of its own without a standard, red after months of
    //    silence, and reports 40 % with a narrative and a photo.
    login(&p, &base, "jiaoti", PASSWORD).await;
    shot(&p, "21-unit-dashboard-390").await;
    p.goto(&format!("{base}/matters?q={}", "外国语学校")).await.expect("the unit's ledger, searched");
    shot(&p, "22-unit-ledger-390").await;
    click(&p, Locator::Css("#ledger tbody a")).await;
    p.wait().for_element(Locator::Id("report")).await.expect("the report form");
    let number = text_of(&p, Locator::Id("number")).await;
    assert!(number.starts_with("2019-"), "{number}");
    assert_eq!(text_of(&p, Locator::Css("h1 .badge")).await, "红灯", "silent since March");
    assert!(p.find(Locator::Id("value")).await.is_err(), "no standard, no figure to type");
    let width: i64 =
        p.execute("return document.documentElement.scrollWidth;", vec![]).await.expect("width").as_i64().unwrap_or(0);
    assert!(width <= 390, "the page fits the phone's width: {width}");
    let photo = dir.path().join("现场照片.png");
    std::fs::write(&photo, PNG).expect("photo");
    p.find(Locator::Id("percent")).await.expect("percent").send_keys("40").await.expect("type");
    p.find(Locator::Id("narrative"))
        .await
        .expect("narrative")
        .send_keys("已完成选址和方案设计，正在招标")
        .await
        .expect("type");
    p.find(Locator::Id("photo")).await.expect("photo").send_keys(&photo.display().to_string()).await.expect("choose");
    shot(&p, "23-unit-report-form-390").await;
    click(&p, Locator::Css("#report button")).await;
    p.wait().for_element(Locator::Id("flash")).await.expect("a confirmation");
    assert!(text_of(&p, Locator::Id("flash")).await.contains("进展已报送"));
    assert_eq!(text_of(&p, Locator::Css("h1 .badge")).await, "绿灯", "40 % of the way, as expected by now");
    assert_eq!(text_of(&p, Locator::Id("progress")).await, "40%");
    assert!(text_of(&p, Locator::Id("evidence")).await.contains("现场照片.png"));
    let matter_url = p.current_url().await.expect("url").to_string();
    shot(&p, "24-unit-green-390").await;

    // 2. It applies for sign-off with a statement (the photo is its evidence).
    p.find(Locator::Id("closing-note"))
        .await
        .expect("statement")
        .send_keys("主体工程已完工，申请销号")
        .await
        .expect("type");
    click(&p, Locator::Css("#apply button")).await;
    p.wait().for_element(Locator::Id("application")).await.expect("applied");
    assert!(text_of(&p, Locator::Id("flash")).await.contains("等待督查室复核"));
    assert_eq!(text_of(&p, Locator::Id("status")).await, "待销号");
    shot(&p, "25-unit-applied-390").await;

    // 3. The office reviews: sends it back with a reason (none is refused, what was typed is kept).
    login(&c, &base, "duchashi", PASSWORD).await;
    c.goto(&matter_url).await.expect("the matter");
    c.wait().for_element(Locator::Id("review")).await.expect("the review form");
    assert!(text_of(&c, Locator::Id("review")).await.contains("进度40%，未达标准"));
    click(&c, Locator::Css("#review button[value=send_back]")).await;
    c.wait().for_element(Locator::Id("error")).await.expect("refused without a reason");
    assert!(text_of(&c, Locator::Id("error")).await.contains("退回理由"));
    c.find(Locator::Id("review-note")).await.expect("note").send_keys("请补充验收报告").await.expect("type");
    click(&c, Locator::Css("#review button[value=send_back]")).await;
    c.wait().for_element(Locator::Id("flash")).await.expect("sent back");
    assert_eq!(text_of(&c, Locator::Id("status")).await, "办理中");
    shot(&c, "26-office-sent-back").await;

    // 4. The unit applies again; the office signs off, giving the reason it is below the standard.
    p.goto(&matter_url).await.expect("the matter");
    assert!(text_of(&p, Locator::Id("timeline")).await.contains("退回：请补充验收报告"));
    p.find(Locator::Id("closing-note"))
        .await
        .expect("statement")
        .send_keys("已补充验收报告，再次申请销号")
        .await
        .expect("type");
    click(&p, Locator::Css("#apply button")).await;
    p.wait().for_element(Locator::Id("application")).await.expect("applied again");
    c.goto(&matter_url).await.expect("the matter");
    c.find(Locator::Id("review-note"))
        .await
        .expect("note")
        .send_keys("剩余工作纳入明年计划，同意销号")
        .await
        .expect("type");
    click(&c, Locator::Css("#review button[value=sign_off]")).await;
    c.wait().for_element(Locator::Id("closing")).await.expect("signed off");
    assert_eq!(text_of(&c, Locator::Id("status")).await, "已销号");
    assert!(text_of(&c, Locator::Id("closing")).await.contains("未达标准"));
    shot(&c, "27-office-signed-off").await;
    p.close().await.expect("close the phone");

    // 5. The ledger: a word, a number, the next page, sorted by deadline, three reminded at once.
    c.goto(&format!("{base}/matters")).await.expect("ledger");
    let total = text_of(&c, Locator::Id("total")).await;
    assert_eq!(total, format!("共 {} 项", ids.len()));
    c.find(Locator::Id("q")).await.expect("search").send_keys("幼儿园").await.expect("type");
    click(&c, Locator::Css("#filters button")).await;
    c.wait().for_element(Locator::XPath("//td[contains(., '幼儿园')]")).await.expect("found by words");
    assert!(text_of(&c, Locator::Id("total")).await != total);
    shot(&c, "28-ledger-search").await;
    c.goto(&format!("{base}/matters?q=2019-012")).await.expect("by number");
    assert_eq!(text_of(&c, Locator::Id("total")).await, "共 1 项");
    assert_eq!(text_of(&c, Locator::Css("#ledger tbody td.num")).await, "2019-012");
    c.goto(&format!("{base}/matters")).await.expect("ledger");
    click(&c, Locator::Id("next")).await;
    c.wait().for_element(Locator::Id("prev")).await.expect("page 2");
    assert!(text_of(&c, Locator::Id("pager")).await.contains("第 2/"));
    click(&c, Locator::XPath("//th/a[.='完成时限']")).await;
    c.wait().for_element(Locator::XPath("//th[contains(., '完成时限') and contains(., '↑')]")).await.expect("sorted");
    shot(&c, "29-ledger-sorted").await;
    for k in 1..=3 {
        click(&c, Locator::Css(&format!("#ledger tbody tr:nth-child({k}) input[name=matter]"))).await;
    }
    c.find(Locator::Css("#batch input[name=note]"))
        .await
        .expect("note")
        .send_keys("请于本周五前报送进展")
        .await
        .expect("type");
    click(&c, Locator::Css("#batch button[value=remind]")).await;
    c.wait().for_element(Locator::Id("flash")).await.expect("reminded");
    assert_eq!(text_of(&c, Locator::Id("flash")).await, "✓ 已催办（3项）");
    assert!(c.current_url().await.expect("url").as_str().contains("sort=deadline"), "back to the same list");
    shot(&c, "30-ledger-reminded").await;

    // 6. Importing the bundled report again is caught at preview.
    c.goto(&format!("{base}/reports/new")).await.expect("import page");
    let seed = crate::seed_path().canonicalize().expect("seed path");
    c.find(Locator::Id("file")).await.expect("file").send_keys(&seed.display().to_string()).await.expect("choose");
    click(&c, Locator::Css("form[action='/reports/preview'] button")).await;
    c.wait().for_element(Locator::Id("already-adopted")).await.expect("caught at preview");
    assert!(text_of(&c, Locator::Id("already-adopted")).await.contains("此报告已经采纳过"));
    let matched: usize = text_of(&c, Locator::Id("matched-count")).await.parse().expect("a count");
    assert!(matched + 5 >= ids.len(), "{matched} of {} rows matched", ids.len());
    shot(&c, "31-reimport-caught").await;

    // 7. A bulletin issued as 第1期, downloaded twice: the same bytes.
    c.goto(&format!("{base}/bulletins")).await.expect("register");
    shot(&c, "32-bulletins-empty").await;
    click(&c, Locator::Id("issue-button")).await;
    c.wait().for_element(Locator::Id("flash")).await.expect("issued");
    assert_eq!(text_of(&c, Locator::Id("flash")).await, "✓ 督查通报第1期已印发");
    shot(&c, "33-bulletin-issued").await;
    let href = c.find(Locator::Css("#register a.download")).await.expect("link").attr("href").await.expect("href");
    let href = href.expect("a link");
    let (s1, once) = fetch(&c, &format!("{base}{href}")).await;
    let (s2, twice) = fetch(&c, &format!("{base}{href}")).await;
    assert_eq!((s1, s2), (200, 200));
    assert_eq!(once, twice, "kept as issued");
    std::fs::write(shots().join("34-bulletin-2019-1.docx"), &once).expect("keep the bulletin");
    let text = duban_report::decode::decode(&once).expect("a real docx").text;
    assert!(text.contains("2019年第1期") && text.contains("区人民政府督查室") && text.contains("考核排名"), "{text}");
    assert!(text.contains("需说明理由的销号"), "{text}");
    c.close().await.expect("close the browser");
}

/// An 8 × 8 PNG (a photo from the site, as far as the test is concerned).
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x08, 0x00, 0x00, 0x00, 0x08, 0x08, 0x02, 0x00, 0x00, 0x00, 0x4B, 0x6D, 0x29, 0xDC, 0x00, 0x00, 0x00, 0x12, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x60, 0xF8, 0xCF, 0x80, 0x0C, 0x18, 0x88, 0x00, 0xEA, 0xC3, 0x05, 0x00, 0xA1,
    0x3C, 0x3F, 0xC1, 0x1E, 0x6E, 0xB1, 0xD4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

/// The 12345 line in a browser: a citizen files a request and looks it up; the centre finds it in
/// its queue, dispatches it by the catalogue's suggestion and sees it counted on the metrics page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hotline_in_a_browser() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&format!("sqlite://{}", dir.path().join("h.db").display()), true).await.expect("open");
    let password = "browser-pass-1";
    let hash = hash_password(password).expect("hash");
    let mut units: Vec<(String, String)> = duban_report::LeadUnits::builtin()
        .units()
        .into_iter()
        .map(|u| (u.to_string(), "区直部门".to_string()))
        .collect();
    units.push(("傅庄街道".into(), "街道".into()));
    store.import_units(&units).await.expect("units");
    let centre = store.add_user("rexian", "12345热线", &hash, Role::Hotline).await.expect("user");
    let catalogue = duban::catalogue::builtin(&["傅庄街道".to_string()]);
    store.import_catalogue(&centre, &catalogue.categories, &catalogue.rules).await.expect("catalogue");
    let state = Arc::new(AppState::new(store, Some(date!(2019 - 07 - 01))));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, router(state)).await });
    let (_driver, c) = chromium().await;

    // A citizen files a request about their street, and looks it up.
    c.goto(&format!("{base}/public")).await.expect("the public page");
    c.find(Locator::Id("phone")).await.expect("phone").send_keys("13912345678").await.expect("type");
    let place = c.find(Locator::Id("place")).await.expect("place");
    place.select_by_value("傅庄街道").await.expect("choose the street");
    c.find(Locator::Id("category")).await.expect("category").select_by_value("0201").await.expect("category");
    c.find(Locator::Id("content")).await.expect("content").send_keys("幸福小区垃圾三天没人清运").await.expect("type");
    let question = text_of(&c, Locator::Id("challenge-question")).await;
    let answer = duban::challenge::solve(&question).expect("a sum").to_string();
    c.find(Locator::Id("answer")).await.expect("answer").send_keys(&answer).await.expect("type");
    c.find(Locator::Css("#intake button")).await.expect("submit").click().await.expect("click");
    let number = c.wait().for_element(Locator::Id("number")).await.expect("a number").text().await.expect("text");
    assert_eq!(number.len(), 15, "{number}");
    let code = text_of(&c, Locator::Id("code")).await;
    assert_eq!(code.len(), 6, "{code}");
    shot(&c, "11-public-filed").await;
    c.goto(&format!("{base}/public/lookup?number={number}&code={code}")).await.expect("lookup");
    let status = c.find(Locator::Id("status")).await.expect("status").text().await.expect("text");
    assert_eq!(status, "待分派");

    // The centre finds it in its queue and dispatches it to the street, as the catalogue suggests.
    login(&c, &base, "rexian", password).await;
    c.goto(&format!("{base}/requests?status=draft")).await.expect("the queue");
    let waiting = c.find(Locator::Id("count-draft")).await.expect("count").text().await.expect("text");
    assert_eq!(waiting, "待派单 1");
    shot(&c, "12-queue").await;
    c.find(Locator::XPath("//table[@id='queue']//a[contains(., '垃圾')]"))
        .await
        .expect("the request")
        .click()
        .await
        .expect("open");
    let unit = c.find(Locator::Id("dispatch-unit")).await.expect("dispatch select");
    let chosen = c
        .execute("return arguments[0].selectedOptions[0].text;", vec![serde_json::to_value(&unit).expect("element")])
        .await
        .expect("read");
    assert_eq!(chosen, serde_json::json!("傅庄街道"), "the local category goes to the street");
    c.find(Locator::Css("button[value=dispatch]")).await.expect("dispatch").click().await.expect("click");
    c.wait().for_element(Locator::XPath("//li[contains(., '分派给傅庄街道')]")).await.expect("dispatched");
    shot(&c, "13-dispatched").await;
    c.goto(&format!("{base}/casework?from=2019-01-01&to=2019-07-01")).await.expect("metrics");
    let received = c.find(Locator::Id("received")).await.expect("received").text().await.expect("text");
    assert_eq!(received, "1");
    shot(&c, "14-metrics").await;
    c.close().await.expect("close the browser");
}

/// The administrator adds a hotline operator's account on a desktop and a phone; the operator signs
/// in and finds the hotline's pages and nothing of the ledger; the audit log shows both.
#[tokio::test]
async fn the_administrator_in_a_browser() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (base, store, _) = server(dir.path(), date!(2019 - 07 - 01)).await;
    let hash = hash_password(PASSWORD).expect("hash");
    store.add_user("admin", "系统管理员", &hash, Role::Admin).await.expect("user");
    let (_driver, c) = chromium().await;
    login(&c, &base, "admin", PASSWORD).await;
    c.find(Locator::Css("#add-account input[name=login]"))
        .await
        .expect("login")
        .send_keys("zhangsan")
        .await
        .expect("type");
    c.find(Locator::Css("#add-account input[name=name]"))
        .await
        .expect("name")
        .send_keys("话务员张三")
        .await
        .expect("type");
    c.find(Locator::Css("#add-account select[name=role] option[value=hotline]"))
        .await
        .expect("role")
        .click()
        .await
        .expect("pick");
    click(&c, Locator::Css("#add-account button")).await;
    c.wait().for_element(Locator::Id("password")).await.expect("the password, once");
    let password = text_of(&c, Locator::Id("password")).await;
    assert_eq!(password.chars().count(), 12, "shown once");
    assert!(text_of(&c, Locator::Id("accounts")).await.contains("话务员张三"));
    shot(&c, "41-admin-account-added").await;

    let (_phone_driver, p) = phone().await;
    login(&p, &base, "admin", PASSWORD).await;
    shot(&p, "42-admin-accounts-390").await;
    p.goto(&format!("{base}/admin/audit")).await.expect("audit");
    let log = text_of(&p, Locator::Id("audit")).await;
    assert!(log.contains("新增账号") && log.contains("zhangsan"), "{log}");
    shot(&p, "43-admin-audit-390").await;

    // The operator, on a phone: the queue, and no ledger in the menu.
    let (_operator_driver, o) = phone().await;
    login(&o, &base, "zhangsan", &password).await;
    assert!(o.current_url().await.expect("url").as_str().ends_with("/requests"));
    click(&o, Locator::Css("details.menu summary")).await;
    let menu = text_of(&o, Locator::Css("details.menu")).await;
    assert!(
        menu.contains("诉求工单")
            && menu.contains("知识库")
            && !menu.contains("督办台账")
            && !menu.contains("账号管理"),
        "{menu}"
    );
    shot(&o, "44-hotline-menu-390").await;
}
