//! `duban bench ledger`: the ledger's speed targets, measured at the server. It builds a ledger of
//! N matters with about M events on a temporary SQLite file (or the database given), then times the
//! dashboard and ledger pages through the router (p50/p95 over repeated requests) and the adoption
//! of the bundled report.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use axum::body::Body;
use axum::http::{Request, header};
use duban_core::matter::{Change, Goal, MatterKind, Standard};
use time::macros::date;
use tower::ServiceExt;

use crate::accounts::hash_password;
use crate::store::{NewMatter, NewReport, Role, Store};
use crate::web::{AppState, SESSION_COOKIE, router};

#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    /// 事项数 / matters
    #[arg(long, default_value_t = 2000)]
    matters: usize,
    /// 事件数（约）/ events (about)
    #[arg(long, default_value_t = 50_000)]
    events: usize,
    /// 每页请求次数 / requests per page
    #[arg(long, default_value_t = 40)]
    requests: usize,
    /// 数据库地址（缺省为临时 SQLite 文件）/ database URL (default: a temporary SQLite file)
    #[arg(long)]
    database_url: Option<String>,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Times each page `repeat` times through the router with the session `token`, at the server (no
/// network), and prints p50 and p95; fails on a page that does not answer 200. Returns the p95s.
async fn time_pages(app: &axum::Router, token: &str, pages: &[&str], repeat: usize, note: &str) -> Result<Vec<f64>> {
    let mut p95s = Vec::with_capacity(pages.len());
    for page in pages {
        let mut times = Vec::with_capacity(repeat);
        for _ in 0..repeat {
            let req =
                Request::get(*page).header(header::COOKIE, format!("{SESSION_COOKIE}={token}")).body(Body::empty())?;
            let t = Instant::now();
            let resp = app.clone().oneshot(req).await?;
            anyhow::ensure!(resp.status().is_success(), "{page}: {}", resp.status());
            let _ = axum::body::to_bytes(resp.into_body(), usize::MAX).await?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        let p95 = percentile(&times, 0.95);
        println!("{page}: p50 {:.1} ms, p95 {p95:.1} ms ({repeat} requests{note})", percentile(&times, 0.5));
        p95s.push(p95);
    }
    Ok(p95s)
}

pub fn ledger(args: BenchArgs) -> Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async {
        let dir = tempfile_dir()?;
        let url = args.database_url.clone().unwrap_or_else(|| format!("sqlite://{}/bench.db", dir.display()));
        let store = Store::open(&url, true).await.with_context(|| url.clone())?;
        let units: Vec<(String, String)> = (0..40).map(|i| (format!("单位{i:02}"), "区直部门".to_string())).collect();
        let unit_ids = store.import_units(&units).await?;
        let hash = hash_password("bench-password").map_err(anyhow::Error::msg)?;
        let office = store.add_user("bench_office", "督查室", &hash, Role::Office).await?;
        let mut unit_actors = Vec::new();
        for (i, id) in unit_ids.iter().enumerate() {
            unit_actors.push(store.add_user(&format!("bench_u{i}"), &units[i].0, &hash, Role::Unit(*id)).await?);
        }
        // Adoption of the bundled report.
        let table = duban_report::LeadUnits::builtin();
        let started = Instant::now();
        let reading = duban_report::read_text(
            crate::demo::BUNDLED_REPORT,
            &duban_report::Options { year: None, tasks: Some(&table) },
        );
        let by_name = crate::decompose::UnitsByName::new();
        let seed_report = crate::decompose::report(&reading, crate::decompose::candidates(&reading, &by_name, &table));
        let seed_matters = seed_report.matters.len();
        store.adopt_report(&office, &seed_report, date!(2019 - 03 - 01)).await?;
        let adopt_ms = started.elapsed().as_secs_f64() * 1000.0;

        // The big ledger.
        eprintln!(
            "建立 {} 项事项、约 {} 条事件 / building {} matters, about {} events …",
            args.matters, args.events, args.matters, args.events
        );
        let report = generated_ledger(args.matters, &unit_ids);
        let (_, ids) = store.adopt_report(&office, &report, date!(2019 - 01 - 01)).await?;
        let per_matter = (args.events / args.matters.max(1)).saturating_sub(3);
        for (i, id) in ids.iter().enumerate() {
            let unit = &unit_actors[i % unit_actors.len()];
            let mut version = 3;
            for k in 0..per_matter {
                let on = date!(2019 - 01 - 01) + time::Duration::days(k as i64 * 7);
                let change = Change::ProgressReported {
                    value: Some(k as f64 * 2.0),
                    percent: None,
                    narrative: format!("第{k}次报送"),
                };
                version = store.record(unit, *id, version, on, change).await?.version;
            }
        }

        let state = Arc::new(AppState::new(store.clone(), Some(date!(2019 - 07 - 01))));
        let app = router(state);
        let token = store.open_session(office.user, time::Duration::hours(1)).await?.token;
        println!("采纳报告 / adopting the bundled report ({seed_matters} matters): {adopt_ms:.1} ms");
        let note = format!(", {} matters", args.matters + seed_matters);
        time_pages(&app, &token, &["/", "/matters"], args.requests, &note).await?;
        store.close().await;
        let _ = std::fs::remove_dir_all(&dir);
        Ok(ExitCode::SUCCESS)
    })
}

