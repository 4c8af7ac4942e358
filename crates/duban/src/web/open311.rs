//! Open311 GeoReport v2 under /open311/v2: service discovery, the services (our category catalogue,
//! with the request type as an attribute), filing a request (api_key required) and reading requests
//! back, in JSON and XML, with the specification's error format. Statuses map honestly onto open /
//! closed; our richer status travels in the extension field `duban_status`. No caller's name or
//! phone ever leaves through here, and a confidential request shows no content.

use std::sync::Arc;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use duban_core::casework::{REQUEST_TYPES, RequestType};
use duban_core::matter::Status;
use serde_json::{Value, json};
use time::Date;

use super::AppState;
use crate::store::{Channel, NewRequest, PublicFilter, PublicRequest, StoreError};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Xml,
}

/// Splits "services.json" into ("services", Json); an unknown extension is an error.
fn format_of(name: &str) -> Result<(&str, Format), Open311Error> {
    if let Some(stem) = name.strip_suffix(".json") {
        Ok((stem, Format::Json))
    } else if let Some(stem) = name.strip_suffix(".xml") {
        Ok((stem, Format::Xml))
    } else {
        Err(Open311Error(StatusCode::NOT_FOUND, "format must be .json or .xml".into(), Format::Json))
    }
}

/// An error in the specification's shape: [{"code", "description"}] or <errors><error>….
struct Open311Error(StatusCode, String, Format);

