//! The pages of the office's further tools: splitting a matter into sub-matters, evidence files,
//! special campaigns (专项督查) and the units' group-robot webhooks.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use duban_core::access::Action;
use duban_core::matter::{Matter, MatterId};
use duban_core::warning::{Level, assess_all};

use super::form::{Chrome, check_csrf, done, render, require};
use super::{AppError, AppState, authenticate, parse_date};
use crate::store::{NewShare, UnitId};

/// Reads the split form's lines: "单位 份额 [完成时限]", e.g. "傅庄街道 40% 2019-10-31". Shares are
/// percentages ("40%", "40") or fractions ("0.4"); when no line gives one, the shares are equal.
pub fn parse_shares(text: &str, unit: impl Fn(&str) -> Option<UnitId>) -> Result<Vec<NewShare>, String> {
    let mut shares = Vec::new();
    let mut given = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let line_no = n + 1;
        let mut parts = line.split_whitespace();
        let name = parts.next().unwrap_or("");
        let id =
            unit(name).ok_or_else(|| format!("第{line_no}行：没有单位“{name}” / line {line_no}: no unit {name:?}"))?;
        let (mut weight, mut deadline) = (None, None);
        for p in parts {
            if let Ok(Some(d)) = parse_date(p, "完成时限") {
                deadline = Some(d);
                continue;
            }
            let number = p.trim_end_matches(['%', '％']);
            let v: f64 = number.parse().map_err(|_| {
                format!(
                    "第{line_no}行：“{p}”既不是份额也不是日期 / line {line_no}: {p:?} is neither a share nor a date"
                )
            })?;
            weight = Some(if p.ends_with(['%', '％']) || v > 1.0 { v / 100.0 } else { v });
        }
        given.push(weight.is_some());
        shares.push(NewShare { unit: id, weight: weight.unwrap_or(0.0), deadline });
    }
    if shares.is_empty() {
        return Err("请每行填写一个单位 / give one unit per line".into());
    }
    if given.iter().all(|g| !g) {
        let each = 1.0 / shares.len() as f64;
        shares.iter_mut().for_each(|s| s.weight = each);
    } else if given.iter().any(|g| !g) {
        return Err(
            "请为每个单位都填写份额，或都不填（平均分配）/ give every unit a share, or none (equal shares)".into()
        );
    }
    Ok(shares)
}

#[derive(serde::Deserialize)]
pub struct SplitForm {
    csrf: String,
    version: i64,
    shares: String,
    #[serde(default)]
    follow_worst: Option<String>,
}

pub async fn split(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<SplitForm>,
) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    check_csrf(&csrf, &form.csrf)?;
    let units = state.store.units().await?;
    let shares = parse_shares(&form.shares, |name| units.iter().find(|u| u.1 == name).map(|u| u.0))
        .map_err(AppError::BadRequest)?;
    let result = state
        .store
        .split(&actor, MatterId(id), form.version, &shares, form.follow_worst.is_some(), state.today())
        .await;
    match result {
        Ok(_) => Ok(done(&format!("/matters/{id}"), "split", None)),
        Err(e) => super::matter::refused(&state, &actor, csrf, id, e.into(), Default::default()).await,
    }
}

/// A multipart form's fields: the small ones as text, the files as bytes with their names.
pub(super) struct Upload {
    pub fields: Vec<(String, String)>,
    pub files: Vec<(String, Vec<u8>)>,
}

pub(super) async fn read_upload(mut form: Multipart) -> Result<Upload, AppError> {
    let mut upload = Upload { fields: Vec::new(), files: Vec::new() };
    let failed = |_: axum::extract::multipart::MultipartError| {
        AppError::BadRequest(
            "上传未完成：文件可能超过大小上限（佐证材料10 MB，报告20 MB）或上传中断，请检查后重试 / the upload did not complete: the file may be over the limit (evidence 10 MB, reports 20 MB) or the connection broke"
                .into(),
        )
    };
    while let Some(field) = form.next_field().await.map_err(failed)? {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("").to_string();
            let data = field.bytes().await.map_err(failed)?;
            upload.files.push((file_name, data.to_vec()));
        } else {
            let data = field.bytes().await.map_err(failed)?;
            upload.fields.push((name, String::from_utf8_lossy(&data).into_owned()));
        }
    }
    Ok(upload)
}

impl Upload {
    pub fn field(&self, name: &str) -> &str {
        self.fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
    }

    /// The first file chosen (an empty file input sends a nameless, empty part: not a file).
    pub fn file(&self) -> Option<&(String, Vec<u8>)> {
        self.files.iter().find(|(n, b)| !n.is_empty() || !b.is_empty())
    }
}

pub async fn upload(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    form: Multipart,
) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    let upload = read_upload(form).await?;
    check_csrf(&csrf, upload.field("csrf"))?;
    let version = upload
        .field("version")
        .parse()
        .map_err(|_| AppError::BadRequest("表单缺少版本号，请刷新页面 / the form lacks its version; reload".into()))?;
    let (name, bytes) = upload.file().ok_or_else(|| AppError::BadRequest("请选择文件 / choose a file".into()))?;
    match state.store.attach(&actor, MatterId(id), version, name, bytes, state.today()).await {
        Ok(_) => Ok(done(&format!("/matters/{id}"), "evidence", None)),
        Err(e) => super::matter::refused(&state, &actor, csrf, id, e.into(), Default::default()).await,
    }
}

/// An evidence file, for those who may see its matter; always a download, never rendered inline.
#[utoipa::path(get, path = "/api/v1/matters/{id}/attachments/{file}", tag = "ledger",
    params(("id" = i64, Path, description = "the matter's id"), ("file" = String, Path, description = "the file's stored name")),
    responses((status = 200, description = "the file", content_type = "application/octet-stream", body = Vec<u8>), super::openapi::Errors))]