/// A report of `n` generated tasks over the units, in six sections, each with a standard to reach.
fn generated_ledger(n: usize, units: &[crate::store::UnitId]) -> NewReport {
    let matters = (0..n)
        .map(|i| NewMatter {
            kind: MatterKind::Task,
            title: format!("第{i}项重点工作：新建改造农村公路{}公里，建设{}个社区服务中心", 10 + i % 90, 1 + i % 7),
            source: "二、2019年工作安排".into(),
            span: None,
            lead_unit: Some(units[i % units.len()]),
            co_units: vec![],
            deadline: Some(date!(2019 - 12 - 31)),
            standard: Some(Standard { value: 100.0, unit: "公里".into(), goal: Goal::AtLeast }),
            section: Some(format!("（{}）重点工作", ["一", "二", "三", "四", "五", "六"][i % 6])),
        })
        .collect();
    NewReport {
        title: "bench".into(),
        jurisdiction: None,
        plan_year: Some(2019),
        body: String::new(),
        matters,
        supersedes: None,
    }
}

/// A 12345 centre's ledger for the benchmarks: the streets given and the usual departments as
/// units, a centre account, and the built-in catalogue.
async fn hotline_ledger(
    store: &Store,
    places: &[String],
) -> Result<(crate::store::Actor, crate::catalogue::Catalogue)> {
    let mut units: Vec<(String, String)> = places.iter().map(|p| (p.clone(), "街道".to_string())).collect();
    units.extend(
        duban_report::LeadUnits::builtin().units().into_iter().map(|u| (u.to_string(), "区直部门".to_string())),
    );
    store.import_units(&units).await?;
    let hash = hash_password("bench-password").map_err(anyhow::Error::msg)?;
    let office = store.add_user("bench_centre", "12345热线", &hash, Role::Office).await?;
    let c = crate::catalogue::builtin(places);
    store.import_catalogue(&office, &c.categories, &c.rules).await?;
    Ok((office, c))
}

