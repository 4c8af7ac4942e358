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

pub async fn login(State(state): State<Arc<AppState>>, headers: HeaderMap, Form(form): Form<LoginForm>) -> Response {
    if cookie(&headers, LOGIN_CSRF_COOKIE) != Some(form.csrf.as_str()) {
        return AppError::BadRequest("表单已过期，请刷新后重试 / the form expired; reload and try again".into())
            .into_response();
    }
    let refused = || {
        let csrf = random_token();
        let page = render(&LoginPage {
            chrome: Chrome::anonymous(csrf.clone()),
            error: Some("登录名或密码不正确".into()),
        });
        ([(header::SET_COOKIE, format!("{LOGIN_CSRF_COOKIE}={csrf}; HttpOnly; SameSite=Strict; Path=/login"))], page)
            .into_response()
    };
    let Ok((actor, hash)) = state.store.account(&form.login).await else { return refused() };
    if !verify_password(&form.password, &hash) {
        return refused();
    }
    let session = match state.store.open_session(actor.user, time::Duration::hours(12)).await {
        Ok(s) => s,
        Err(e) => return AppError::from(e).into_response(),
    };
    (
        [(
            header::SET_COOKIE,
            format!("{SESSION_COOKIE}={}; HttpOnly; SameSite=Lax; Path=/; Max-Age=43200", session.token),
        )],
        Redirect::to("/"),
    )
        .into_response()
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
