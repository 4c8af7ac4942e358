//! The ledger's commands: `user add`, `unit import`, `demo`, `config example`. Each opens the store
//! from one validated `Config` and calls its domain verbs.

use std::io::{self, BufRead, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use calamine::{Data, Reader, open_workbook_auto};
use time::Date;

use crate::accounts::hash_password;
use crate::config::Config;
use crate::store::{Role, Store};

#[derive(clap::Args, Debug)]
pub struct Where {
    /// 配置文件（见 duban config example）/ configuration file (see `duban config example`)
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// 数据目录 / data directory (default ./duban-data)
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// 数据库地址 / database URL (sqlite:… or postgres:…); default: SQLite in the data directory
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
}

#[derive(clap::Subcommand, Debug)]
pub enum UserCommand {
    /// 新增账号（密码从标准输入读取）/ add an account (the password is read from standard input)
    Add {
        #[command(flatten)]
        at: Where,
        #[arg(long)]
        login: String,
        /// 显示名称 / display name
        #[arg(long)]
        name: String,
        /// office（督查室）| hotline（12345热线中心）| admin（系统管理员）| unit（责任单位）| leader（领导）
        #[arg(long)]
        role: String,
        /// 责任单位名称（role=unit 时必填）/ the unit's name, for role unit
        #[arg(long)]
        unit: Option<String>,
    },
}

#[derive(clap::Subcommand, Debug)]
pub enum TokenCommand {
    /// 为 API 客户端签发令牌 / issue a bearer token for an API client
    Create {
        #[command(flatten)]
        at: Where,
        /// 以此账号身份访问 / the account the client acts as
        #[arg(long)]
        login: String,
        /// 有效天数 / days the token stays valid
        #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(u16).range(1..=3650))]
        days: u16,
    },
}

pub fn token(cmd: TokenCommand) -> Result<ExitCode> {
    let TokenCommand::Create { at, login, days } = cmd;
    runtime()?.block_on(async {
        let store = open(&at, false).await?;
        let (actor, _) =
            store.account(&login).await.with_context(|| format!("没有账号“{login}” / no account {login:?}"))?;
        let session = store.open_session(actor.user, time::Duration::days(i64::from(days))).await?;
        println!("{}", session.token);
        eprintln!("令牌有效至 / valid until {}；用法 / use: Authorization: Bearer <token>", session.expires_at);
        Ok(ExitCode::SUCCESS)
    })
}

#[derive(clap::Subcommand, Debug)]
pub enum CatalogueCommand {
    /// 导入类别与派单目录（Excel：工作表“类别”“派单目录”；不给文件则导入内置目录）/ import categories and dispatch
    /// rules (.xlsx with sheets 类别 and 派单目录; without a file, the built-in catalogue)
    Import {
        #[command(flatten)]
        at: Where,
        #[arg(value_name = "FILE.xlsx")]
        file: Option<PathBuf>,
    },
}

#[derive(clap::Subcommand, Debug)]
pub enum Open311Command {
    /// 为 Open311 客户端签发 api_key / issue an api_key for an Open311 client
    Key {
        #[command(flatten)]
        at: Where,
        /// 客户端名称 / the client's name
        #[arg(long)]
        name: String,
    },
}

/// Whoever runs the command line has the database: an office actor for the store's checks.
fn command_line() -> crate::store::Actor {
    crate::store::Actor { user: crate::store::UserId(0), name: "命令行".into(), role: Role::Office }
}

pub fn catalogue(cmd: CatalogueCommand) -> Result<ExitCode> {
    let CatalogueCommand::Import { at, file } = cmd;
    runtime()?.block_on(async {
        let store = open(&at, true).await?;
        let units: Vec<(String, String)> = store.units().await?.into_iter().map(|(_, n, k)| (n, k)).collect();
        let mut c = match &file {
            Some(path) => crate::catalogue::read_xlsx(path)?,
            None => {
                let places: Vec<String> =
                    units.iter().filter(|(_, k)| k == "街道" || k == "镇").map(|(n, _)| n.clone()).collect();
                crate::catalogue::builtin(&places)
            }
        };
        if file.is_none() {
            // The built-in rules name the usual departments; keep those this ledger has.
            let before = c.rules.len();
            c.rules.retain(|r| units.iter().any(|(n, _)| *n == r.2));
            if c.rules.len() < before {
                eprintln!(
                    "内置派单目录中 {} 条规则的单位不在本账本中，已略过 / {} built-in rules name units not in this ledger and were left out",
                    before - c.rules.len(),
                    before - c.rules.len()
                );
            }
        }
        store.import_catalogue(&command_line(), &c.categories, &c.rules).await.with_context(|| {
            format!("导入失败，未导入任何类别 / import failed, nothing imported{}", file.as_ref().map(|f| format!(": {}", f.display())).unwrap_or_default())
        })?;
        println!("已导入 {} 个类别、{} 条派单规则 / imported {} categories, {} dispatch rules", c.categories.len(), c.rules.len(), c.categories.len(), c.rules.len());
        Ok(ExitCode::SUCCESS)
    })
}

pub fn open311(cmd: Open311Command) -> Result<ExitCode> {
    let Open311Command::Key { at, name } = cmd;
    runtime()?.block_on(async {
        let store = open(&at, false).await?;
        println!("{}", store.add_api_key(&name).await?);
        eprintln!("用法 / use: POST /open311/v2/requests.json 时带 api_key=<上面的值>");
        Ok(ExitCode::SUCCESS)
    })
}

#[derive(clap::Subcommand, Debug)]
pub enum UnitCommand {
    /// 从 Excel 导入单位（列：单位名称、单位类型）/ import units from .xlsx (columns 单位名称, 单位类型)
    Import {
        #[command(flatten)]
        at: Where,
        #[arg(value_name = "FILE.xlsx")]
        file: PathBuf,
    },
}

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    at: Where,
    /// 监听地址（缺省 127.0.0.1:8080）/ address to listen on (default 127.0.0.1:8080)
    #[arg(long, value_name = "ADDR")]
    listen: Option<std::net::SocketAddr>,
    /// 固定“今天”（演示与测试用）/ fix today (for demos and tests)
    #[arg(long, value_name = "YYYY-MM-DD")]
    today: Option<String>,
}

