//! The register of bulletins (督查通报): the office issues one for a period (by default the last
//! complete month), numbered per year, with the issuing office and date of the configuration; each
//! is kept as issued and downloaded again unchanged. A preview (not numbered, not kept) is an
//! export.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use duban_core::access::Action;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use super::exports::{DOCX, Period, bulletin_bytes, file, last_complete_month, ledger_as_of};
use super::form::{Chrome, check_csrf, done, render, require};
use super::openapi::Errors;
use super::{AppError, AppState, api, authenticate};
use crate::store::{IssuedBulletin, NewBulletin};

#[derive(Template)]
#[template(path = "bulletins.html")]
struct RegisterPage {
    chrome: Chrome,
    issued: Vec<IssuedBulletin>,
    from: String,
    to: String,
    issuer: String,
    title: String,
    next_issue: String,
}

pub async fn register(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    let issued = state.store.bulletins(&actor).await?;
    let (from, to) = last_complete_month(state.today());
    let year = state.today().year();
    let next = issued.iter().filter(|b| b.year == year).map(|b| b.number).max().unwrap_or(0) + 1;
    Ok(render(&RegisterPage {
        chrome: Chrome::of(&actor, csrf).with_flash(&headers),
        issued,
        from: from.to_string(),
        to: to.to_string(),
        issuer: state.bulletin.issuer.clone(),
        title: state.bulletin.title.clone(),
        next_issue: format!("{year}年第{next}期"),
    }))
}

#[derive(Deserialize)]
pub struct IssueForm {
    csrf: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// Issues the bulletin of a period: numbered, made from the ledger as it stood at the period's
/// end, and kept.
async fn issue_for(state: &AppState, actor: &crate::store::Actor, period: &Period) -> Result<IssuedBulletin, AppError> {
    require(actor, Action::IssueBulletins)?;
    let today = state.today();
    let (from, to) = period.resolve(today)?;
    let year = today.year();
    // The ledger is read first; the document is made in the register's transaction, with the
    // number it is filed under printed in it.
    let ledger = ledger_as_of(state, actor, to).await?;
    let new = NewBulletin {
        year,
        title: state.bulletin.title.clone(),
        issuer: state.bulletin.issuer.clone(),
        issued_on: today,
        from,
        to,
    };
    Ok(state
        .store
        .issue_bulletin(actor, &new, |number| {
            bulletin_bytes(state, &ledger, (from, to), &format!("{year}年第{number}期"), today)
        })
        .await?)
}

pub async fn issue(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Form(form): Form<IssueForm>,
) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    check_csrf(&csrf, &form.csrf)?;
    let b = issue_for(&state, &actor, &Period { from: form.from, to: form.to }).await?;
    Ok(done("/bulletins", "issued", Some(b.number as usize)))
}

/// An issued bulletin's document, exactly as issued.
pub async fn download(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (actor, _) = authenticate(&state, &headers).await?;
    let (b, bytes) = state.store.bulletin(&actor, id).await?;
    file(Ok(bytes), DOCX, format!("{}{}.docx", b.title, b.issue()))
}

/// An issued bulletin as the register lists it.
#[derive(Serialize, ToSchema)]
pub struct Bulletin {
    id: i64,
    year: i32,
    /// Its number in the year.
    number: i64,
    /// 2019年第3期
    issue: String,
    title: String,
    issuer: String,
    issued_on: Date,
    from: Date,
    to: Date,
    issued_by: String,
    /// The document's size in bytes.
    bytes: i64,
    /// Where to download the document as issued.
    document: String,
}

impl From<&IssuedBulletin> for Bulletin {
    fn from(b: &IssuedBulletin) -> Self {
        Bulletin {
            id: b.id,
            year: b.year,
            number: b.number,
            issue: b.issue(),
            title: b.title.clone(),
            issuer: b.issuer.clone(),
            issued_on: b.issued_on,
            from: b.from,
            to: b.to,
            issued_by: b.issued_by.clone(),
            bytes: b.size,
            document: format!("/bulletins/{}", b.id),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Register {
    bulletins: Vec<Bulletin>,
}

/// The register of issued bulletins (督查通报), newest first.
#[utoipa::path(get, path = "/api/v1/bulletins", tag = "ledger", responses((status = 200, body = Register), Errors))]
pub async fn api_register(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    api(StatusCode::OK, async {
        let (actor, _) = authenticate(&state, &headers).await?;
        Ok(Register { bulletins: state.store.bulletins(&actor).await?.iter().map(Bulletin::from).collect() })
    })
    .await
}

#[derive(Deserialize, Default, ToSchema)]
pub struct IssueBody {
    #[serde(default)]
    from: Option<time::Date>,
    #[serde(default)]
    to: Option<time::Date>,
}

/// Office: issue the bulletin of a period (default: the last complete month), numbered 第N期 per
/// year and kept as issued.
#[utoipa::path(post, path = "/api/v1/bulletins", tag = "ledger", request_body = IssueBody,
    responses((status = 201, description = "the issued bulletin", body = Bulletin), Errors))]
pub async fn api_issue(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    axum::Json(body): axum::Json<IssueBody>,
) -> Response {
    api(StatusCode::CREATED, async {
        let (actor, _) = authenticate(&state, &headers).await?;
        let period = Period {
            from: body.from.map(|d| d.to_string()).unwrap_or_default(),
            to: body.to.map(|d| d.to_string()).unwrap_or_default(),
        };
        Ok(Bulletin::from(&issue_for(&state, &actor, &period).await?))
    })
    .await
}