fn tempfile_dir() -> Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("duban-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

#[derive(clap::Args, Debug)]
pub struct IntakeArgs {
    /// 受理件数 / requests to take in
    #[arg(long, default_value_t = 20_000)]
    requests: usize,
    /// 并发客户端数 / concurrent clients
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// 数据库地址（缺省为临时 SQLite 文件）/ database URL (default: a temporary SQLite file)
    #[arg(long)]
    database_url: Option<String>,
}

/// `duban bench intake`: requests taken in through HTTP — a real server on a local port, clients
/// posting to /api/v1/requests over keep-alive connections — with throughput and client-side
/// latency (p50/p99; each includes the HTTP round trip).
pub fn intake(args: IntakeArgs) -> Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async {
        let dir = tempfile_dir()?;
        let url = args.database_url.clone().unwrap_or_else(|| format!("sqlite://{}/intake.db", dir.display()));
        let store = Store::open(&url, true).await.with_context(|| url.clone())?;
        let places = ["罗庄街道", "傅庄街道", "盛庄街道", "高都街道"].map(String::from);
        let (office, c) = hotline_ledger(&store, &places).await?;
        let codes: Vec<String> = c.categories.iter().filter(|c| c.parent.is_some()).map(|c| c.code.clone()).collect();
        let token = store.open_session(office.user, time::Duration::hours(1)).await?.token;

        let state = Arc::new(AppState::new(store.clone(), None));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let server = tokio::spawn(async move { axum::serve(listener, router(state)).await });
        let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .pool_max_idle_per_host(args.concurrency)
            .build::<_, http_body_util::Full<bytes::Bytes>>(hyper_util::client::legacy::connect::HttpConnector::new());
        let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        eprintln!(
            "受理 {} 件，{} 个并发客户端 / taking in {} requests from {} clients …",
            args.requests, args.concurrency, args.requests, args.concurrency
        );
        let started = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..args.concurrency {
            let (client, next, token, codes, places) =
                (client.clone(), next.clone(), token.clone(), codes.clone(), places.clone());
            let total = args.requests;
            tasks.push(tokio::spawn(async move {
                let mut times = Vec::new();
                let mut failed = 0usize;
                loop {
                    let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if k >= total {
                        break;
                    }
                    let body = serde_json::json!({
                        "caller_name": "测试", "phone": format!("139{:08}", k), "address": "罗庄区",
                        "content": format!("第{k}件：小区路灯不亮，请尽快修复"), "request_type": "complaint",
                        "category": codes[k % codes.len()], "place": places[k % places.len()]
                    })
                    .to_string();
                    let req = Request::post(format!("http://{addr}/api/v1/requests"))
                        .header(header::AUTHORIZATION, format!("Bearer {token}"))
                        .header(header::CONTENT_TYPE, "application/json")
                        .body(http_body_util::Full::new(bytes::Bytes::from(body)));
                    let t = Instant::now();
                    let ok = match req {
                        Ok(req) => match client.request(req).await {
                            Ok(resp) => {
                                let created = resp.status() == axum::http::StatusCode::CREATED;
                                let _ = http_body_util::BodyExt::collect(resp.into_body()).await;
                                created
                            }
                            Err(_) => false,
                        },
                        Err(_) => false,
                    };
                    times.push(t.elapsed().as_secs_f64() * 1000.0);
                    failed += usize::from(!ok);
                }
                (times, failed)
            }));
        }
        let mut times = Vec::new();
        let mut failed = 0;
        for t in tasks {
            let (mut t, f) = t.await?;
            times.append(&mut t);
            failed += f;
        }
        let seconds = started.elapsed().as_secs_f64();
        times.sort_by(f64::total_cmp);
        println!(
            "受理 / intake: {} requests in {:.2} s = {:.0} requests/s; p50 {:.1} ms, p99 {:.1} ms; {} failed ({})",
            times.len(),
            seconds,
            times.len() as f64 / seconds,
            percentile(&times, 0.5),
            percentile(&times, 0.99),
            failed,
            if url.starts_with("sqlite") { "SQLite" } else { "PostgreSQL" }
        );
        server.abort();
        store.close().await;
        let _ = std::fs::remove_dir_all(&dir);
        Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
    })
}

/// The metrics pages the benchmarks time: a year by unit, by category, a quarter by place, and the
/// API.
const METRICS_PAGES: &[&str] = &[
    "/casework?from=2019-01-01&to=2019-12-31",
    "/casework?from=2019-01-01&to=2019-12-31&by=category",
    "/casework?from=2019-07-01&to=2019-09-30&by=place",
    "/api/v1/casework/metrics?from=2019-01-01&to=2019-12-31&by=unit",
];

