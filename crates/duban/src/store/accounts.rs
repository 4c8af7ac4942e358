//! Accounts as the administrator keeps them (add, disable, enable, reset a password) and the audit
//! log of sign-ins and account changes. Every change here is the table's `Administer`, checked in
//! the store, and leaves a line in the log in the same transaction.

use duban_core::access::{self, Action};
use sqlx::Row;

use super::{Actor, Role, Store, StoreError, UserId, now_rfc3339, role_from, role_name};

/// An account as the administrator's list shows it (never its password hash).
#[derive(Debug, Clone)]
pub struct Account {
    pub id: UserId,
    pub login: String,
    pub name: String,
    pub role: Role,
    pub unit: Option<String>,
    pub disabled: bool,
}

/// One line of the audit log.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub at: String,
    pub login: String,
    pub action: String,
    pub detail: String,
    pub address: String,
}

/// What an audit line records, by key; the page shows the words.
pub const AUDIT_ACTIONS: &[(&str, &str)] = &[
    ("sign_in", "登录成功"),
    ("sign_in_failed", "登录失败"),
    ("locked_out", "登录已锁定"),
    ("account_added", "新增账号"),
    ("account_disabled", "停用账号"),
    ("account_enabled", "启用账号"),
    ("password_reset", "重置密码"),
];

/// A login: 2–32 lower-case letters, digits, '.', '_' or '-'.
fn check_login(login: &str) -> Result<(), StoreError> {
    let ok = (2..=32).contains(&login.len())
        && login.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok && login != "public" {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "登录名须为2–32位小写字母、数字或 . _ - / a login is 2–32 lower-case letters, digits, '.', '_' or '-': {login}"
        )))
    }
}

