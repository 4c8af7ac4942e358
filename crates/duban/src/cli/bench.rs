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
        let matters: Vec<NewMatter> = (0..args.matters)
            .map(|i| NewMatter {
                kind: MatterKind::Task,
                title: format!("第{i}项重点工作：新建改造农村公路{}公里", 10 + i % 90),
                source: "二、2019年工作安排".into(),
                span: None,
                lead_unit: Some(unit_ids[i % unit_ids.len()]),
                co_units: vec![],
                deadline: Some(date!(2019 - 12 - 31)),
                standard: Some(Standard { value: 100.0, unit: "公里".into(), goal: Goal::AtLeast }),
                section: Some(format!("（{}）重点工作", ["一", "二", "三", "四", "五", "六"][i % 6])),
            })
            .collect();
        let report = NewReport {
            title: "bench".into(),
            jurisdiction: None,
            plan_year: Some(2019),
            body: String::new(),
            matters,
        };
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
        for page in ["/", "/matters"] {
            let mut times = Vec::with_capacity(args.requests);
            for _ in 0..args.requests {
                let req = Request::get(page)
                    .header(header::COOKIE, format!("{SESSION_COOKIE}={token}"))
                    .body(Body::empty())?;
                let t = Instant::now();
                let resp = app.clone().oneshot(req).await?;
                let _ = axum::body::to_bytes(resp.into_body(), usize::MAX).await?;
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            times.sort_by(f64::total_cmp);
            println!(
                "{page}: p50 {:.1} ms, p95 {:.1} ms ({} requests, {} matters)",
                percentile(&times, 0.5),
                percentile(&times, 0.95),
                args.requests,
                args.matters + seed_matters
            );
        }
        store.close().await;
        let _ = std::fs::remove_dir_all(&dir);
        Ok(ExitCode::SUCCESS)
    })
}

fn tempfile_dir() -> Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("duban-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
