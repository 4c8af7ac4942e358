//! Backup and restore of a SQLite ledger. The ledger is one file (evidence, bulletins and the
//! timeline are all in it), so a backup is one consistent copy made while the server runs
//! (`VACUUM INTO` reads one snapshot: a request acknowledged before the copy began is in it, one
//! half-written is not). A restore checks the copy before it replaces anything. PostgreSQL ledgers
//! are backed up with the server's own tools (pg_dump), as the README says.

use std::path::{Path, PathBuf};

use sqlx::{Connection, Row};

use super::{Backend, Store, StoreError};

impl Store {
    /// Writes a consistent copy of the ledger to `to` (which must not exist), while it is in use.
    pub async fn backup_to(&self, to: &Path) -> Result<(), StoreError> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Invalid(
                "PostgreSQL 账本请用 pg_dump 备份（见 README）/ back a PostgreSQL ledger up with pg_dump (see the README)".into(),
            ));
        }
        if to.exists() {
            return Err(StoreError::Invalid(format!("备份文件已存在 / the backup file exists: {}", to.display())));
        }
        let path =
            to.to_str().ok_or_else(|| StoreError::Invalid("备份路径须为 UTF-8 / the path must be UTF-8".into()))?;
        sqlx::query("VACUUM INTO $1").bind(path.to_string()).execute(&self.pool).await?;
        Ok(())
    }
}

/// Checks that `file` is a whole duban ledger (SQLite's integrity check, the tables a ledger has),
/// without changing it.
pub async fn check_backup(file: &Path) -> Result<(), StoreError> {
    let name = file.display().to_string();
    let bad =
        |why: String| StoreError::Invalid(format!("不是可用的督办账本备份 / not a usable duban backup: {name}: {why}"));
    if !file.is_file() {
        return Err(bad("文件不存在 / no such file".into()));
    }
    let url = format!("sqlite://{}?mode=ro&immutable=1", file.to_str().ok_or_else(|| bad("not UTF-8".into()))?);
    let mut conn = sqlx::SqliteConnection::connect(&url).await.map_err(|e| bad(e.to_string()))?;
    let check: String = sqlx::query("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| bad(e.to_string()))?
        .try_get(0)
        .map_err(|e| bad(e.to_string()))?;
    if check != "ok" {
        return Err(bad(format!("完整性检查未通过 / integrity check: {check}")));
    }
    for table in ["_sqlx_migrations", "matters", "events", "users", "requests"] {
        let found = sqlx::query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $1")
            .bind(table)
            .fetch_optional(&mut conn)
            .await
            .map_err(|e| bad(e.to_string()))?;
        if found.is_none() {
            return Err(bad(format!("缺少表 / no table {table}")));
        }
    }
    conn.close().await.map_err(|e| bad(e.to_string()))?;
    Ok(())
}

/// Restores the backup `from` as the ledger file `into` (the server stopped). An existing ledger is
/// replaced only with `force`, and then kept beside it as `….before-restore-<time>` with its log;
/// the copy is checked first and opened (and migrated, if it is older) after. Returns where the old
/// ledger was kept.
pub async fn restore(from: &Path, into: &Path, force: bool) -> Result<Option<PathBuf>, StoreError> {
    check_backup(from).await?;
    let kept = if into.exists() {
        if !force {
            return Err(StoreError::Invalid(format!(
                "账本已存在，请先停止服务并加 --force 覆盖（原账本会保留为 .before-restore）/ a ledger exists at {}; stop the server and add --force (the old one is kept as .before-restore)",
                into.display()
            )));
        }
        // Kept under a name of its own (a second restore never overwrites the first's), with its
        // write-ahead log and shared memory beside it, so that nothing committed is lost.
        let stamp = time::OffsetDateTime::now_utc().unix_timestamp();
        let kept = into.with_extension(format!("db.before-restore-{stamp}"));
        std::fs::rename(into, &kept).map_err(|e| StoreError::Other(format!("{}: {e}", into.display())))?;
        for side in ["wal", "shm"] {
            let from = into.with_extension(format!("db-{side}"));
            if from.exists() {
                let to = PathBuf::from(format!("{}-{side}", kept.display()));
                std::fs::rename(&from, &to).map_err(|e| StoreError::Other(format!("{}: {e}", from.display())))?;
            }
        }
        Some(kept)
    } else {
        None
    };
    let partial = into.with_extension("db.restoring");
    std::fs::copy(from, &partial).map_err(|e| StoreError::Other(format!("{}: {e}", partial.display())))?;
    std::fs::rename(&partial, into).map_err(|e| StoreError::Other(format!("{}: {e}", into.display())))?;
    let url = format!("sqlite://{}", into.display());
    Store::open(&url, false).await?.close().await;
    Ok(kept)
}
