//! Outgoing webhooks: a reminder (催办) or escalation (督办) reaches the unit's DingTalk or WeCom
//! group robot. Both robots take the same JSON text message. The store writes each message to an
//! outbox in the reminder's own transaction; [`deliver_pending`] sends what is waiting and notes
//! each outcome, retrying on later rounds, so a reminder is neither lost nor sent twice on success.

use bytes::Bytes;
use duban_core::matter::{Change, Event, Matter};
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use crate::store::Store;

/// Tries per message before it is left for a person to look at (its last error is kept).
pub const MAX_ATTEMPTS: i64 = 5;

/// The robots' text message for a reminder or escalation on a matter.
pub fn payload(m: &Matter, ev: &Event) -> String {
    let (what, note) = match &ev.change {
        Change::Escalated { note } => ("督办", note.as_str()),
        Change::Reminded { note } => ("催办", note.as_str()),
        _ => ("通知", ""),
    };
    let deadline = m.deadline.map(|d| format!("，完成时限{d}")).unwrap_or_default();
    let content = format!(
        "【{what}】{}（事项{}{deadline}）：{note}——{}，{}",
        m.title.chars().take(60).collect::<String>(),
        m.id.0,
        ev.actor,
        ev.on
    );
    serde_json::json!({"msgtype": "text", "text": {"content": content}}).to_string()
}

pub type HttpClient =
    Client<hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>, Full<Bytes>>;

/// An HTTP(S) client with the web PKI's roots (the robots are HTTPS; a local receiver may be HTTP).
pub fn client() -> HttpClient {
    let https = hyper_rustls::HttpsConnectorBuilder::new().with_webpki_roots().https_or_http().enable_http1().build();
    Client::builder(TokioExecutor::new()).build(https)
}

async fn post(client: &HttpClient, url: &str, body: &str) -> Result<(), String> {
    let req = axum::http::Request::post(url)
        .header("content-type", "application/json; charset=utf-8")
        .body(Full::new(Bytes::from(body.to_string())))
        .map_err(|e| format!("bad request: {e}"))?;
    let response = tokio::time::timeout(std::time::Duration::from_secs(10), client.request(req))
        .await
        .map_err(|_| "timed out after 10 s".to_string())?
        .map_err(|e| e.to_string())?;
    if response.status().is_success() { Ok(()) } else { Err(format!("HTTP {}", response.status())) }
}

/// Sends what waits in the outbox, once each; returns how many were delivered.
pub async fn deliver_pending(store: &Store, client: &HttpClient) -> Result<usize, crate::store::StoreError> {
    let mut delivered = 0;
    for d in store.pending_deliveries(MAX_ATTEMPTS, 100).await? {
        let outcome = post(client, &d.url, &d.payload).await;
        if outcome.is_ok() {
            delivered += 1;
        }
        store.delivery_attempted(d.id, outcome).await?;
    }
    Ok(delivered)
}

/// Delivers the outbox every few seconds for as long as the server runs.
pub async fn run(store: Store) {
    let client = client();
    loop {
        if let Err(e) = deliver_pending(&store, &client).await {
            eprintln!("duban: webhook delivery: {e}");
        }
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    }
}