impl IntoResponse for Open311Error {
    fn into_response(self) -> Response {
        let Open311Error(status, description, format) = self;
        let body = json!([{"code": status.as_u16(), "description": description}]);
        render(status, format, "errors", "error", &body)
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// A JSON value as the XML the specification shows: objects are elements of their keys, arrays
/// repeat `item` elements, nulls are empty elements.
fn xml_value(name: &str, v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            out.push_str(&format!("<{name}>"));
            for (k, v) in map {
                xml_value(k, v, out);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::Array(items) => {
            out.push_str(&format!("<{name}>"));
            let item = match name {
                "attributes" => "attribute",
                "values" => "value",
                "endpoints" => "endpoint",
                "formats" => "format",
                _ => "item",
            };
            for v in items {
                xml_value(item, v, out);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::Null => out.push_str(&format!("<{name}/>")),
        Value::String(s) => out.push_str(&format!("<{name}>{}</{name}>", escape(s))),
        other => out.push_str(&format!("<{name}>{other}</{name}>")),
    }
}

/// Renders a body: JSON as it is; XML under `root`, each element of an array body as `item`.
fn render(status: StatusCode, format: Format, root: &str, item: &str, body: &Value) -> Response {
    match format {
        Format::Json => (status, axum::Json(body.clone())).into_response(),
        Format::Xml => {
            let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
            match body {
                Value::Array(items) => {
                    out.push_str(&format!("<{root}>"));
                    for v in items {
                        xml_value(item, v, &mut out);
                    }
                    out.push_str(&format!("</{root}>"));
                }
                v => xml_value(root, v, &mut out),
            }
            (status, [(header::CONTENT_TYPE, "text/xml; charset=utf-8")], out).into_response()
        }
    }
}

fn internal(format: Format) -> impl Fn(StoreError) -> Open311Error {
    move |e| match e {
        StoreError::NotFound => Open311Error(StatusCode::NOT_FOUND, "not found".into(), format),
        StoreError::Forbidden => Open311Error(StatusCode::FORBIDDEN, "forbidden".into(), format),
        StoreError::Invalid(m) => Open311Error(StatusCode::BAD_REQUEST, m, format),
        other => {
            eprintln!("duban: open311: {other}");
            Open311Error(StatusCode::INTERNAL_SERVER_ERROR, "internal error".into(), format)
        }
    }
}

/// A query string as its pairs, repeated names kept; a malformed one is the caller's error.
pub type Pairs = Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>;

/// GET /open311/v2/{discovery,services,requests}.{json,xml}
pub async fn top(state: State<Arc<AppState>>, Path(name): Path<String>, query: Pairs) -> Response {
    match format_of(&name) {
        Ok(("discovery", format)) => discovery(state.public_url.as_deref(), format),
        Ok(("services", _)) => services(state, name).await,
        Ok(("requests", format)) => match query {
            Ok(Query(pairs)) => requests(state, name, &pairs).await,
            Err(e) => bad_query(e, format),
        },
        Ok((_, format)) => Open311Error(StatusCode::NOT_FOUND, "no such resource".into(), format).into_response(),
        Err(e) => e.into_response(),
    }
}

fn bad_query(e: axum::extract::rejection::QueryRejection, format: Format) -> Response {
    Open311Error(StatusCode::BAD_REQUEST, format!("bad query string: {e}"), format).into_response()
}

/// Any other path under /open311/v2: the specification's error shape, in the format its extension
/// asks for (JSON otherwise).
pub async fn unknown(uri: axum::http::Uri) -> Response {
    let path = uri.path();
    let format = if path.ends_with(".xml") { Format::Xml } else { Format::Json };
    Open311Error(StatusCode::NOT_FOUND, format!("no such resource: {path}"), format).into_response()
}

/// GET /open311/v2/tokens/{token}.{json,xml}: duban answers a filing with its request id at once and
/// issues no tokens, so every token is unknown (in the specification's error shape).
pub async fn token(Path(name): Path<String>) -> Response {
    match format_of(&name) {
        Ok((token, format)) => Open311Error(
            StatusCode::NOT_FOUND,
            format!("no such token {token}: service_request_id is returned when a request is filed"),
            format,
        )
        .into_response(),
        Err(e) => e.into_response(),
    }
}

/// GET /open311/v2/services/{code}.{json,xml}
pub async fn service_definition(state: State<Arc<AppState>>, Path(name): Path<String>) -> Response {
    services(state, format!("services/{name}")).await
}

/// GET /open311/v2/requests/{id}.{json,xml}
pub async fn one_request(state: State<Arc<AppState>>, Path(name): Path<String>) -> Response {
    requests(state, format!("requests/{name}"), &[]).await
}

/// The discovery document. Its endpoint is the configured `public_url` (never the request's Host
/// header, which a client chooses); without one, the path alone.
fn discovery(public_url: Option<&str>, format: Format) -> Response {
    let body = json!({
        "changeset": "2019-01-01T00:00:00Z",
        "contact": "12345 政务服务便民热线",
        "key_service": "API keys are issued by the 12345 centre (duban open311 key).",
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": format!("{}/open311/v2", public_url.unwrap_or("")),
            "changeset": "2019-01-01T00:00:00Z",
            "type": "production",
            "formats": ["application/json", "text/xml"]
        }]
    });
    render(StatusCode::OK, format, "discovery", "item", &body)
}

async fn services(State(state): State<Arc<AppState>>, name: String) -> Response {
    let result = async {
        let (stem, format) = format_of(&name)?;
        let categories = state.store.categories().await.map_err(internal(format))?;
        if stem == "services" {
            let list: Vec<Value> = categories
                .iter()
                .filter(|c| c.parent.is_some() || !categories.iter().any(|k| k.parent.as_deref() == Some(c.code.as_str())))
                .map(|c| {
                    let group = c.parent.as_ref().and_then(|p| categories.iter().find(|k| &k.code == p)).map(|k| k.name.clone());
                    json!({"service_code": c.code, "service_name": c.name, "description": c.description, "metadata": true,
                        "type": "realtime", "keywords": "", "group": group.unwrap_or_default()})
                })
                .collect();
            return Ok(render(StatusCode::OK, format, "services", "service", &Value::Array(list)));
        }
        let Some(code) = stem.strip_prefix("services/") else {
            return Err(Open311Error(StatusCode::NOT_FOUND, "no such resource".into(), format));
        };
        let Some(c) = categories.iter().find(|c| c.code == code) else {
            return Err(Open311Error(StatusCode::NOT_FOUND, format!("no service {code}"), format));
        };
        let values: Vec<Value> = REQUEST_TYPES.iter().map(|t| json!({"key": t.key(), "name": t.label()})).collect();
        let body = json!({"service_code": c.code, "attributes": [
            {"variable": true, "code": "request_type", "datatype": "singlevaluelist", "required": false,
             "datatype_description": "诉求类型（缺省为求助）", "order": 1, "description": "诉求类型 / type of request", "values": values},
            {"variable": true, "code": "place", "datatype": "string", "required": false, "datatype_description": "街道或镇",
             "order": 2, "description": "所在街道或镇 / the street or town"},
            {"variable": true, "code": "urgent", "datatype": "singlevaluelist", "required": false, "datatype_description": "",
             "order": 3, "description": "是否紧急 / urgent", "values": [{"key": "false", "name": "否"}, {"key": "true", "name": "是"}]}
        ]});
        Ok(render(StatusCode::OK, format, "service_definition", "item", &body))
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

fn status_of(s: Status) -> &'static str {
    if s.is_closed() { "closed" } else { "open" }
}

/// How much of a request's location Open311 publishes ([open311] address): nothing, the street or
/// town it is in (the default), or the address and coordinates the caller gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AddressLevel {
    None,
    #[default]
    Place,
    Full,
}

/// The Open311 settings ([open311]).
#[derive(Debug, Clone, PartialEq, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Open311Config {
    pub address: AddressLevel,
}

/// A stored moment (RFC 3339, any offset) on China's clock to the second, the one format Open311
/// answers in.
fn beijing(t: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]+08:00");
    t.to_offset(time::macros::offset!(+8)).format(&format).unwrap_or_default()
}