fn parse_day(s: &str) -> Result<Date> {
    Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
        .with_context(|| format!("日期应为 YYYY-MM-DD / a date must be YYYY-MM-DD: {s}"))
}

async fn run_server(store: Store, config: &Config, listen: std::net::SocketAddr, today: Option<Date>) -> Result<()> {
    // The warnings stored under other rules (a changed configuration) are made again.
    store.forget_assessments().await?;
    let state = std::sync::Arc::new(crate::web::AppState {
        store: store.with_rules(config.warning.clone()),
        ranking: config.ranking.clone(),
        bulletin: config.bulletin.clone(),
        casework: config.casework.clone(),
        today,
        guard: crate::web::Guard::new(&config.security),
        public_url: config.public_url.clone(),
        outbound: std::sync::Arc::new(config.webhook.clone()),
        open311: config.open311.clone(),
    });
    println!("督办已启动 / duban is serving at http://{listen}/");
    crate::web::serve(state, listen).await
}

pub fn serve(args: ServeArgs) -> Result<ExitCode> {
    let today = args.today.as_deref().map(parse_day).transpose()?;
    let config = config(&args.at)?;
    let listen = args.listen.or(config.listen).unwrap_or(std::net::SocketAddr::from(([127, 0, 0, 1], 8080)));
    runtime()?.block_on(async {
        let store = open(&args.at, true).await?;
        run_server(store, &config, listen, today).await?;
        Ok(ExitCode::SUCCESS)
    })
}

#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    /// 监听地址 / address to listen on
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: std::net::SocketAddr,
    /// 只建立演示账本，不启动网页服务 / build the demo ledger and exit
    #[arg(long)]
    no_serve: bool,
    /// 演示数据目录（须为新目录；缺省为临时目录）/ a new data directory for the demo (default: a temporary one)
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// 演示的“今天” / the demo's today
    #[arg(long, value_name = "YYYY-MM-DD", default_value = "2019-07-01")]
    today: String,
    /// 演示的群众诉求件数（此前一年）/ the public's requests of the year before, in the demo
    #[arg(long, value_name = "N", default_value_t = 3000)]
    requests: usize,
}

