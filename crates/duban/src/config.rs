//! Configuration: raw flags become one validated `Config` before any work starts. Loading it never
//! writes files; the data directory is created only by the commands that create ledgers.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use duban_core::WarningRules;
use serde::Deserialize;

/// Where the ledger lives, and the rules it is run by.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub data_dir: PathBuf,
    pub database_url: String,
    pub listen: Option<std::net::SocketAddr>,
    /// The address the server is published at (https://… in production), for absolute links and
    /// Secure cookies.
    pub public_url: Option<String>,
    /// The warning rules' thresholds ([warning] in the file).
    pub warning: WarningRules,
    /// Requests' time limits and counting rules ([casework]).
    pub casework: duban_core::casework::CaseworkRules,
    /// The weights of the units' ranking score ([ranking]).
    pub ranking: duban_core::metrics::RankingWeights,
    /// Who issues the bulletins, and their title ([bulletin]).
    pub bulletin: BulletinConfig,
    /// Limits on guessing ([security]).
    pub security: SecurityConfig,
    /// Where webhooks may be sent ([webhook]).
    pub webhook: crate::webhook::Policy,
    /// What Open311 publishes ([open311]).
    pub open311: crate::web::open311::Open311Config,
}

/// Limits on guessing passwords: failures of one login, or from one address, within the window
/// lock it for the lockout's minutes.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SecurityConfig {
    pub login_failures: u32,
    pub address_failures: u32,
    pub window_minutes: u32,
    pub lockout_minutes: u32,
    /// Failed public lookups of one request number, or from one address, within the window.
    pub lookup_failures: u32,
    /// Public filings from one address within an hour.
    pub filings_per_hour: u32,
    /// Reverse proxies whose X-Forwarded-For names the client (none: the connection's address is).
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl Default for SecurityConfig {
    fn default() -> Self {
        SecurityConfig {
            login_failures: 5,
            address_failures: 20,
            window_minutes: 15,
            lockout_minutes: 15,
            lookup_failures: 10,
            filings_per_hour: 10,
            trusted_proxies: Vec::new(),
        }
    }
}

/// The bulletin as the office issues it: its title and the issuing office printed on it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BulletinConfig {
    pub title: String,
    pub issuer: String,
}

impl Default for BulletinConfig {
    fn default() -> Self {
        BulletinConfig { title: "政务督查通报".into(), issuer: "区人民政府督查室".into() }
    }
}

/// The configuration file as written (every key optional; unknown keys are errors, so a typo is
/// not silently ignored).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    listen: Option<std::net::SocketAddr>,
    public_url: Option<String>,
    #[serde(default)]
    warning: WarningRules,
    #[serde(default)]
    casework: duban_core::casework::CaseworkRules,
    #[serde(default)]
    ranking: duban_core::metrics::RankingWeights,
    #[serde(default)]
    bulletin: BulletinConfig,
    #[serde(default)]
    security: SecurityConfig,
    #[serde(default)]
    webhook: crate::webhook::Policy,
    #[serde(default)]
    open311: crate::web::open311::Open311Config,
}

/// The documented options, printed by `duban config example`.
pub const EXAMPLE: &str = include_str!("../../../config.example.toml");

impl Config {
    /// From `--data-dir` and `--database-url`: the URL wins; without one, the ledger is the SQLite
    /// file `duban.db` in the data directory (default `./duban-data`).
    pub fn from_flags(data_dir: Option<&Path>, database_url: Option<&str>) -> Result<Config> {
        Config::load(None, data_dir, database_url)
    }

