//! Outgoing webhooks: a reminder (催办) or escalation (督办) reaches the unit's DingTalk or WeCom
//! group robot. Both robots take the same JSON text message. The store writes each message to an
//! outbox in the reminder's own transaction; [`deliver_pending`] sends what is waiting and notes
//! each outcome, retrying on later rounds, so a reminder is neither lost nor sent twice on success.
//!
//! Outbound requests go only where the configuration allows ([`Policy`]): https to the robots'
//! hosts (DingTalk, WeCom, Feishu by default), never to a loopback, private, link-local or other
//! internal address, checked on the addresses the name resolves to when the message is sent (the
//! connection is made to those very addresses), unless an address is named in the configuration
//! (an intranet's robot gateway).

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use duban_core::matter::{Change, Event, Matter};
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::connect::dns::Name;
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

/// Where outbound requests may go ([webhook] in the configuration).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Host names a webhook may name (exactly, https only).
    pub allowed_hosts: Vec<String>,
    /// Addresses allowed although internal (an intranet's robot gateway); a webhook may name one of
    /// these as its host, over http or https.
    pub allowed_addresses: Vec<IpAddr>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            allowed_hosts: ["oapi.dingtalk.com", "qyapi.weixin.qq.com", "open.feishu.cn", "open.larksuite.com"]
                .map(String::from)
                .to_vec(),
            allowed_addresses: Vec::new(),
        }
    }
}

impl Policy {
    /// Whether a webhook URL names an allowed place: https and an allowed host, or an allowed
    /// address. The reason in Chinese and English when not.
    pub fn check_url(&self, url: &str) -> Result<(), String> {
        let refuse = |why: &str| Err(format!("Webhook 地址不允许 / webhook URL not allowed ({why}): {url}"));
        let Ok(uri) = url.parse::<axum::http::Uri>() else { return refuse("无法解析 / not a URL") };
        let (Some(scheme), Some(host)) = (uri.scheme_str(), uri.host()) else {
            return refuse("须为完整地址 / not an absolute URL");
        };
        if uri.authority().is_some_and(|a| a.as_str().contains('@')) {
            return refuse("不得含用户信息 / user info in the URL");
        }
        let literal = host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>().ok();
        match literal {
            Some(ip) if self.allowed_addresses.contains(&ip) && matches!(scheme, "http" | "https") => Ok(()),
            Some(_) => refuse("该地址未列入 [webhook] allowed_addresses / address not in allowed_addresses"),
            None if scheme != "https" => refuse("须为 https / https only"),
            None if self.allowed_hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) => Ok(()),
            None => refuse("主机未列入 [webhook] allowed_hosts / host not in allowed_hosts"),
        }
    }

    /// Whether a resolved address may be connected to: any named in the configuration, else only
    /// public ones.
    pub fn may_reach(&self, ip: IpAddr) -> bool {
        self.allowed_addresses.contains(&ip) || is_public(ip)
    }
}

/// Not loopback, private, link-local, shared (CGNAT), unspecified, broadcast, multicast,
/// documentation or unique-local; IPv4 inside IPv6 is judged as IPv4.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (18..20).contains(&b))
                || (a == 192 && b == 0 && v4.octets()[2] == 0)
                || (a == 192 && b == 88 && v4.octets()[2] == 99)
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            let seg = v6.segments();
            let embedded = |hi: u16, lo: u16| {
                IpAddr::V4(std::net::Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8))
            };
            // IPv4 inside IPv6 is judged as IPv4: mapped (::ffff:a.b.c.d), compatible (::a.b.c.d),
            // NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:a.b.c.d::).
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            if seg[..6] == [0, 0, 0, 0, 0, 0] && !v6.is_loopback() && !v6.is_unspecified() {
                return is_public(embedded(seg[6], seg[7]));
            }
            if seg[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                return is_public(embedded(seg[6], seg[7]));
            }
            if seg[0] == 0x2002 {
                return is_public(embedded(seg[1], seg[2]));
            }
            let first = seg[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || (first & 0xffc0) == 0xfec0
                || first == 0x2001 && seg[1] == 0x0db8)
        }
    }
}

#[derive(Clone)]
pub struct GuardedResolver {
    policy: Arc<Policy>,
}

impl tower::Service<Name> for GuardedResolver {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = std::io::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let policy = self.policy.clone();
        Box::pin(async move {
            let addresses: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), 0)).await?.collect();
            if let Some(bad) = addresses.iter().find(|a| !policy.may_reach(a.ip())) {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    format!("{name} 解析为内部地址 {} / resolves to an internal address", bad.ip()),
                ));
            }
            if addresses.is_empty() {
                return Err(std::io::Error::new(std::io::ErrorKind::NotFound, format!("{name}: no address")));
            }
            Ok(addresses.into_iter())
        })
    }
}

pub type HttpClient = Client<hyper_rustls::HttpsConnector<HttpConnector<GuardedResolver>>, Full<Bytes>>;

/// An HTTP(S) client with the web PKI's roots that connects only where `policy` allows.
pub fn client(policy: Arc<Policy>) -> HttpClient {
    let mut http = HttpConnector::new_with_resolver(GuardedResolver { policy });
    http.enforce_http(false);
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_webpki_roots()
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);
    Client::builder(TokioExecutor::new()).build(https)
}

async fn post(client: &HttpClient, policy: &Policy, url: &str, body: &str) -> Result<(), String> {
    policy.check_url(url)?;
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
pub async fn deliver_pending(
    store: &Store,
    client: &HttpClient,
    policy: &Policy,
) -> Result<usize, crate::store::StoreError> {
    let mut delivered = 0;
    for d in store.pending_deliveries(MAX_ATTEMPTS, 100).await? {
        let outcome = post(client, policy, &d.url, &d.payload).await;
        if outcome.is_ok() {
            delivered += 1;
        }
        store.delivery_attempted(d.id, outcome).await?;
    }
    Ok(delivered)
}

/// Delivers the outbox every few seconds for as long as the server runs.
pub async fn run(store: Store, policy: Arc<Policy>) {
    let client = client(policy.clone());
    loop {
        if let Err(e) = deliver_pending(&store, &client, &policy).await {
            eprintln!("duban: webhook delivery: {e}");
        }
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_allowed_hosts_over_https() {
        let p = Policy::default();
        assert!(p.check_url("https://oapi.dingtalk.com/robot/send?access_token=x").is_ok());
        assert!(p.check_url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x").is_ok());
        for bad in [
            "http://oapi.dingtalk.com/robot/send",
            "https://evil.example/robot/send",
            "https://127.0.0.1/robot/send",
            "https://[::1]/x",
            "http://169.254.169.254/latest/meta-data/",
            "https://oapi.dingtalk.com@10.0.0.1/x",
            "ftp://oapi.dingtalk.com/x",
            "oapi.dingtalk.com/robot/send",
        ] {
            assert!(p.check_url(bad).is_err(), "{bad}");
        }
        let gateway = Policy { allowed_addresses: vec!["10.1.2.3".parse().unwrap()], ..Policy::default() };
        assert!(gateway.check_url("http://10.1.2.3:8080/robot").is_ok());
        assert!(gateway.check_url("http://10.1.2.4:8080/robot").is_err());
    }

    #[test]
    fn internal_addresses_are_not_public() {
        for internal in [
            "127.0.0.1",
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "fe80::1",
            "fc00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!is_public(internal.parse().unwrap()), "{internal}");
        }
        for public in ["203.119.169.70", "110.242.68.66", "2400:3200::1"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }
}