pub async fn api_evidence(state: State<Arc<AppState>>, headers: HeaderMap, path: Path<(i64, String)>) -> Response {
    evidence(state, headers, path).await.unwrap_or_else(AppError::json)
}

/// An evidence file, for the pages.
pub async fn evidence(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((id, file)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    let (actor, _) = authenticate(&state, &headers).await?;
    let (name, mime, bytes) = state.store.attachment(&actor, MatterId(id), &file).await?;
    let disposition = format!("attachment; filename*=UTF-8''{}", super::exports::percent_encode(&name));
    Ok((
        [
            (header::CONTENT_TYPE, mime),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response())
}

struct CampaignRow {
    id: i64,
    name: String,
    deadline: String,
    total: usize,
    done: usize,
    red: usize,
    yellow: usize,
    overdue: bool,
    progress: u32,
}

#[derive(Template)]
#[template(path = "campaigns.html")]
struct CampaignsPage {
    chrome: Chrome,
    campaigns: Vec<CampaignRow>,
}

pub async fn campaigns(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    let today = state.today();
    let matters: Vec<Matter> = state.store.matters_for(&actor).await?.into_iter().map(|r| r.matter).collect();
    let assessments = assess_all(&matters, today, state.rules());
    let campaigns = state
        .store
        .campaigns(&actor)
        .await?
        .into_iter()
        .map(|c| {
            let members: Vec<(&Matter, &duban_core::Assessment)> =
                matters.iter().zip(&assessments).filter(|(m, _)| c.matters.contains(&m.id)).collect();
            let count = |l: Level| members.iter().filter(|(m, a)| !m.status.is_closed() && a.level == l).count();
            let done = members.iter().filter(|(m, _)| m.status == duban_core::Status::Done).count();
            let progress =
                members.iter().map(|(_, a)| a.actual.unwrap_or(0.0)).sum::<f64>() / members.len().max(1) as f64;
            CampaignRow {
                id: c.id,
                name: c.name,
                deadline: c.deadline.to_string(),
                total: members.len(),
                done,
                red: count(Level::Red),
                yellow: count(Level::Yellow),
                overdue: c.deadline < today && done < members.len(),
                progress: (progress * 100.0).round() as u32,
            }
        })
        .collect();
    Ok(render(&CampaignsPage { chrome: Chrome::of(&actor, csrf).with_flash(&headers), campaigns }))
}

pub async fn create_campaign(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map_or("", |(_, v)| v.as_str());
    check_csrf(&csrf, get("csrf"))?;
    let deadline = parse_date(get("deadline"), "完成时限")?
        .ok_or_else(|| AppError::BadRequest("请填写专项督查的完成时限 / give the campaign a deadline".into()))?;
    let matters: Vec<MatterId> =
        fields.iter().filter(|(k, _)| k == "matter").filter_map(|(_, v)| v.parse().ok()).map(MatterId).collect();
    state.store.create_campaign(&actor, get("name"), deadline, &matters, state.today()).await?;
    Ok(done("/campaigns", "campaign", None))
}

#[derive(Template)]
#[template(path = "units.html")]
struct UnitsPage {
    chrome: Chrome,
    /// (id, name, kind, webhook)
    units: Vec<(i64, String, String, String)>,
}

pub async fn units(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    let hooks = state.store.webhooks(&actor).await?;
    let units = state
        .store
        .units()
        .await?
        .into_iter()
        .map(|(id, name, kind)| {
            let hook = hooks.iter().find(|h| h.0 == id).map(|h| h.1.clone()).unwrap_or_default();
            (id.0, name, kind, hook)
        })
        .collect();
    Ok(render(&UnitsPage { chrome: Chrome::of(&actor, csrf).with_flash(&headers), units }))
}

#[derive(serde::Deserialize)]
pub struct WebhookForm {
    csrf: String,
    #[serde(default)]
    url: String,
}

pub async fn set_webhook(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<WebhookForm>,
) -> Result<Response, AppError> {
    let (actor, csrf) = authenticate(&state, &headers).await?;
    check_csrf(&csrf, &form.csrf)?;
    require(&actor, Action::Administer)?;
    let url = form.url.trim();
    state.store.set_webhook(&actor, UnitId(id), (!url.is_empty()).then_some(url), &state.outbound).await?;
    Ok(done("/units", "webhook", None))
}

#[cfg(test)]
mod tests {
    use super::parse_shares;
    use crate::store::UnitId;

    fn unit(name: &str) -> Option<UnitId> {
        ["傅庄街道", "盛庄街道", "罗庄街道"].iter().position(|u| *u == name).map(|i| UnitId(i as i64 + 1))
    }

    #[test]
    fn shares_from_lines() {
        let s = parse_shares("傅庄街道 40% 2019-10-31\n\n盛庄街道 0.35\n罗庄街道 25", unit).unwrap();
        let w: Vec<f64> = s.iter().map(|s| s.weight).collect();
        assert_eq!(w, [0.4, 0.35, 0.25]);
        assert_eq!(s[0].deadline.map(|d| d.to_string()), Some("2019-10-31".into()));
        let equal = parse_shares("傅庄街道\n盛庄街道", unit).unwrap();
        assert_eq!(equal.iter().map(|s| s.weight).collect::<Vec<_>>(), [0.5, 0.5]);
        let e = parse_shares("傅庄街道 50%\n东城街道 50%", unit).unwrap_err();
        assert!(e.contains("第2行") && e.contains("东城街道"), "{e}");
        assert!(parse_shares("傅庄街道 50%\n盛庄街道", unit).is_err());
        assert!(parse_shares("傅庄街道 五成", unit).unwrap_err().contains("五成"));
    }
}