fn request_json(r: &PublicRequest, level: AddressLevel) -> Value {
    let china = time::macros::offset!(+8);
    let requested = time::OffsetDateTime::parse(&r.received_at, &time::format_description::well_known::Rfc3339).ok();
    // Updated on a day: never before the request itself.
    let updated = r.updated_on.map(|d| {
        let start = d.midnight().assume_offset(china);
        requested.map_or(start, |q| start.max(q))
    });
    let key = serde_json::to_value(r.status).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    let deadline = r.deadline.map(|d| d.to_string()).unwrap_or_default();
    // A confidential request's type (举报) is not published either.
    let notice = if r.confidential {
        format!("办理时限{deadline}")
    } else {
        format!("{}，办理时限{deadline}", r.request_type.label())
    };
    let (address, lat, lon) = match level {
        AddressLevel::Full => (r.address.clone(), r.lat, r.lon),
        AddressLevel::Place => (r.place.clone().filter(|_| !r.confidential), None, None),
        AddressLevel::None => (None, None, None),
    };
    json!({
        "service_request_id": r.number,
        "status": status_of(r.status),
        "duban_status": key,
        "status_notes": r.reply,
        "service_name": r.category_name,
        "service_code": r.category,
        "description": r.content,
        "agency_responsible": r.unit,
        "service_notice": notice,
        "requested_datetime": requested.map(beijing).unwrap_or_else(|| r.received_at.clone()),
        "updated_datetime": updated.map(beijing),
        "expected_datetime": r.deadline.map(|d| format!("{d}T23:59:59+08:00")),
        "address": address,
        // The client's own identifier of an address locates it as well as the address does.
        "address_id": if r.confidential || level != AddressLevel::Full { None } else { r.address_id.clone() },
        "zipcode": null,
        "lat": lat,
        "long": lon,
        "media_url": if r.confidential { None } else { r.media_url.clone() }
    })
}

