//! The JSON API's routes and its OpenAPI document, made in one place: every /api/v1 route is
//! registered here through `routes!`, which takes the operation from the handler's
//! `#[utoipa::path]` (its path, parameters, body and answers, with the schemas of the very types the
//! handler reads and writes), so the router and the document cannot differ.

use std::sync::{Arc, OnceLock};

use axum::extract::DefaultBodyLimit;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoResponses, Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{AppState, api, bulletins, casework, exports, filings, reports, supervision};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "duban API",
        description = "督办: the supervision ledger, casework and filings. Sign in with POST /api/v1/login and send \
                       the token as `Authorization: Bearer …`. A browser session's cookie works too, with the \
                       `X-CSRF-Token` header on every change. Errors have one shape (`Error`)."
    ),
    modifiers(&BearerToken),
    security(("bearer" = [])),
    components(schemas(ErrorBody))
)]
struct ApiDoc;

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The one shape of every API error.
#[derive(Serialize, ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    /// The status's reason phrase (Bad Request, Conflict …).
    pub error: String,
    /// What went wrong, in Chinese and English.
    pub message: String,
    /// On 409: the matter's current version, to retry with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
}

/// The answers every API operation may give besides its success, all in the `Error` shape.
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum Errors {
    #[response(status = 400, description = "a field or parameter is not valid (the message names it)")]
    BadRequest(ErrorBody),
    #[response(status = 401, description = "not signed in")]
    Unauthenticated(ErrorBody),
    #[response(status = 403, description = "the caller's role may not do this, or the matter is not the caller's")]
    Forbidden(ErrorBody),
    #[response(status = 404, description = "no such thing, or not one the caller may see")]
    NotFound(ErrorBody),
    #[response(status = 409, description = "stale version; `current_version` says the current one")]
    Conflict(ErrorBody),
    #[response(status = 413, description = "the body is over the limit")]
    TooLarge(ErrorBody),
    #[response(status = 422, description = "refused: the lifecycle or a rule says no, or a value is out of bounds")]
    Refused(ErrorBody),
    #[response(status = 429, description = "too many tries; wait")]
    TooMany(ErrorBody),
}

/// The API's router; its document, made from the same registrations, is kept for `document`.
pub fn routes() -> axum::Router<Arc<AppState>> {
    let upload = crate::store::MAX_ATTACHMENT_BYTES + (64 << 10);
    let report = reports::MAX_REPORT_BYTES + (64 << 10);
    let api = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(document))
        .routes(routes!(api::login))
        .routes(routes!(api::matters))
        .routes(routes!(api::matter))
        .routes(routes!(api::record))
        .routes(routes!(api::split))
        .merge(OpenApiRouter::new().routes(routes!(api::attach)).layer(DefaultBodyLimit::max(upload)))
        .routes(routes!(supervision::api_evidence))
        .routes(routes!(api::dashboard))
        .merge(OpenApiRouter::new().routes(routes!(api::adopt)).layer(DefaultBodyLimit::max(reports::MAX_ADOPT_BYTES)))
        .merge(OpenApiRouter::new().routes(routes!(api::preview)).layer(DefaultBodyLimit::max(report)))
        .routes(routes!(api::campaigns, api::create_campaign))
        .routes(routes!(api::units))
        .routes(routes!(api::set_webhook))
        .routes(routes!(exports::api_download))
        .routes(routes!(casework::intake))
        .routes(routes!(casework::detail))
        .routes(routes!(casework::dispatch))
        .routes(routes!(casework::categories, casework::import_catalogue))
        .routes(routes!(casework::open311_key))
        .routes(routes!(casework::metrics))
        .routes(routes!(casework::answers, casework::add_answer))
        .routes(routes!(filings::api_complaints, filings::api_import_complaints))
        .routes(routes!(filings::api_proposals, filings::api_file_proposal))
        .routes(routes!(bulletins::api_register, bulletins::api_issue));
    let (router, document) = api.split_for_parts();
    DOCUMENT.get_or_init(|| document.to_json().unwrap_or_default());
    router
}

/// The document as served: the one the routes were registered with.
static DOCUMENT: OnceLock<String> = OnceLock::new();

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "api", security(()),
    responses((status = 200, description = "the OpenAPI 3.1 document of this API", body = Object)))]
pub async fn document() -> Response {
    let document = DOCUMENT.get().map_or("", String::as_str);
    ([(axum::http::header::CONTENT_TYPE, "application/json")], document).into_response()
}

/// A matter as its reader sees it: the matter, its warning and its timeline (the part every view
/// of one matter shares).
#[derive(Serialize, ToSchema)]
pub struct Followed {
    pub matter: duban_core::Matter,
    pub warning: duban_core::warning::Assessment,
    pub timeline: Vec<duban_core::Event>,
}

/// `{"matter": …}`: a matter after a change.
#[derive(Serialize, ToSchema)]
pub struct MatterBody {
    pub matter: duban_core::Matter,
}