impl Store {
    /// Every account but the system's own (public intake), by role and login.
    pub async fn accounts(&self, actor: &Actor) -> Result<Vec<Account>, StoreError> {
        actor.require(Action::Administer)?;
        let rows = sqlx::query(
            "SELECT us.id, us.login, us.display_name, us.role, us.unit_id, u.name, us.disabled_at FROM users us \
             LEFT JOIN units u ON u.id = us.unit_id WHERE us.login <> 'public' ORDER BY us.role, us.login",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Account {
                    id: UserId(r.try_get(0)?),
                    login: r.try_get(1)?,
                    name: r.try_get(2)?,
                    role: role_from(&r.try_get::<String, _>(3)?, r.try_get(4)?)?,
                    unit: r.try_get(5)?,
                    disabled: r.try_get::<Option<String>, _>(6)?.is_some(),
                })
            })
            .collect()
    }

    /// Adds an account (`password_hash` is the argon2 PHC string; hashing is the caller's).
    pub async fn create_account(
        &self,
        actor: &Actor,
        (login, name): (&str, &str),
        password_hash: &str,
        role: Role,
        address: &str,
    ) -> Result<UserId, StoreError> {
        actor.require(Action::Administer)?;
        let (login, name) = (login.trim(), name.trim());
        check_login(login)?;
        if name.is_empty() || name.chars().count() > 50 {
            return Err(StoreError::Invalid("显示名称须为1–50字 / a display name is 1–50 characters".into()));
        }
        let (role_key, unit) = role_name(role);
        let (_turn, mut tx) = self.write_tx().await?;
        if let Some(u) = unit {
            sqlx::query("SELECT 1 FROM units WHERE id = $1")
                .bind(u)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::Invalid("所选责任单位不存在 / the unit chosen does not exist".into()))?;
        }
        let taken = sqlx::query("SELECT 1 FROM users WHERE login = $1")
            .bind(login.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(StoreError::Invalid(format!("登录名“{login}”已被使用 / the login {login} is taken")));
        }
        let row = sqlx::query(
            "INSERT INTO users (login, display_name, password_hash, role, unit_id) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(login.to_string())
        .bind(name.to_string())
        .bind(password_hash.to_string())
        .bind(role_key)
        .bind(unit)
        .fetch_one(&mut *tx)
        .await?;
        let id = UserId(row.try_get(0)?);
        let detail = format!("{login}（{name}，{}）", role.kind().label());
        audit_in(&mut tx, actor, "account_added", &detail, address).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Disables (or enables again) an account; a disabled account's sessions end and it cannot
    /// sign in. The administrator cannot disable their own account.
    pub async fn set_account_disabled(
        &self,
        actor: &Actor,
        user: UserId,
        disabled: bool,
        address: &str,
    ) -> Result<(), StoreError> {
        actor.require(Action::Administer)?;
        if disabled && user == actor.user {
            return Err(StoreError::Invalid("不能停用自己的账号 / you cannot disable your own account".into()));
        }
        let (_turn, mut tx) = self.write_tx().await?;
        let login = login_of(&mut tx, user).await?;
        sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2")
            .bind(disabled.then(now_rfc3339))
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user.0).execute(&mut *tx).await?;
        }
        let action = if disabled { "account_disabled" } else { "account_enabled" };
        audit_in(&mut tx, actor, action, &login, address).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a new password on an account (the administrator hands it over); its sessions end.
    pub async fn reset_password(
        &self,
        actor: &Actor,
        user: UserId,
        password_hash: &str,
        address: &str,
    ) -> Result<(), StoreError> {
        actor.require(Action::Administer)?;
        let (_turn, mut tx) = self.write_tx().await?;
        let login = login_of(&mut tx, user).await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash.to_string())
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user.0).execute(&mut *tx).await?;
        audit_in(&mut tx, actor, "password_reset", &login, address).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a sign-in, a failed one or a lockout (no actor: it happens before one exists).
    pub async fn note_sign_in(
        &self,
        user: Option<UserId>,
        login: &str,
        action: &str,
        address: &str,
    ) -> Result<(), StoreError> {
        let (_turn, mut tx) = self.write_tx().await?;
        let login: String = login.chars().take(64).collect();
        sqlx::query(
            "INSERT INTO audit_log (at, actor_id, login, action, detail, address) VALUES ($1, $2, $3, $4, '', $5)",
        )
        .bind(now_rfc3339())
        .bind(user.map(|u| u.0))
        .bind(login)
        .bind(action.to_string())
        .bind(address.to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A page of the audit log, newest first.
    pub async fn audit_log(
        &self,
        actor: &Actor,
        page: u32,
        per_page: u32,
    ) -> Result<super::Page<AuditEntry>, StoreError> {
        actor.require(Action::ReadAudit)?;
        let total: i64 = sqlx::query("SELECT COUNT(*) FROM audit_log").fetch_one(&self.pool).await?.try_get(0)?;
        let per_page = per_page.clamp(1, 500);
        let pages = (total.max(1) as u64).div_ceil(u64::from(per_page)) as u32;
        let page = page.clamp(1, pages.max(1));
        let rows =
            sqlx::query("SELECT at, login, action, detail, address FROM audit_log ORDER BY id DESC LIMIT $1 OFFSET $2")
                .bind(i64::from(per_page))
                .bind(i64::from(page - 1) * i64::from(per_page))
                .fetch_all(&self.pool)
                .await?;
        let rows = rows
            .iter()
            .map(|r| {
                let action: String = r.try_get(2)?;
                Ok(AuditEntry {
                    at: beijing_time(&r.try_get::<String, _>(0)?),
                    login: r.try_get(1)?,
                    action: AUDIT_ACTIONS
                        .iter()
                        .find(|(k, _)| *k == action)
                        .map_or(action.clone(), |(_, w)| w.to_string()),
                    detail: r.try_get(3)?,
                    address: r.try_get(4)?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(super::Page { rows, total: total as u64, page, per_page })
    }

    /// A role from its key and, for a unit's account, the unit's name (the command line and the
    /// administrator's form say it so).
    pub async fn role_named(&self, key: &str, unit: Option<&str>) -> Result<Role, StoreError> {
        let unit = unit.map(str::trim).filter(|u| !u.is_empty());
        let kind = access::Role::from_key(key.trim()).ok_or_else(|| {
            StoreError::Invalid(format!(
                "未知角色“{key}”，应为 office、hotline、admin、unit 或 leader / unknown role {key:?}"
            ))
        })?;
        Ok(match (kind, unit) {
            (access::Role::Unit, Some(name)) => {
                Role::Unit(self.unit_id(name).await.map_err(|_| {
                    StoreError::Invalid(format!("没有名为“{name}”的责任单位 / no unit is named {name}"))
                })?)
            }
            (access::Role::Unit, None) => {
                return Err(StoreError::Invalid("责任单位账号须选择单位 / a unit's account needs its unit".into()));
            }
            (_, Some(_)) => {
                return Err(StoreError::Invalid(
                    "只有责任单位账号选择单位 / only a unit's account names a unit".into(),
                ));
            }
            (access::Role::Office, None) => Role::Office,
            (access::Role::Hotline, None) => Role::Hotline,
            (access::Role::Admin, None) => Role::Admin,
            (access::Role::Leader, None) => Role::Leader,
        })
    }
}

/// A stored RFC 3339 moment as China's clock reads it, to the second ("2019-07-01 09:30:00").
fn beijing_time(stored: &str) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::OffsetDateTime::parse(stored, &time::format_description::well_known::Rfc3339)
        .ok()
        .and_then(|t| t.to_offset(time::macros::offset!(+8)).format(&format).ok())
        .unwrap_or_else(|| stored.to_string())
}

async fn login_of(tx: &mut sqlx::Transaction<'static, sqlx::Any>, user: UserId) -> Result<String, StoreError> {
    let row = sqlx::query("SELECT login FROM users WHERE id = $1 AND login <> 'public'")
        .bind(user.0)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(row.try_get(0)?)
}

/// A line of the audit log by `actor`, in the transaction of the change it records.
async fn audit_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    actor: &Actor,
    action: &str,
    detail: &str,
    address: &str,
) -> Result<(), StoreError> {
    let login = login_of(tx, actor.user).await?;
    sqlx::query("INSERT INTO audit_log (at, actor_id, login, action, detail, address) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(now_rfc3339())
        .bind(actor.user.0)
        .bind(login)
        .bind(action.to_string())
        .bind(detail.to_string())
        .bind(address.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}
