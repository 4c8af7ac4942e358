//! The JSON API under /api/v1: the same verbs as the pages, for API clients with a bearer token
//! (from POST /api/v1/login). Errors have one shape: {"error", "message"} (+ "current_version" on 409).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use duban_core::matter::{Change, MatterId};
use duban_core::warning::assess;
use serde::Deserialize;
use time::Date;

use super::{AppError, AppState, authenticate};
use crate::accounts::verify_password;

#[derive(Deserialize)]
pub struct Credentials {
    login: String,
    password: String,
}

/// Exchanges a login and password for a bearer token valid for 12 hours.
pub async fn login(State(state): State<Arc<AppState>>, Json(c): Json<Credentials>) -> Response {
    let Ok((actor, hash)) = state.store.account(&c.login).await else { return AppError::Unauthenticated.json() };
    if !verify_password(&c.password, &hash) {
        return AppError::Unauthenticated.json();
    }
    match state.store.open_session(actor.user, time::Duration::hours(12)).await {
        Ok(s) => {
            Json(serde_json::json!({"token": s.token, "expires_at": s.expires_at, "name": actor.name})).into_response()
        }
        Err(e) => AppError::from(e).json(),
    }
}

pub async fn matters(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let result = async {
        let (actor, _) = authenticate(&state, &headers).await?;
        let today = state.today();
        let rows = state.store.matters_for(&actor).await?;
        let items: Vec<serde_json::Value> = rows
            .into_iter()
            .map(|r| {
                let a = assess(&r.matter, today, &state.rules, 0);
                serde_json::json!({"matter": r.matter, "lead_unit": r.lead_unit_name, "warning": a})
            })
            .collect();
        Ok::<_, AppError>(Json(serde_json::json!({"today": today.to_string(), "matters": items})).into_response())
    };
    result.await.unwrap_or_else(AppError::json)
}

pub async fn matter(State(state): State<Arc<AppState>>, headers: HeaderMap, Path(id): Path<i64>) -> Response {
    let result = async {
        let (actor, _) = authenticate(&state, &headers).await?;
        let (m, events) = state.store.timeline(&actor, MatterId(id)).await?;
        let a = assess(&m, state.today(), &state.rules, 0);
        Ok::<_, AppError>(Json(serde_json::json!({"matter": m, "warning": a, "timeline": events})).into_response())
    };
    result.await.unwrap_or_else(AppError::json)
}

#[derive(Deserialize)]
pub struct NewEvent {
    /// The version the client last saw; a stale one gets 409 with the current version.
    version: i64,
    /// The day the change is about (default: today).
    on: Option<Date>,
    change: Change,
}

pub async fn record(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Json(e): Json<NewEvent>,
) -> Response {
    let result = async {
        let (actor, _) = authenticate(&state, &headers).await?;
        let m = state
            .store
            .record(&actor, MatterId(id), e.version, e.on.unwrap_or_else(|| state.today()), e.change)
            .await?;
        Ok::<_, AppError>(Json(serde_json::json!({"matter": m})).into_response())
    };
    result.await.unwrap_or_else(AppError::json)
}

/// The OpenAPI document of what exists so far.
pub async fn openapi() -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "openapi": "3.1.0",
        "info": {"title": "duban API", "version": env!("CARGO_PKG_VERSION")},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": {"type": "object", "required": ["error", "message"], "properties": {
                "error": {"type": "string"}, "message": {"type": "string"}, "current_version": {"type": "integer"}}}}},
        "security": [{"bearer": []}],
        "paths": {
            "/api/v1/login": {"post": {"summary": "Sign in; returns a bearer token", "security": [],
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["login", "password"],
                    "properties": {"login": {"type": "string"}, "password": {"type": "string"}}}}}},
                "responses": {"200": {"description": "token"}, "401": {"description": "wrong login or password"}}}},
            "/api/v1/matters": {"get": {"summary": "The matters the caller may see, with their warnings",
                "responses": {"200": {"description": "list"}, "401": {"description": "not signed in"}}}},
            "/api/v1/matters/{id}": {"get": {"summary": "One matter with its warning and timeline",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "matter"}, "404": {"description": "no such matter, or not the caller's"}}}},
            "/api/v1/matters/{id}/events": {"post": {"summary": "Record a change (progress, reminder, sign-off …)",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["version", "change"],
                    "properties": {"version": {"type": "integer"}, "on": {"type": "string", "format": "date"},
                        "change": {"type": "object", "description": "{\"type\": \"progress_reported\", \"value\": 2310, \"narrative\": \"…\"} and the other changes of duban-core"}}}}}},
                "responses": {"200": {"description": "the matter after the change"}, "403": {"description": "not the caller's to change"},
                    "404": {"description": "no such matter"}, "409": {"description": "stale version; body has current_version"},
                    "422": {"description": "the lifecycle refuses it"}}}}
        }
    }))
}
