//! Inspection complaints and deputies' proposals: the office's pages (import a batch of complaints
//! from the inspection team's .xlsx; file a proposal), the public ledgers (办结销号 of complaints; the
//! handler and result of each non-confidential proposal), and their JSON API.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use duban_core::access::Action;
use duban_core::matter::Status;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::form::{Chrome, check_csrf, done, render};
use super::openapi::Errors;
use super::{AppError, AppState, api, authenticate};
use crate::store::{ComplaintsLedger, NewComplaint, NewProposal, PublicComplaint, PublicProposal};

#[derive(Template)]
#[template(path = "complaints.html")]
struct ComplaintsPage {
    chrome: Chrome,
    office: bool,
    public: bool,
    rows: Vec<PublicComplaint>,
    total: usize,
    closed: usize,
    open: u64,
}

fn complaints_page(chrome: Chrome, ledger: ComplaintsLedger) -> Response {
    let closed = ledger.rows.iter().filter(|r| r.status == Status::Done).count();
    render(&ComplaintsPage {
        public: chrome.who.is_none(),
        office: chrome.supervise,
        chrome,
        total: closed + ledger.open as usize,
        closed,
        open: ledger.open,
        rows: ledger.rows,
    })
}

#[derive(Deserialize, Default, IntoParams)]
pub struct BatchQuery {
    /// A batch's name (default: every batch).
    #[serde(default)]
    batch: String,
}

/// The public ledger of inspection complaints: each with its unit, deadline and whether it was
/// closed (办结销号).
pub async fn public_complaints(
    State(state): State<Arc<AppState>>,
    Query(q): Query<BatchQuery>,
) -> Result<Response, AppError> {
    let ledger = state.store.complaints_ledger(None, Some(q.batch.as_str()).filter(|b| !b.is_empty())).await?;
    Ok(complaints_page(Chrome::default(), ledger))
}

pub async fn complaints(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    let ledger = state.store.complaints_ledger(Some(&actor), None).await?;
    Ok(complaints_page(Chrome::of(&actor, csrf).with_flash(&headers), ledger))
}

/// Multipart: csrf, batch, file (.xlsx: 编号, 信访内容, 交办日期, 责任单位, 办理时限).
pub async fn import_complaints(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    form: Multipart,
) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    let upload = super::supervision::read_upload(form).await?;
    check_csrf(&csrf, upload.field("csrf"))?;
    let (name, bytes) = upload.file().ok_or_else(|| AppError::BadRequest("请选择文件 / choose a file".into()))?;
    let rows = crate::sheets::read_complaints(name, bytes).map_err(|e| AppError::BadRequest(format!("{e:#}")))?;
    state.store.import_complaints(&actor, upload.field("batch"), &rows, state.today()).await?;
    Ok(done("/complaints", "imported", Some(rows.len())))
}

#[derive(Template)]
#[template(path = "proposals.html")]
struct ProposalsPage {
    chrome: Chrome,
    office: bool,
    rows: Vec<PublicProposal>,
    units: Vec<String>,
}

pub async fn public_proposals(State(state): State<Arc<AppState>>) -> Result<Response, AppError> {
    let rows = state.store.proposals(None, None).await?;
    Ok(render(&ProposalsPage { chrome: Chrome::default(), office: false, rows, units: Vec::new() }))
}