#[derive(clap::Args, Debug)]
pub struct BackupArgs {
    #[command(flatten)]
    at: Where,
    /// 备份文件（不得已存在）/ the backup file (must not exist)
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
}

#[derive(clap::Args, Debug)]
pub struct RestoreArgs {
    #[command(flatten)]
    at: Where,
    /// 覆盖已有账本（原账本保留为 .before-restore-时间）/ replace an existing ledger (kept as .before-restore-TIME)
    #[arg(long)]
    force: bool,
    /// 备份文件 / the backup file
    backup: PathBuf,
}

/// `duban backup`: a consistent copy of the SQLite ledger, taken while the server may be running.
pub fn backup(args: BackupArgs) -> Result<ExitCode> {
    runtime()?.block_on(async {
        let store = open(&args.at, false).await?;
        store.backup_to(&args.output).await.with_context(|| args.output.display().to_string())?;
        store.close().await;
        let size = std::fs::metadata(&args.output).map(|m| m.len()).unwrap_or(0);
        println!("已备份 / backed up: {}（{} MB）", args.output.display(), size.div_ceil(1 << 20));
        Ok(ExitCode::SUCCESS)
    })
}

/// `duban restore`: the backup checked, then put in place of the data directory's ledger.
pub fn restore(args: RestoreArgs) -> Result<ExitCode> {
    let config = config(&args.at)?;
    if !config.database_url.starts_with("sqlite:") {
        bail!(
            "PostgreSQL 账本请用 pg_restore / psql 恢复（见 README）/ restore a PostgreSQL ledger with pg_restore or psql (see the README)"
        );
    }
    let options = <sqlx::sqlite::SqliteConnectOptions as std::str::FromStr>::from_str(&config.database_url)
        .with_context(|| config.database_url.clone())?;
    let into = options.get_filename().to_path_buf();
    if let Some(dir) = into.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("无法创建数据目录 / cannot create {}", dir.display()))?;
    }
    runtime()?.block_on(async {
        let kept = crate::store::backup::restore(&args.backup, &into, args.force)
            .await
            .with_context(|| args.backup.display().to_string())?;
        println!("已恢复 / restored: {} → {}", args.backup.display(), into.display());
        if let Some(k) = kept {
            println!("原账本保留为 / the previous ledger is kept as {}", k.display());
        }
        Ok(ExitCode::SUCCESS)
    })
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("无法启动运行时 / cannot start the runtime")
}

fn config(at: &Where) -> Result<Config> {
    Config::load(at.config.as_deref(), at.data_dir.as_deref(), at.database_url.as_deref())
}

async fn open(at: &Where, create: bool) -> Result<Store> {
    let config = config(at)?;
    if create && at.database_url.is_none() {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("无法创建数据目录 / cannot create {}", config.data_dir.display()))?;
    }
    Store::open(&config.database_url, create).await.with_context(|| config.database_url.clone())
}

pub fn user(cmd: UserCommand) -> Result<ExitCode> {
    let UserCommand::Add { at, login, name, role, unit } = cmd;
    let mut password = String::new();
    if io::stdin().is_terminal() {
        eprint!("密码 / password: ");
    }
    io::stdin().lock().read_line(&mut password).context("读取密码失败 / cannot read the password")?;
    let hash = hash_password(password.trim_end_matches(['\r', '\n'])).map_err(anyhow::Error::msg)?;
    runtime()?.block_on(async {
        let store = open(&at, true).await?;
        let role = store.role_named(&role, unit.as_deref()).await?;
        store
            .add_user(&login, &name, &hash, role)
            .await
            .with_context(|| format!("无法新增账号 / cannot add {login}"))?;
        println!("已新增账号 / added: {login}（{name}）");
        Ok(ExitCode::SUCCESS)
    })
}

