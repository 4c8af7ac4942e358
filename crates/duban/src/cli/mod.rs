//! The command line: flags become one validated value (`ExtractArgs` → `extract::Plan`) before any
//! work starts. Exit codes: 0 ok, 1 nothing found, 2 error. A closed pipe is not an error.

mod bench;
mod extract;
mod ledger;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "duban",
    version,
    about = "督办：从政府工作报告到落实结果 / from a government work report to delivered results"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 抽取报告中的量化指标与任务 / Extract every quantified target and result (and tasks) from reports.
    Extract(extract::ExtractArgs),
    /// 账号管理 / accounts
    #[command(subcommand)]
    User(ledger::UserCommand),
    /// 单位管理 / units
    #[command(subcommand)]
    Unit(ledger::UnitCommand),
    /// API 令牌 / API tokens
    #[command(subcommand)]
    Token(ledger::TokenCommand),
    /// 诉求类别与派单目录 / the request categories and the dispatch catalogue
    #[command(subcommand)]
    Catalogue(ledger::CatalogueCommand),
    /// Open311 接入 / Open311 clients
    #[command(subcommand)]
    Open311(ledger::Open311Command),
    /// 建立演示账本并启动网页服务 / build the demo ledger and serve it
    Demo(ledger::DemoArgs),
    /// 启动网页服务 / serve the pages and the API
    Serve(ledger::ServeArgs),
    /// 备份账本（服务运行时亦可）/ back the ledger up (also while the server runs)
    Backup(ledger::BackupArgs),
    /// 从备份恢复账本（先停止服务）/ restore the ledger from a backup (stop the server first)
    Restore(ledger::RestoreArgs),
    /// 配置 / configuration
    #[command(subcommand)]
    Config(ConfigCommand),
    /// 性能测试 / benchmarks
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Subcommand)]
enum BenchCommand {
    /// 台账页面与报告采纳的服务端耗时 / server time of the ledger pages and of adopting a report
    Ledger(bench::BenchArgs),
    /// 通过 HTTP 受理诉求的吞吐与延迟 / intake of requests through HTTP: throughput and latency
    Intake(bench::IntakeArgs),
    /// 海量诉求下的统计页面耗时 / the metrics page over millions of stored requests
    Metrics(bench::MetricsArgs),
    /// 海量诉求与台账下各列表（检索、筛选、排序、分页）的服务端耗时 / every list (search, filters, sorting, pages) over millions of requests and a large ledger
    Lists(bench::ListsArgs),
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// 打印带说明的配置样例 / print the documented example configuration
    Example,
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract(args) => extract::run(args),
        Command::User(cmd) => ledger::user(cmd),
        Command::Unit(cmd) => ledger::unit(cmd),
        Command::Token(cmd) => ledger::token(cmd),
        Command::Catalogue(cmd) => ledger::catalogue(cmd),
        Command::Open311(cmd) => ledger::open311(cmd),
        Command::Demo(args) => ledger::demo(args),
        Command::Serve(args) => ledger::serve(args),
        Command::Backup(args) => ledger::backup(args),
        Command::Restore(args) => ledger::restore(args),
        Command::Config(ConfigCommand::Example) => ledger::print_example_config(),
        Command::Bench(BenchCommand::Ledger(args)) => bench::ledger(args),
        Command::Bench(BenchCommand::Intake(args)) => bench::intake(args),
        Command::Bench(BenchCommand::Metrics(args)) => bench::metrics(args),
        Command::Bench(BenchCommand::Lists(args)) => bench::lists(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("duban: 错误 / error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}
