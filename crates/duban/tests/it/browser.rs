//! The closed loop in a real browser (headless Chromium through chromedriver): the office imports the
//! report and adopts its task list, a unit reports progress and sees the warning change, the office
//! reminds and signs off, and the bulletin is exported. Screenshots of every step are kept in
//! target/browser-screenshots as test artifacts.
//!
//! Needs Debian's `chromium` and `chromium-driver` (.ci/run installs them).

use std::net::TcpListener;
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

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
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
    c.wait().for_element(Locator::Id("count-red")).await.expect("the dashboard after signing in");
}

async fn logout(c: &Client) {
    c.find(Locator::Css("form[action='/logout'] button")).await.expect("logout").click().await.expect("click");
    c.wait().for_element(Locator::Id("login")).await.expect("back at the login form");
}

/// A headless Chromium session (and its chromedriver, stopped on drop).
async fn chromium() -> (Driver, Client) {
    let (driver, port) = start_chromedriver().await;
    let caps: serde_json::Map<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1280,1000"]
        }
    }))
    .expect("caps");
    let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a Chromium session");
    (driver, c)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_closed_loop_in_a_browser() {
    // The server, on its own database and port.
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&format!("sqlite://{}", dir.path().join("b.db").display()), true).await.expect("open");
    let password = "browser-pass-1";
    let hash = hash_password(password).expect("hash");
    let units: Vec<(String, String)> = duban_report::LeadUnits::builtin()
        .units()
        .into_iter()
        .map(|u| (u.to_string(), "区直部门".to_string()))
        .collect();
    let ids = store.import_units(&units).await.expect("units");
    let edu = ids[units.iter().position(|u| u.0 == "教育和体育局").expect("教育和体育局")];
    store.add_user("duchashi", "区政府督查室", &hash, Role::Office).await.expect("user");
    store.add_user("jiaoti", "教育和体育局", &hash, Role::Unit(edu)).await.expect("user");
    let state = Arc::new(AppState::new(store, Some(date!(2019 - 07 - 01))));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, router(state)).await });

    let (_driver, c) = chromium().await;

    // 1. The office imports the report and adopts the decomposed task list.
    login(&c, &base, "duchashi", password).await;
    shot(&c, "01-dashboard-empty").await;
    c.goto(&format!("{base}/reports/new")).await.expect("import page");
    let seed = crate::seed_path().canonicalize().expect("seed path");
    c.find(Locator::Id("file"))
        .await
        .expect("file input")
        .send_keys(&seed.display().to_string())
        .await
        .expect("choose file");
    c.find(Locator::Css("form[action='/reports/preview'] button"))
        .await
        .expect("preview button")
        .click()
        .await
        .expect("click");
    c.wait().for_element(Locator::Id("candidates")).await.expect("the preview");
    shot(&c, "02-preview").await;
    // The kindergarten task is given four working days (Monday 2019-07-01 → Friday 07-05): a yellow
    // warning until it is done.
    let row = c
        .find(Locator::XPath("//tr[td/textarea[contains(., '新建、改扩建幼儿园6所')]]"))
        .await
        .expect("the kindergarten row");
    let deadline = row.find(Locator::Css("input[name^=deadline_]")).await.expect("deadline input");
    deadline.clear().await.expect("clear");
    deadline.send_keys("4个工作日").await.expect("type the working days");
    let adopt = c.find(Locator::Id("adopt")).await.expect("adopt");
    c.execute("arguments[0].scrollIntoView({block: 'center'});", vec![serde_json::to_value(&adopt).expect("element")])
        .await
        .expect("scroll");
    adopt.click().await.expect("click");
    c.wait()
        .for_url(&url::Url::parse(&format!("{base}/matters")).expect("url"))
        .await
        .expect("the ledger after adoption");
    shot(&c, "03-ledger").await;
    logout(&c).await;

    // 2. The unit finds the task yellow, reports it done, and sees it turn green.
    login(&c, &base, "jiaoti", password).await;
    c.goto(&format!("{base}/matters")).await.expect("ledger");
    c.find(Locator::XPath("//a[contains(., '新建、改扩建幼儿园6所')]"))
        .await
        .expect("the task")
        .click()
        .await
        .expect("open");
    let badge = c.find(Locator::Css("h1 .badge")).await.expect("badge").text().await.expect("text");
    assert_eq!(badge, "黄灯", "due in four days, nothing reported");
    let deadline = c
        .find(Locator::XPath("//dt[.='完成时限']/following-sibling::dd[1]"))
        .await
        .expect("deadline")
        .text()
        .await
        .expect("text");
    assert!(deadline.starts_with("2019-07-05"), "four working days from 2019-07-01: {deadline}");
    shot(&c, "04-unit-yellow").await;
    c.find(Locator::Id("value")).await.expect("value").send_keys("6").await.expect("type");
    c.find(Locator::Id("narrative"))
        .await
        .expect("narrative")
        .send_keys("6所幼儿园均已完工，<b>待验收</b>")
        .await
        .expect("type");
    c.find(Locator::Css("form[action$='/progress'] button")).await.expect("submit").click().await.expect("click");
    c.wait().for_element(Locator::XPath("//li[contains(., '报送进展')]")).await.expect("the report in the timeline");
    let badge = c.find(Locator::Css("h1 .badge")).await.expect("badge").text().await.expect("text");
    assert_eq!(badge, "绿灯", "done before the deadline");
    let timeline = c.find(Locator::Id("timeline")).await.expect("timeline").text().await.expect("text");
    assert!(timeline.contains("<b>待验收</b>"), "user text shows as text: {timeline}");
    let matter_url = c.current_url().await.expect("url");
    shot(&c, "05-unit-green").await;
    logout(&c).await;

    // 3. The office reminds, then signs off.
    login(&c, &base, "duchashi", password).await;
    c.goto(matter_url.as_str()).await.expect("the matter");
    c.find(Locator::Css("input[name=note]")).await.expect("note").send_keys("请补充验收材料").await.expect("type");
    c.find(Locator::Css("button[value=remind]")).await.expect("remind").click().await.expect("click");
    c.wait()
        .for_element(Locator::XPath("//li[contains(., '催办：请补充验收材料')]"))
        .await
        .expect("the reminder in the timeline");
    c.find(Locator::Css("input[name=note]")).await.expect("note").send_keys("已验收，同意销号").await.expect("type");
    c.find(Locator::Css("button[value=sign_off]")).await.expect("sign off").click().await.expect("click");
    c.wait()
        .for_element(Locator::XPath("//li[contains(., '销号：已验收')]"))
        .await
        .expect("the sign-off in the timeline");
    let status = c
        .find(Locator::XPath("//dt[.='状态']/following-sibling::dd[1]"))
        .await
        .expect("status")
        .text()
        .await
        .expect("text");
    assert_eq!(status, "已销号");
    shot(&c, "06-signed-off").await;

    // 4. The bulletin, downloaded with the browser's session.
    let cookie = c.get_named_cookie(duban::web::SESSION_COOKIE).await.expect("session cookie");
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build::<_, http_body_util::Empty<bytes::Bytes>>(hyper_util::client::legacy::connect::HttpConnector::new());
    let req = axum::http::Request::get(format!("{base}/exports/bulletin.docx"))
        .header("cookie", format!("{}={}", cookie.name(), cookie.value()))
        .body(http_body_util::Empty::new())
        .expect("request");
    let resp = client.request(req).await.expect("bulletin");
    assert_eq!(resp.status(), 200);
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    std::fs::write(shots().join("07-bulletin.docx"), &bytes).expect("keep the bulletin");
    let text = duban_report::decode::decode(&bytes).expect("a real docx").text;
    assert!(text.contains("政务督查通报") && text.contains("已销号1项"), "{text}");
    c.close().await.expect("close the browser");
}

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
    let centre = store.add_user("rexian", "12345热线", &hash, Role::Office).await.expect("user");
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
    c.find(Locator::Css("#intake button")).await.expect("submit").click().await.expect("click");
    let number = c.wait().for_element(Locator::Id("number")).await.expect("a number").text().await.expect("text");
    assert_eq!(number.len(), 15, "{number}");
    shot(&c, "11-public-filed").await;
    c.goto(&format!("{base}/public/lookup?number={number}&phone4=5678")).await.expect("lookup");
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