    /// From a configuration file (`--config`), with the flags overriding it. Errors name the file
    /// and the line.
    pub fn load(file: Option<&Path>, data_dir: Option<&Path>, database_url: Option<&str>) -> Result<Config> {
        let f: File = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("无法读取配置文件 / cannot read the configuration {}", path.display()))?;
                toml::from_str(&text).map_err(|e| {
                    let line = e.span().map(|s| text.get(..s.start).unwrap_or(&text).matches('\n').count() + 1);
                    anyhow::anyhow!(
                        "配置文件有误 / bad configuration: {}{}: {}",
                        path.display(),
                        line.map(|l| format!(" 第{l}行 / line {l}")).unwrap_or_default(),
                        e.message()
                    )
                })?
            }
            None => File::default(),
        };
        let w = &f.warning;
        let lags = 0.0 < w.yellow_lag && w.yellow_lag <= w.red_lag && w.red_lag <= 1.0;
        let quiet = 0 < w.quiet_days_yellow && w.quiet_days_yellow <= w.quiet_days_red;
        if !lags || !quiet || w.due_soon_days < 0 || w.casework_due_soon_days < 0 {
            bail!(
                "[warning] 阈值须满足 0 < yellow_lag ≤ red_lag ≤ 1、0 < quiet_days_yellow ≤ quiet_days_red、due_soon_days ≥ 0 / [warning] thresholds must satisfy 0 < yellow_lag ≤ red_lag ≤ 1, 0 < quiet_days_yellow ≤ quiet_days_red, due_soon_days ≥ 0"
            );
        }
        if !f.ranking.valid() {
            bail!(
                "[ranking] 权重须为不小于0的数，且至少一项大于0 / [ranking] weights must be numbers ≥ 0, one at least > 0"
            );
        }
        if f.bulletin.title.trim().is_empty() || f.bulletin.issuer.trim().is_empty() {
            bail!("[bulletin] title 与 issuer 不能为空 / [bulletin] title and issuer must not be empty");
        }
        if let Some(u) = &f.public_url {
            let rest = u.strip_prefix("https://").or_else(|| u.strip_prefix("http://"));
            if rest.is_none_or(|r| r.is_empty() || r.contains(['?', '#', ' '])) {
                bail!("public_url 须为 https:// 或 http:// 开头的地址 / public_url must be an http(s) address: {u}");
            }
        }
        let g = &f.security;
        if [
            g.login_failures,
            g.address_failures,
            g.window_minutes,
            g.lockout_minutes,
            g.lookup_failures,
            g.filings_per_hour,
        ]
        .contains(&0)
        {
            bail!("[security] 各项须大于0 / [security] every limit must be above 0");
        }
        let data_dir = data_dir.map(Path::to_path_buf).or(f.data_dir).unwrap_or_else(|| PathBuf::from("duban-data"));
        let database_url = database_url.map(str::to_string).or(f.database_url);
        let database_url = database_url.as_deref();
        let database_url = match database_url {
            Some(url) => {
                crate::store::Backend::from_url(url)?;
                url.to_string()
            }
            None => {
                let path = data_dir.join("duban.db");
                let Some(path) = path.to_str() else {
                    bail!("数据目录路径须为 UTF-8 / the data directory path must be UTF-8: {}", data_dir.display());
                };
                format!("sqlite://{path}")
            }
        };
        Ok(Config {
            data_dir,
            database_url,
            listen: f.listen,
            public_url: f.public_url.map(|u| u.trim_end_matches('/').to_string()),
            warning: f.warning,
            casework: f.casework,
            ranking: f.ranking,
            bulletin: f.bulletin,
            security: f.security,
            webhook: f.webhook,
            open311: f.open311,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let c = Config::from_flags(None, None).expect("config");
        assert_eq!(c.database_url, "sqlite://duban-data/duban.db");
        let c = Config::from_flags(Some(Path::new("/srv/duban")), Some("postgres://db/duban")).expect("config");
        assert_eq!((c.data_dir.as_path(), c.database_url.as_str()), (Path::new("/srv/duban"), "postgres://db/duban"));
        assert!(Config::from_flags(None, Some("mysql://x")).is_err());
        assert!(EXAMPLE.contains("database_url"));
    }

    #[test]
    fn the_example_file_is_the_defaults_and_errors_name_the_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let example = dir.path().join("duban.toml");
        std::fs::write(&example, EXAMPLE).expect("write");
        let c = Config::load(Some(&example), None, None).expect("the example loads");
        assert_eq!(c.warning, WarningRules::default());
        assert_eq!(c.casework, duban_core::casework::CaseworkRules::default(), "the example is the defaults");
        assert_eq!(c.ranking, duban_core::metrics::RankingWeights::default(), "the example is the defaults");
        assert_eq!(c.bulletin, BulletinConfig::default(), "the example is the defaults");
        let heavy = dir.path().join("heavy.toml");
        std::fs::write(&heavy, "[ranking]\nred = 50\n\n[bulletin]\nissuer = \"罗庄区人民政府督查室\"\n")
            .expect("write");
        let c = Config::load(Some(&heavy), None, None).expect("loads");
        assert_eq!((c.ranking.red, c.ranking.done), (50.0, 30.0));
        assert_eq!(c.bulletin.issuer, "罗庄区人民政府督查室");
        let negative = dir.path().join("negative.toml");
        std::fs::write(&negative, "[ranking]\nred = -1\n").expect("write");
        assert!(format!("{:#}", Config::load(Some(&negative), None, None).unwrap_err()).contains("[ranking]"));
        let strict = dir.path().join("strict.toml");
        std::fs::write(&strict, "[warning]\nyellow_lag = 0.05\nred_lag = 0.15\n").expect("write");
        let c = Config::load(Some(&strict), Some(Path::new("/srv/d")), None).expect("loads");
        assert_eq!((c.warning.yellow_lag, c.warning.red_lag, c.warning.quiet_days_red), (0.05, 0.15, 60));
        assert_eq!(c.data_dir, Path::new("/srv/d"));
        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, "listen = \"127.0.0.1:8080\"\n\n[warning]\nyelow_lag = 0.05\n").expect("write");
        let e = format!("{:#}", Config::load(Some(&bad), None, None).unwrap_err());
        assert!(e.contains("bad.toml") && e.contains("第4行"), "{e}");
        let inverted = dir.path().join("inverted.toml");
        std::fs::write(&inverted, "[warning]\nyellow_lag = 0.5\nred_lag = 0.2\n").expect("write");
        assert!(Config::load(Some(&inverted), None, None).is_err());
    }
}
