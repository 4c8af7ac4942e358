//! The administrator's pages: accounts (add, disable, enable, reset a password) and the audit log.
//! A new or reset password is generated here and shown once, on the page that answers the form;
//! only its argon2 hash is kept.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{Extensions, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use duban_core::access::{Action, Role as RoleKind};
use serde::Deserialize;

use super::form::{Chrome, check_csrf, done, render, require};
use super::session::address;
use super::{AppError, AppState, authenticate};
use crate::accounts::{generate_password, hash_password};
use crate::store::{Account, Actor, AuditEntry, UserId};

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    chrome: Chrome,
    accounts: Vec<Account>,
    roles: Vec<(&'static str, &'static str)>,
    units: Vec<String>,
    /// The password just made, shown once: (login, password).
    handed: Option<(String, String)>,
    /// Why the form was refused (it comes back with what was typed).
    error: Option<String>,
    form: NewAccount,
}

#[derive(Deserialize, Default, Clone)]
pub struct NewAccount {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    login: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    unit: String,
}

async fn users_page(
    state: &AppState,
    actor: &Actor,
    chrome: Chrome,
    handed: Option<(String, String)>,
    (error, form): (Option<String>, NewAccount),
) -> Result<Response, AppError> {
    let accounts = state.store.accounts(actor).await?;
    let units = state.store.units().await?.into_iter().map(|u| u.1).collect();
    let roles = RoleKind::ALL.iter().map(|r| (r.key(), r.label())).collect();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&UsersPage { chrome, accounts, roles, units, handed, error, form })).into_response())
}

/// GET /admin/users
pub async fn users(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    require(&actor, Action::Administer)?;
    let chrome = Chrome::of(&actor, csrf).with_flash(&headers);
    users_page(&state, &actor, chrome, None, (None, NewAccount::default())).await
}

/// POST /admin/users: a new account with a generated password, shown once.
pub async fn add(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    extensions: Extensions,
    Form(form): Form<NewAccount>,
) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    check_csrf(&csrf, &form.csrf)?;
    require(&actor, Action::Administer)?;
    let made = async {
        let role = state.store.role_named(&form.role, Some(form.unit.as_str())).await?;
        let password = generate_password();
        let hash = hash_password(&password).map_err(|e| crate::store::StoreError::Other(e.to_string()))?;
        state.store.create_account(&actor, (&form.login, &form.name), &hash, role, &address(&extensions)).await?;
        Ok::<_, crate::store::StoreError>(password)
    }
    .await;
    let mut chrome = Chrome::of(&actor, csrf);
    match made {
        Ok(password) => {
            chrome.flash = Some(format!("已新增账号 {}", form.login.trim()));
            let handed = Some((form.login.trim().to_string(), password));
            users_page(&state, &actor, chrome, handed, (None, NewAccount::default())).await
        }
        // The form comes back with what was typed and the reason.
        Err(crate::store::StoreError::Invalid(why)) => {
            users_page(&state, &actor, chrome, None, (Some(why), form)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    csrf: String,
}

/// POST /admin/users/{id}/{disable|enable|password}
pub async fn change(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    extensions: Extensions,
    Path((id, what)): Path<(i64, String)>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    check_csrf(&csrf, &form.csrf)?;
    require(&actor, Action::Administer)?;
    let (user, at) = (UserId(id), address(&extensions));
    match what.as_str() {
        "disable" | "enable" => {
            state.store.set_account_disabled(&actor, user, what == "disable", &at).await?;
            Ok(done("/admin/users", if what == "disable" { "account_disabled" } else { "account_enabled" }, None))
        }
        "password" => {
            let password = generate_password();
            let hash = hash_password(&password).map_err(|e| crate::store::StoreError::Other(e.to_string()))?;
            state.store.reset_password(&actor, user, &hash, &at).await?;
            let login = state.store.accounts(&actor).await?.into_iter().find(|a| a.id == user).map(|a| a.login);
            let mut chrome = Chrome::of(&actor, csrf);
            chrome.flash = Some("密码已重置，原有登录已失效".into());
            users_page(&state, &actor, chrome, login.map(|l| (l, password)), (None, NewAccount::default())).await
        }
        _ => Err(crate::store::StoreError::NotFound.into()),
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    rows: Vec<AuditEntry>,
    total: u64,
    page: u32,
    pages: u32,
}

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<u32>,
}

/// GET /admin/audit
pub async fn audit(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    let log = state.store.audit_log(&actor, q.page.unwrap_or(1), 100).await?;
    let pages = log.pages();
    Ok(render(&AuditPage { chrome: Chrome::of(&actor, csrf), total: log.total, page: log.page, pages, rows: log.rows }))
}