#[derive(clap::Args, Debug)]
pub struct MetricsArgs {
    /// 诉求件数 / requests stored
    #[arg(long, default_value_t = 10_000_000)]
    requests: u64,
    /// 每页请求次数 / requests per page
    #[arg(long, default_value_t = 20)]
    repeat: usize,
    /// 保留（或复用）此目录中的测试账本 / keep (or reuse) the benchmark ledger in this directory
    #[arg(long, value_name = "DIR")]
    keep: Option<std::path::PathBuf>,
}

/// `duban bench metrics`: the metrics page and API over N stored requests (synthetic, written in
/// bulk on a temporary SQLite file), timed at the server (p50/p95).
pub fn metrics(args: MetricsArgs) -> Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async {
        let (store, dir, reused) = bench_store(args.keep.as_deref()).await?;
        if !reused {
            let places =
                ["罗庄街道", "傅庄街道", "盛庄街道", "高都街道", "沂堂镇", "褚墩镇", "黄山镇"].map(String::from);
            hotline_ledger(&store, &places).await?;
            eprintln!("写入 {} 件合成诉求 / writing {} synthetic requests …", args.requests, args.requests);
            let started = Instant::now();
            store.synthesize_requests(args.requests, date!(2019 - 01 - 01), &places).await?;
            println!("写入 / written: {} requests in {:.0} s", args.requests, started.elapsed().as_secs_f64());
            store.analyze().await?;
        }
        let office = store.account("bench_centre").await?.0;
        let state = Arc::new(AppState::new(store.clone(), Some(date!(2019 - 12 - 31))));
        let app = router(state);
        let token = store.open_session(office.user, time::Duration::hours(1)).await?.token;
        time_pages(&app, &token, METRICS_PAGES, args.repeat, &format!(", {} requests stored", args.requests)).await?;
        store.close().await;
        if args.keep.is_none() {
            let _ = std::fs::remove_dir_all(&dir);
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// The benchmarks' ledger: in `keep` (reused when it holds one: `bench lists` and `bench metrics`
/// share it), else in a temporary directory. Returns the store, its directory and whether it was
/// there already.
async fn bench_store(keep: Option<&std::path::Path>) -> Result<(Store, std::path::PathBuf, bool)> {
    let dir = match keep {
        Some(d) => {
            std::fs::create_dir_all(d)?;
            d.to_path_buf()
        }
        None => tempfile_dir()?,
    };
    let path = dir.join("bench.db");
    let reused = keep.is_some() && path.exists();
    let url = format!("sqlite://{}", path.display());
    let store = Store::open(&url, true).await.with_context(|| url.clone())?;
    if reused {
        eprintln!("复用 / reusing {}", path.display());
    }
    Ok((store, dir, reused))
}

#[derive(clap::Args, Debug)]
pub struct ListsArgs {
    /// 诉求件数 / requests stored
    #[arg(long, default_value_t = 10_000_000)]
    requests: u64,
    /// 台账事项数 / ledger matters
    #[arg(long, default_value_t = 20_000)]
    matters: usize,
    /// 每页请求次数 / requests per page
    #[arg(long, default_value_t = 20)]
    repeat: usize,
    /// 保留（或复用）此目录中的测试账本，以便反复测量 / keep (or reuse) the benchmark ledger in this directory, to measure again
    #[arg(long, value_name = "DIR")]
    keep: Option<std::path::PathBuf>,
}

/// `duban bench lists`: the dashboard and every list of the daily work — the ledger searched,
/// filtered, sorted and paged; the request queue by status, searched by number, phone and words, paged deep; a unit's
/// inbox — and the metrics page, over N synthetic requests and a ledger of M matters on a
/// temporary SQLite file, timed at the server (p50/p95). Prints the slowest p95.
pub fn lists(args: ListsArgs) -> Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async {
        let (store, dir, reused) = bench_store(args.keep.as_deref()).await?;
        if reused {
            return time_lists(&store, &args).await;
        }
        let places = ["罗庄街道", "傅庄街道", "盛庄街道", "高都街道", "沂堂镇", "褚墩镇", "黄山镇"].map(String::from);
        let (office, _) = hotline_ledger(&store, &places).await?;
        let units = store.units().await?;
        eprintln!("写入 {} 件合成诉求 / writing {} synthetic requests …", args.requests, args.requests);
        let started = Instant::now();
        store.synthesize_requests(args.requests, date!(2019 - 01 - 01), &places).await?;
        println!("写入 / written: {} requests in {:.0} s", args.requests, started.elapsed().as_secs_f64());

        // The ledger: M tasks over the units, a tenth of them with a report (progress of every
        // colour), in sections.
        let started = Instant::now();
        let unit_ids: Vec<_> = units.iter().map(|u| u.0).collect();
        let report = generated_ledger(args.matters, &unit_ids);
        let (_, ids) = store.adopt_report(&office, &report, date!(2019 - 01 - 01)).await?;
        let hash = hash_password("bench-password").map_err(anyhow::Error::msg)?;
        let unit = store.add_user("bench_unit", &units[0].1, &hash, Role::Unit(units[0].0)).await?;
        let office = store.account("bench_centre").await?.0;
        for (i, id) in ids.iter().enumerate().filter(|(i, _)| i % 10 == 0) {
            let actor = if i % units.len() == 0 { unit.clone() } else { office.clone() };
            let change = if i % units.len() == 0 {
                Change::ProgressReported {
                    value: Some((i % 100) as f64), percent: None, narrative: "路基完成".into()
                }
            } else {
                Change::Reminded { note: "请加快进度".into() }
            };
            store.record(&actor, *id, 3, date!(2019 - 06 - 30), change).await?;
        }
        println!("台账 / ledger: {} matters in {:.1} s", args.matters, started.elapsed().as_secs_f64());
        let started = Instant::now();
        let assessed = store.refresh_assessments(date!(2019 - 07 - 01)).await?;
        println!(
            "评估 / first assessment of the day: {assessed} matters in {:.1} s (then only what changes)",
            started.elapsed().as_secs_f64()
        );

        store.analyze().await?;
        let code = time_lists(&store, &args).await?;
        store.close().await;
        if args.keep.is_none() {
            let _ = std::fs::remove_dir_all(&dir);
        }
        Ok(code)
    })
}

