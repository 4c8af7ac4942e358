//! Configuration: raw flags become one validated `Config` before any work starts. Loading it never
//! writes files; the data directory is created only by the commands that create ledgers.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

/// Where the ledger lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub data_dir: PathBuf,
    pub database_url: String,
}

/// The documented options, printed by `duban config example`.
pub const EXAMPLE: &str = include_str!("../../../config.example.toml");

impl Config {
    /// From `--data-dir` and `--database-url`: the URL wins; without one, the ledger is the SQLite
    /// file `duban.db` in the data directory (default `./duban-data`).
    pub fn from_flags(data_dir: Option<&Path>, database_url: Option<&str>) -> Result<Config> {
        let data_dir = data_dir.map_or_else(|| PathBuf::from("duban-data"), Path::to_path_buf);
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
        Ok(Config { data_dir, database_url })
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
}