/// Every value of a parameter, repeated or comma-separated (`service_code=a,b&service_code=c`).
fn values(pairs: &[(String, String)], name: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .flat_map(|(_, v)| v.split(','))
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

/// A W3C datetime (2019-07-01T08:00:00+08:00, …Z, or a day alone) as the day it falls on by
/// China's clock, where the requests are counted.
fn date_param(pairs: &[(String, String)], name: &str, format: Format) -> Result<Option<Date>, Open311Error> {
    let Some(s) = values(pairs, name).pop() else { return Ok(None) };
    let bad = || Open311Error(StatusCode::BAD_REQUEST, format!("{name} must be a W3C datetime: {s}"), format);
    if let Ok(t) = time::OffsetDateTime::parse(&s, &time::format_description::well_known::Rfc3339) {
        return Ok(Some(t.to_offset(time::macros::offset!(+8)).date()));
    }
    Date::parse(&s, time::macros::format_description!("[year]-[month]-[day]")).map(Some).map_err(|_| bad())
}

async fn requests(State(state): State<Arc<AppState>>, name: String, pairs: &[(String, String)]) -> Response {
    let result = async {
        let (stem, format) = format_of(&name)?;
        let mut filter = PublicFilter { limit: 1000, ..PublicFilter::default() };
        if stem == "requests" {
            filter.numbers = values(pairs, "service_request_id");
            // Ids given, the other filters do not apply (as the specification says).
            if filter.numbers.is_empty() {
                filter.categories = values(pairs, "service_code");
                filter.from = date_param(pairs, "start_date", format)?;
                filter.to = date_param(pairs, "end_date", format)?;
                // At most 90 days: the last 90 without dates, the 90 before an end, after a start.
                let today = state.today();
                let ninety = time::Duration::days(90);
                match (filter.from, filter.to) {
                    (None, None) => filter.from = Some(today - ninety),
                    (None, Some(to)) => filter.from = Some(to - ninety),
                    (Some(from), None) => filter.to = Some((from + ninety).min(today)),
                    (Some(from), Some(to)) if to - from > ninety => filter.from = Some(to - ninety),
                    _ => {}
                }
                let statuses = values(pairs, "status");
                filter.open = match (statuses.iter().any(|s| s == "open"), statuses.iter().any(|s| s == "closed")) {
                    _ if statuses.iter().any(|s| s != "open" && s != "closed") => {
                        return Err(Open311Error(
                            StatusCode::BAD_REQUEST,
                            format!("unknown status {statuses:?}"),
                            format,
                        ));
                    }
                    (true, false) => Some(true),
                    (false, true) => Some(false),
                    _ => None,
                };
            }
        } else if let Some(id) = stem.strip_prefix("requests/") {
            filter.numbers = vec![id.to_string()];
        } else {
            return Err(Open311Error(StatusCode::NOT_FOUND, "no such resource".into(), format));
        }
        let list = state.store.public_requests(&filter).await.map_err(internal(format))?;
        if stem != "requests" && list.is_empty() {
            return Err(Open311Error(StatusCode::NOT_FOUND, format!("no request {}", filter.numbers[0]), format));
        }
        let level = state.open311.address;
        let body = Value::Array(list.iter().map(|r| request_json(r, level)).collect());
        Ok(render(StatusCode::OK, format, "service_requests", "request", &body))
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

pub async fn file(
    State(state): State<Arc<AppState>>,
    Path(name): Path<String>,
    query: Pairs,
    form: Result<Form<Vec<(String, String)>>, axum::extract::rejection::FormRejection>,
) -> Response {
    let result = async {
        let (stem, format) = format_of(&name)?;
        if stem != "requests" {
            return Err(Open311Error(StatusCode::NOT_FOUND, "no such resource".into(), format));
        }
        // The specification's error shape for a body that is not a form, too.
        let Form(fields) = form.map_err(|e| {
            Open311Error(
                StatusCode::BAD_REQUEST,
                format!("the body must be application/x-www-form-urlencoded: {e}"),
                format,
            )
        })?;
        // `api_key` and `jurisdiction_id` may come in the query string (some clients send them there).
        let from_query = match query {
            Ok(Query(pairs)) => pairs,
            Err(e) => return Ok(bad_query(e, format)),
        };
        let get = |k: &str| {
            fields
                .iter()
                .chain(from_query.iter().filter(|(n, _)| n == "api_key" || n == "jurisdiction_id"))
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.trim())
                .filter(|v| !v.is_empty())
        };
        let key =
            get("api_key").ok_or_else(|| Open311Error(StatusCode::FORBIDDEN, "api_key is required".into(), format))?;
        if state.store.api_key(key).await.map_err(internal(format))?.is_none() {
            return Err(Open311Error(StatusCode::FORBIDDEN, "invalid api_key".into(), format));
        }
        let code = get("service_code")
            .ok_or_else(|| Open311Error(StatusCode::BAD_REQUEST, "service_code is required".into(), format))?;
        let categories = state.store.categories().await.map_err(internal(format))?;
        if !categories.iter().any(|c| c.code == code) {
            return Err(Open311Error(StatusCode::BAD_REQUEST, format!("service_code {code} not found"), format));
        }
        let number = |k: &str| get(k).map(|v| v.parse::<f64>()).transpose();
        let (lat, lon) = match (number("lat"), number("long")) {
            (Ok(lat), Ok(lon)) => (lat, lon),
            _ => return Err(Open311Error(StatusCode::BAD_REQUEST, "lat and long must be numbers".into(), format)),
        };
        if lat.is_some_and(|v| !(-90.0..=90.0).contains(&v)) || lon.is_some_and(|v| !(-180.0..=180.0).contains(&v)) {
            return Err(Open311Error(
                StatusCode::BAD_REQUEST,
                "lat must be within ±90 and long within ±180 (WGS84)".into(),
                format,
            ));
        }
        let address = get("address_string").or(get("address_id"));
        let media_url = get("media_url").map(str::to_string);
        if media_url
            .as_deref()
            .is_some_and(|u| !(u.starts_with("https://") || u.starts_with("http://")) || u.len() > 1000)
        {
            return Err(Open311Error(StatusCode::BAD_REQUEST, "media_url must be an http(s) URL".into(), format));
        }
        if (lat.is_none() || lon.is_none()) && address.is_none() {
            return Err(Open311Error(
                StatusCode::BAD_REQUEST,
                "a location is required: lat and long, address_string or address_id".into(),
                format,
            ));
        }
        let attribute = |k: &str| get(&format!("attribute[{k}]"));
        let request_type = match attribute("request_type") {
            None => RequestType::Help,
            Some(t) => RequestType::parse(t).ok_or_else(|| {
                Open311Error(
                    StatusCode::BAD_REQUEST,
                    format!("attribute[request_type] {t:?} is not one of the values"),
                    format,
                )
            })?,
        };
        // A Chinese name is family name then given name, written together; a Latin one given name
        // first, with a space.
        let (first, last) = (get("first_name"), get("last_name"));
        let latin = [first, last].into_iter().flatten().any(|n| n.chars().any(|c| c.is_ascii_alphabetic()));
        let name = if latin {
            [first, last].into_iter().flatten().collect::<Vec<_>>().join(" ")
        } else {
            [last, first].into_iter().flatten().collect::<Vec<_>>().join("")
        };
        let r = NewRequest {
            caller_name: name,
            phone: get("phone").unwrap_or("").to_string(),
            address: get("address_string").unwrap_or("").to_string(),
            content: get("description").unwrap_or("").to_string(),
            request_type,
            category: code.to_string(),
            place: attribute("place").map(str::to_string),
            urgent: match attribute("urgent") {
                None | Some("false") => false,
                Some("true") => true,
                Some(other) => {
                    return Err(Open311Error(
                        StatusCode::BAD_REQUEST,
                        format!("attribute[urgent] {other:?} is not one of the values (true, false)"),
                        format,
                    ));
                }
            },
            confidential: false,
            lat,
            lon,
            media_url,
            address_id: get("address_id").map(str::to_string),
        };
        let received = state
            .store
            .receive(None, Channel::Open311, &r, &state.casework.time_limits, &super::CALENDAR, state.now())
            .await
            .map_err(internal(format))?;
        let body = json!([{"service_request_id": received.number,
            "service_notice": format!("已受理，办理时限{}", received.deadline), "account_id": null}]);
        Ok(render(StatusCode::CREATED, format, "service_requests", "request", &body))
    };
    result.await.unwrap_or_else(IntoResponse::into_response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_is_escaped_and_shaped_as_the_specification_shows() {
        let mut out = String::new();
        xml_value(
            "request",
            &json!({"description": "<b>&'\"\u{1}", "lat": 34.9, "media_url": null, "values": [{"key": "a"}]}),
            &mut out,
        );
        assert_eq!(
            out,
            "<request><description>&lt;b&gt;&amp;&apos;&quot;</description><lat>34.9</lat><media_url/><values><value><key>a</key></value></values></request>"
        );
        assert!(
            format_of("services.json").is_ok()
                && format_of("services.xml").is_ok()
                && format_of("services.html").is_err()
        );
    }
}