/// Reads units from the first sheet: a header row with 单位名称 and 单位类型, then one unit per row.
pub fn read_units(path: &Path) -> Result<Vec<(String, String)>> {
    let mut book =
        open_workbook_auto(path).with_context(|| format!("无法打开 Excel 文件 / cannot open {}", path.display()))?;
    let sheet =
        book.sheet_names().first().cloned().with_context(|| format!("{}: 没有工作表 / no sheet", path.display()))?;
    let range = book
        .worksheet_range(&sheet)
        .with_context(|| format!("{}: 无法读取工作表 / cannot read sheet {sheet}", path.display()))?;
    let mut rows = range.rows();
    let header: Vec<String> =
        rows.next().map(|r| r.iter().map(|c| c.to_string().trim().to_string()).collect()).unwrap_or_default();
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(name_col), Some(kind_col)) = (col("单位名称"), col("单位类型")) else {
        bail!(
            "{}: 第1行须有“单位名称”“单位类型”两列 / row 1 must have the columns 单位名称 and 单位类型",
            path.display()
        );
    };
    let mut units: Vec<(String, String)> = Vec::new();
    for (i, row) in rows.enumerate() {
        let line = i + 2;
        let cell = |c: usize| match row.get(c) {
            Some(Data::String(s)) => s.trim().to_string(),
            Some(Data::Empty) | None => String::new(),
            Some(other) => other.to_string(),
        };
        let (name, kind) = (cell(name_col), cell(kind_col));
        if name.is_empty() && kind.is_empty() {
            continue;
        }
        if name.is_empty() || kind.is_empty() {
            bail!(
                "{}: 第{line}行“单位名称”或“单位类型”为空 / row {line}: 单位名称 or 单位类型 is empty",
                path.display()
            );
        }
        if units.iter().any(|(n, _)| *n == name) {
            bail!("{}: 第{line}行单位“{name}”重复 / row {line}: unit {name:?} listed twice", path.display());
        }
        units.push((name, kind));
    }
    if units.is_empty() {
        bail!("{}: 没有单位 / no units", path.display());
    }
    Ok(units)
}

pub fn unit(cmd: UnitCommand) -> Result<ExitCode> {
    let UnitCommand::Import { at, file } = cmd;
    let units = read_units(&file)?;
    runtime()?.block_on(async {
        let store = open(&at, true).await?;
        let ids = store.import_units(&units).await.with_context(|| {
            format!("导入失败，未导入任何单位 / import failed, nothing imported: {}", file.display())
        })?;
        println!("已导入 {} 个单位 / imported {} units", ids.len(), ids.len());
        Ok(ExitCode::SUCCESS)
    })
}

pub fn demo(args: DemoArgs) -> Result<ExitCode> {
    let today = parse_day(&args.today)?;
    let dir = match args.data_dir {
        Some(d) => {
            if d.exists() && std::fs::read_dir(&d).map(|mut e| e.next().is_some()).unwrap_or(true) {
                bail!("演示需要一个新的空目录 / the demo needs a new, empty directory: {}", d.display());
            }
            d
        }
        None => std::env::temp_dir().join(format!("duban-demo-{}", std::process::id())),
    };
    let at = Where { config: None, data_dir: Some(dir.clone()), database_url: None };
    let rt = runtime()?;
    let (store, summary) = rt.block_on(async {
        let store = open(&at, true).await?;
        let summary = crate::demo::seed(&store, today, args.requests).await?;
        anyhow::Ok((store, summary))
    })?;
    println!("演示账本已建立 / demo ledger ready: {}", dir.join("duban.db").display());
    println!("事项 matters: {}（{}）；群众诉求 requests: {}", summary.matters, summary.today, summary.requests);
    for (level, n) in &summary.by_level {
        println!("  {} {level:?}: {n}", level.label());
    }
    println!("账号 accounts（登录名 / 密码 / 身份）:");
    for a in &summary.accounts {
        println!("  {:<10} {}  {}", a.login, a.password, a.who);
    }
    if args.no_serve {
        rt.block_on(store.close());
        return Ok(ExitCode::SUCCESS);
    }
    println!("用上面的账号登录 http://{}/ （演示的“今天”为 {today}）", args.listen);
    rt.block_on(run_server(store, &config(&at)?, args.listen, Some(today)))?;
    Ok(ExitCode::SUCCESS)
}

pub fn print_example_config() -> Result<ExitCode> {
    print!("{}", crate::config::EXAMPLE);
    Ok(ExitCode::SUCCESS)
}