/// The timed part of `bench lists`, on a ledger written before.
async fn time_lists(store: &Store, args: &ListsArgs) -> Result<ExitCode> {
    {
        let office = store.account("bench_centre").await?.0;
        let unit = store.account("bench_unit").await?.0;
        let state = Arc::new(AppState::new(store.clone(), Some(date!(2019 - 07 - 01))));
        let app = router(state);
        let token = store.open_session(office.user, time::Duration::hours(1)).await?.token;
        let unit_token = store.open_session(unit.user, time::Duration::hours(1)).await?.token;
        let deep = format!("/matters?page={}", args.matters / 50 / 2);
        let number = format!("/requests?q={}&status=all", store.synthetic_number(args.requests / 2).await?);
        let pages = [
            "/",
            "/matters",
            "/matters?q=%E7%A4%BE%E5%8C%BA%E6%9C%8D%E5%8A%A1",
            "/matters?q=2019-12345",
            "/matters?unit=%E5%B1%80",
            "/matters?level=red",
            "/matters?sort=progress&dir=desc",
            deep.as_str(),
            "/requests",
            "/requests?status=open&sort=deadline",
            "/requests?status=overdue",
            "/requests?status=done",
            "/requests?status=done&page=200",
            "/requests?status=all&from=2019-12-01&to=2019-12-31",
            number.as_str(),
            "/requests?q=%E8%B7%AF%E7%81%AF&status=open",
            "/api/v1/matters?level=yellow",
        ];
        let note = format!(", {} requests, {} matters", args.requests, args.matters);
        let mut p95s = time_pages(&app, &token, &pages, args.repeat, &note).await?;
        p95s.extend(time_pages(&app, &unit_token, &["/requests", "/matters"], args.repeat, " (a unit)").await?);
        p95s.extend(time_pages(&app, &token, METRICS_PAGES, args.repeat, &note).await?);
        let worst = p95s.iter().copied().fold(0.0, f64::max);
        println!("最慢 p95 / slowest p95: {worst:.1} ms");
        Ok(ExitCode::SUCCESS)
    }
}
