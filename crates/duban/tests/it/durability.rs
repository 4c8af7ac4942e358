//! Nothing lost: the server is killed with SIGKILL in the middle of a burst of intakes; every
//! request that got its 201 is in the ledger afterwards with its number, and the server starts again
//! on the same data.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use duban::store::{PublicFilter, Store};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

fn serve(dir: &str, port: u16) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_duban"))
        .args(["serve", "--data-dir", dir, "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("duban serve")
}

type Client = hyper_util::client::legacy::Client<
    hyper_util::client::legacy::connect::HttpConnector,
    http_body_util::Full<bytes::Bytes>,
>;

async fn post(client: &Client, url: &str, token: Option<&str>, body: String) -> Option<(u16, serde_json::Value)> {
    let mut req = axum::http::Request::post(url).header("content-type", "application/json");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let resp = client.request(req.body(http_body_util::Full::new(bytes::Bytes::from(body))).ok()?).await.ok()?;
    let status = resp.status().as_u16();
    let bytes = http_body_util::BodyExt::collect(resp.into_body()).await.ok()?.to_bytes();
    Some((status, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null)))
}

async fn wait_until_up(client: &Client, base: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let body = serde_json::json!({"login": "centre", "password": "a-long-password-1"}).to_string();
        if let Some((200, v)) = post(client, &format!("{base}/api/v1/login"), None, body).await {
            return v["token"].as_str().expect("token").to_string();
        }
        assert!(Instant::now() < deadline, "the server did not come up");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A ledger in `d` with the 12345 centre's account and the catalogue, served on a free port: the
/// server, a client, the address and the centre's token.
async fn centre_serving(d: &str) -> (std::process::Child, Client, String, u16, String) {
    let mut add = Command::new(env!("CARGO_BIN_EXE_duban"))
        .args(["user", "add", "--data-dir", d, "--login", "centre", "--name", "12345热线中心", "--role", "hotline"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("user add");
    add.stdin.take().expect("stdin").write_all(b"a-long-password-1\n").expect("password");
    assert!(add.wait().expect("user add").success());
    let out = crate::duban(&["catalogue", "import", "--data-dir", d]);
    assert!(out.status.success(), "{}", crate::stderr(&out));
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let server = serve(d, port);
    let client: Client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build(hyper_util::client::legacy::connect::HttpConnector::new());
    let token = wait_until_up(&client, &base).await;
    (server, client, base, port, token)
}

/// Serves the ledger in `d` again and reads one request back through Open311.
async fn serves_again(d: &str, port: u16, client: &Client, base: &str, number: &str) {
    let mut again = serve(d, port);
    wait_until_up(client, base).await; // it signs the centre in again
    let one = format!("{base}/open311/v2/requests/{number}.json");
    let resp = client
        .request(axum::http::Request::get(one).body(http_body_util::Full::default()).expect("request"))
        .await
        .expect("get");
    assert_eq!(resp.status(), 200);
    again.kill().expect("stop");
    let _ = again.wait();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_intake_survives_kill_9() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path().to_str().expect("utf-8 path").to_string();
    let (mut server, client, base, port, token) = centre_serving(&d).await;

    // A burst from 8 clients; the server is killed while it runs.
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut clients = Vec::new();
    for c in 0..8 {
        let (client, token, acknowledged, base) = (client.clone(), token.clone(), acknowledged.clone(), base.clone());
        clients.push(tokio::spawn(async move {
            for k in 0.. {
                let body = serde_json::json!({"caller_name": "测试", "phone": format!("1390000{c}{k:03}"), "content": format!("第{c}-{k}件：路灯不亮"),
                    "request_type": "complaint", "category": "0203", "place": null})
                .to_string();
                match post(&client, &format!("{base}/api/v1/requests"), Some(&token), body).await {
                    Some((201, v)) => acknowledged.lock().expect("lock").push(v["number"].as_str().expect("number").to_string()),
                    Some((status, v)) => panic!("intake refused: {status} {v}"),
                    None => break, // the server is gone
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.kill().expect("SIGKILL");
    server.wait().expect("reaped");
    for c in clients {
        c.await.expect("client");
    }
    let numbers = acknowledged.lock().expect("lock").clone();
    assert!(numbers.len() > 20, "the burst got going: {}", numbers.len());

    // Every acknowledged request is there, with its number.
    let store = Store::open(&format!("sqlite://{d}/duban.db"), false).await.expect("the ledger opens after the crash");
    let mut found = 0;
    for chunk in numbers.chunks(200) {
        let filter = PublicFilter { numbers: chunk.to_vec(), limit: 1000, ..PublicFilter::default() };
        found += store.public_requests(&filter).await.expect("list").len();
    }
    assert_eq!(found, numbers.len(), "every request that got 201 is in the ledger");
    store.close().await;

    // And the server starts again on it.
    serves_again(&d, port, &client, &base, &numbers[0]).await;
}

/// A backup taken with `duban backup` while a burst of intakes runs restores (`duban restore`) to a
/// ledger holding every request acknowledged before the backup began, each whole, and the server
/// serves it; a broken file or an existing ledger is refused without changing anything.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_during_a_burst_restores_every_acknowledged_request() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path().join("live").to_str().expect("utf-8 path").to_string();
    let (mut server, client, base, port, token) = centre_serving(&d).await;

    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut clients = Vec::new();
    for c in 0..4 {
        let (client, token, acknowledged, base, stop) =
            (client.clone(), token.clone(), acknowledged.clone(), base.clone(), stop.clone());
        clients.push(tokio::spawn(async move {
            for k in 0.. {
                if stop.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                let body = serde_json::json!({"caller_name": "测试", "phone": format!("1390000{c}{k:03}"), "content": format!("第{c}-{k}件：路灯不亮"),
                    "request_type": "complaint", "category": "0203", "place": null})
                .to_string();
                match post(&client, &format!("{base}/api/v1/requests"), Some(&token), body).await {
                    Some((201, v)) => acknowledged.lock().expect("lock").push(v["number"].as_str().expect("number").to_string()),
                    other => panic!("intake refused: {other:?}"),
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    let before = acknowledged.lock().expect("lock").clone();
    let backup = dir.path().join("backup.db");
    let b = backup.to_str().expect("utf-8").to_string();
    let out = crate::duban(&["backup", "--data-dir", &d, "-o", &b]);
    assert!(out.status.success(), "{}", crate::stderr(&out));
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for c in clients {
        c.await.expect("client");
    }
    server.kill().expect("stop");
    let _ = server.wait();
    let after = acknowledged.lock().expect("lock").len();
    assert!(
        before.len() > 10 && after > before.len(),
        "the burst ran through the backup: {} then {after}",
        before.len()
    );

    // A broken file is refused and nothing is made.
    let restored = dir.path().join("restored").to_str().expect("utf-8").to_string();
    let png = dir.path().join("photo.db");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n not a ledger").expect("write");
    let out = crate::duban(&["restore", "--data-dir", &restored, png.to_str().expect("utf-8")]);
    assert!(!out.status.success());
    assert!(crate::stderr(&out).contains("不是可用的督办账本备份"), "{}", crate::stderr(&out));
    assert!(!std::path::Path::new(&restored).join("duban.db").exists());

    let out = crate::duban(&["restore", "--data-dir", &restored, &b]);
    assert!(out.status.success(), "{}", crate::stderr(&out));
    let out = crate::duban(&["restore", "--data-dir", &restored, &b]);
    assert!(!out.status.success() && crate::stderr(&out).contains("--force"), "an existing ledger is kept");

    // Every request acknowledged before the backup began is there, each whole.
    let store = Store::open(&format!("sqlite://{restored}/duban.db"), false).await.expect("the restored ledger opens");
    let mut found = 0;
    for chunk in before.chunks(200) {
        let filter = PublicFilter { numbers: chunk.to_vec(), limit: 1000, ..PublicFilter::default() };
        found += store.public_requests(&filter).await.expect("list").len();
    }
    assert_eq!(found, before.len(), "every request acknowledged before the backup");
    let all = store.public_requests(&PublicFilter { limit: 100_000, ..PublicFilter::default() }).await.expect("all");
    assert!(all.len() >= before.len() && all.len() <= after, "{} in the backup", all.len());
    store.close().await;

    // The server serves the restored ledger.
    serves_again(&restored, port, &client, &base, &before[0]).await;
}
