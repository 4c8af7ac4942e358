//! Signing in and out: the login form with its double-submit token, sessions behind an HttpOnly
//! cookie.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::form::{Chrome, check_csrf, render};
use super::{AppError, AppState, LOGIN_CSRF_COOKIE, SESSION_COOKIE, authenticate, cookie};
use crate::accounts::{random_token, verify_password};
use crate::store::Actor;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    error: Option<String>,
}

pub async fn login_form() -> Response {
    let csrf = random_token();
    let page = render(&LoginPage { chrome: Chrome::anonymous(csrf.clone()), error: None });
    ([(header::SET_COOKIE, format!("{LOGIN_CSRF_COOKIE}={csrf}; HttpOnly; SameSite=Strict; Path=/login"))], page)
        .into_response()
}

#[derive(Deserialize)]
pub struct LoginForm {
    csrf: String,
    login: String,
    password: String,
}

pub async fn login(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    Form(form): Form<LoginForm>,
) -> Response {
    if cookie(&headers, LOGIN_CSRF_COOKIE) != Some(form.csrf.as_str()) {
        return AppError::BadRequest("表单已过期，请刷新后重试 / the form expired; reload and try again".into())
            .into_response();
    }
    let refused = |error: String| {
        let csrf = random_token();
        let page = render(&LoginPage { chrome: Chrome::anonymous(csrf.clone()), error: Some(error) });
        ([(header::SET_COOKIE, format!("{LOGIN_CSRF_COOKIE}={csrf}; HttpOnly; SameSite=Strict; Path=/login"))], page)
            .into_response()
    };
    let actor = match sign_in(&state, &form.login, &form.password, &address(&extensions)).await {
        Ok(actor) => actor,
        Err(AppError::Unauthenticated) => return refused("登录名或密码不正确".into()),
        Err(AppError::TooMany(why)) => return refused(why),
        Err(e) => return e.into_response(),
    };
    let session = match state.store.open_session(actor.user, time::Duration::hours(12)).await {
        Ok(s) => s,
        Err(e) => return AppError::from(e).into_response(),
    };
    (
        [(
            header::SET_COOKIE,
            format!("{SESSION_COOKIE}={}; HttpOnly; SameSite=Lax; Path=/; Max-Age=43200", session.token),
        )],
        Redirect::to(super::form::home(actor.role)),
    )
        .into_response()
}

/// The client's address as the limits count it (`ClientAddress`: the connection's, or the one a
/// trusted proxy names); "" where none is known, as in tests that call the router directly.
pub fn address(extensions: &axum::http::Extensions) -> String {
    extensions.get::<super::ClientAddress>().map(|a| a.0.clone()).unwrap_or_default()
}

/// A password hash that matches nothing, checked for unknown logins so that they take as long as
/// known ones (the time does not tell which logins exist).
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| crate::accounts::hash_password(&random_token()).unwrap_or_default())
}

/// Checks a login and password for the page and the API alike: refused while the login or the
/// address is locked out (even with the right password), the same work for unknown and known
/// logins, every outcome in the audit log.
pub async fn sign_in(state: &AppState, login: &str, password: &str, address: &str) -> Result<Actor, AppError> {
    let now = std::time::Instant::now();
    let login_key = login.trim().to_lowercase();
    let address_key = format!("@{address}");
    // Counted as the attempt begins (taken back on success), so that a burst of attempts made at
    // once is held to the limit too.
    let begun = state.guard.logins.begin(&login_key, now).and_then(|()| {
        state.guard.addresses.begin(&address_key, now).inspect_err(|_| state.guard.logins.undo(&login_key))
    });
    if let Err(left) = begun {
        let minutes = left.as_secs().div_ceil(60);
        return Err(AppError::TooMany(format!(
            "登录失败次数过多，请{minutes}分钟后再试 / too many failed sign-ins; try again in {minutes} minutes"
        )));
    }
    let account = state.store.account(login.trim()).await.ok();
    let hash = account.as_ref().map_or(decoy_hash(), |(_, h)| h.as_str()).to_string();
    let password = password.to_string();
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await.unwrap_or(false);
    match account {
        Some((actor, _)) if matches => {
            state.guard.logins.clear(&login_key);
            state.guard.addresses.undo(&address_key);
            state.store.note_sign_in(Some(actor.user), &login_key, "sign_in", address).await?;
            Ok(actor)
        }
        account => {
            let user = account.map(|(a, _)| a.user);
            let locked = state.guard.logins.locked(&login_key, now).is_some()
                || state.guard.addresses.locked(&address_key, now).is_some();
            state.store.note_sign_in(user, &login_key, "sign_in_failed", address).await?;
            if locked {
                state.store.note_sign_in(user, &login_key, "locked_out", address).await?;
            }
            Err(AppError::Unauthenticated)
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn logout(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    let (_, csrf) = authenticate(&state, &headers).await?;
    check_csrf(&csrf, &form.csrf)?;
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        state.store.close_session(token).await?;
    }
    Ok((
        [(header::SET_COOKIE, format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0"))],
        Redirect::to("/login"),
    )
        .into_response())
}