pub async fn proposals(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    let rows = state.store.proposals(Some(&actor), None).await?;
    let units = state.store.units().await?.into_iter().map(|u| u.1).collect();
    Ok(render(&ProposalsPage {
        office: actor.role.may(Action::HandleFilings),
        chrome: Chrome::of(&actor, csrf).with_flash(&headers),
        rows,
        units,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct ProposalForm {
    /// The form's CSRF token (pages only).
    #[serde(default)]
    #[schema(ignore)]
    csrf: String,
    number: String,
    session: String,
    /// 议案, 建议 or 提案.
    #[schema(pattern = "^(议案|建议|提案)$")]
    proposal_kind: String,
    /// Names separated by 、 or commas.
    proposers: String,
    title: String,
    #[serde(default)]
    content: String,
    lead_unit: String,
    #[serde(default)]
    co_units: String,
    #[serde(default)]
    confidential: Option<String>,
}

impl ProposalForm {
    fn proposal(&self) -> NewProposal {
        let list = |s: &str| {
            s.split(['、', ',', '，', ' ']).map(str::trim).filter(|x| !x.is_empty()).map(str::to_string).collect()
        };
        NewProposal {
            number: self.number.clone(),
            session: self.session.clone(),
            proposal_kind: self.proposal_kind.clone(),
            proposers: list(&self.proposers),
            title: self.title.clone(),
            content: self.content.clone(),
            lead_unit: self.lead_unit.clone(),
            co_units: list(&self.co_units),
            confidential: self.confidential.is_some(),
        }
    }
}

fn limits(state: &AppState, proposal_kind: &str) -> (u32, u32) {
    let l = &state.casework.time_limits;
    (l.reply_days(proposal_kind), l.proposal_opinion_days)
}

pub async fn file_proposal(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Form(form): Form<ProposalForm>,
) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    check_csrf(&csrf, &form.csrf)?;
    let id =
        state.store.file_proposal(&actor, &form.proposal(), state.today(), limits(&state, &form.proposal_kind)).await?;
    Ok(Redirect::to(&format!("/matters/{}", id.0)).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct ComplaintsBody {
    batch: String,
    rows: Vec<ComplaintRow>,
}

#[derive(Deserialize, ToSchema)]
pub struct ComplaintRow {
    number: String,
    content: String,
    assigned_on: time::Date,
    unit: String,
    deadline: time::Date,
}

/// The matters a batch created.
#[derive(Serialize, ToSchema)]
pub struct Created {
    matters: Vec<duban_core::MatterId>,
}

/// Office: import a batch of inspection complaints, all or none.
#[utoipa::path(post, path = "/api/v1/complaints", tag = "filings", request_body = ComplaintsBody,
    responses((status = 200, body = Created), Errors))]
pub async fn api_import_complaints(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Json(body): Json<ComplaintsBody>,
) -> Response {
    api(StatusCode::OK, async {
        let (actor, _) = authenticate(&state, &headers).await?;
        let rows: Vec<NewComplaint> = body
            .rows
            .into_iter()
            .map(|r| NewComplaint {
                number: r.number,
                content: r.content,
                assigned_on: r.assigned_on,
                unit: r.unit,
                deadline: r.deadline,
            })
            .collect();
        let ids = state.store.import_complaints(&actor, &body.batch, &rows, state.today()).await?;
        Ok(Created { matters: ids })
    })
    .await
}

/// The public ledger of inspection complaints.
#[derive(Serialize, ToSchema)]
pub struct Complaints {
    total: u64,
    closed: u64,
    open: u64,
    /// The closed ones with their outcome.
    complaints: Vec<PublicComplaint>,
}

/// The public ledger of inspection complaints: closed ones with their outcome, a count of the others.
#[utoipa::path(get, path = "/api/v1/complaints", tag = "filings", security(()), params(BatchQuery),
    responses((status = 200, body = Complaints), Errors))]
pub async fn api_complaints(State(state): State<Arc<AppState>>, Query(q): Query<BatchQuery>) -> Response {
    api(StatusCode::OK, async {
        // The public's ledger: closed complaints with their outcome, and a count of the others.
        let ledger = state.store.complaints_ledger(None, Some(q.batch.as_str()).filter(|b| !b.is_empty())).await?;
        let closed = ledger.rows.len() as u64;
        Ok(Complaints { total: closed + ledger.open, closed, open: ledger.open, complaints: ledger.rows })
    })
    .await
}

#[derive(Serialize, ToSchema)]
pub struct Filed {
    matter: duban_core::MatterId,
}

/// Office: file a deputy's proposal (议案/建议/提案) with its 主办 and 会办 units.
#[utoipa::path(post, path = "/api/v1/proposals", tag = "filings", request_body = ProposalForm,
    responses((status = 201, body = Filed), Errors))]
pub async fn api_file_proposal(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Json(body): Json<ProposalForm>,
) -> Response {
    api(StatusCode::CREATED, async {
        let (actor, _) = authenticate(&state, &headers).await?;
        let id = state
            .store
            .file_proposal(&actor, &body.proposal(), state.today(), limits(&state, &body.proposal_kind))
            .await?;
        Ok(Filed { matter: id })
    })
    .await
}

#[derive(Serialize, ToSchema)]
pub struct Proposals {
    proposals: Vec<PublicProposal>,
}

/// Proposals with their handler and result (all for the office; the public's view otherwise).
#[utoipa::path(get, path = "/api/v1/proposals", tag = "filings", security((), ("bearer" = [])),
    responses((status = 200, body = Proposals), Errors))]
pub async fn api_proposals(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    api(StatusCode::OK, async {
        // Signed in as the office: all of them; otherwise the public's view.
        let actor = authenticate(&state, &headers).await.ok().map(|(a, _)| a);
        Ok(Proposals { proposals: state.store.proposals(actor.as_ref(), None).await? })
    })
    .await
}
