//! What every page and form shares, in one place the feature modules use (and which uses none of
//! them): the page's chrome (who is signed in, the session's CSRF token, the menu for the role, the
//! confirmation of the last action), rendering, the CSRF check, the confirmation ("flash") carried
//! over a redirect, and the translation of the framework's own refusals (a missing form field, a
//! body over the limit) into sentences a person can act on.
//!
//! A confirmation is a key from `FLASHES` (with an optional count), never text from the request,
//! so nothing a client sends is echoed into a page through it.

use askama::Template;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::{AppError, cookie};
use crate::store::{Actor, Role, StoreError};
use duban_core::access::Action;

/// Where a role's work starts: the dashboard for those who read the ledger, the queue for the
/// hotline centre, the accounts for the administrator.
pub fn home(role: Role) -> &'static str {
    if role.may(Action::ReadLedger) {
        "/"
    } else if role.may(Action::ReadRequests) {
        "/requests"
    } else {
        "/admin/users"
    }
}

/// Forbidden (403) unless the table lets the actor do `action`.
pub fn require(actor: &Actor, action: Action) -> Result<(), AppError> {
    actor.require(action).map_err(|e: StoreError| e.into())
}

pub const FLASH_COOKIE: &str = "duban_flash";

/// The parts of every page around its content.
#[derive(Debug, Clone, Default)]
pub struct Chrome {
    pub who: Option<String>,
    pub csrf: String,
    /// The confirmation of the action just done, in words.
    pub flash: Option<String>,
    /// What the role may do, from the one table (`duban_core::access`): the menu and the pages
    /// offer only these.
    pub ledger: bool,
    pub supervise: bool,
    pub import: bool,
    pub bulletins: bool,
    pub requests: bool,
    pub casework: bool,
    pub knowledge: bool,
    pub metrics: bool,
    pub filings: bool,
    pub admin: bool,
    /// A unit's account (whose lists say "本单位").
    pub unit: bool,
}

impl Chrome {
    pub fn of(actor: &Actor, csrf: String) -> Chrome {
        Chrome {
            who: Some(actor.name.clone()),
            csrf,
            flash: None,
            ledger: actor.role.may(Action::ReadLedger),
            supervise: actor.role.may(Action::SuperviseLedger),
            import: actor.role.may(Action::ImportReports),
            bulletins: actor.role.may(Action::IssueBulletins),
            requests: actor.role.may(Action::ReadRequests),
            casework: actor.role.may(Action::RunCasework),
            knowledge: actor.role.may(Action::EditKnowledge),
            metrics: actor.role.may(Action::ReadMetrics),
            filings: actor.role.may(Action::ReadFilings),
            admin: actor.role.may(Action::Administer),
            unit: matches!(actor.role, Role::Unit(_)),
        }
    }

    /// A page for someone not signed in (the public's pages, the login form).
    pub fn anonymous(csrf: String) -> Chrome {
        Chrome { csrf, ..Chrome::default() }
    }

    /// The confirmation a redirect left in the flash cookie, if any.
    pub fn with_flash(mut self, headers: &HeaderMap) -> Chrome {
        self.flash = cookie(headers, FLASH_COOKIE).and_then(flash_text);
        self
    }
}

/// The confirmations, by key: what the office or a unit just did.
const FLASHES: &[(&str, &str)] = &[
    ("reported", "进展已报送，灯色已按最新进展重新评估"),
    ("applied", "已申请销号，等待督查室复核"),
    ("signed_off", "已销号"),
    ("sent_back", "已退回，单位将看到退回理由"),
    ("reminded", "已催办"),
    ("escalated", "已督办"),
    ("milestone", "节点已保存"),
    ("milestone_done", "节点已完成"),
    ("proposed", "节点已提交，待督查室确认"),
    ("declined", "已不同意该节点，单位将看到理由"),
    ("evidence", "佐证材料已上传"),
    ("adopted", "已采纳，生成督办事项"),
    ("campaign", "专项督查已建立"),
    ("split", "已拆分为子事项"),
    ("dispatched", "已派单"),
    ("accepted", "已签收"),
    ("returned", "已退单"),
    ("replied", "已答复"),
    ("rated", "回访评价已记录"),
    ("closed", "已办结"),
    ("reopened", "已重新办理"),
    ("merged", "已并单"),
    ("extension", "已申请延期"),
    ("decided", "延期申请已审批"),
    ("received", "已受理"),
    ("issued", "督查通报第{n}期已印发"),
    ("filed", "已登记"),
    ("imported", "已导入"),
    ("answer", "已加入知识库"),
    ("webhook", "群机器人地址已保存"),
    ("account_disabled", "账号已停用，其登录已失效"),
    ("account_enabled", "账号已启用"),
];

/// "reminded.3" → "已催办（3项）"; unknown keys give nothing.
fn flash_text(value: &str) -> Option<String> {
    let (key, count) = value.split_once('.').map_or((value, None), |(k, n)| (k, n.parse::<u32>().ok()));
    let text = FLASHES.iter().find(|(k, _)| *k == key)?.1;
    Some(match count {
        Some(n) if text.contains("{n}") => text.replace("{n}", &n.to_string()),
        Some(n) => format!("{text}（{n}项）"),
        None => text.replace("{n}", ""),
    })
}

/// A redirect after an action, carrying its confirmation.
pub fn done(to: &str, key: &str, count: Option<usize>) -> Response {
    let value = match count {
        Some(n) => format!("{key}.{n}"),
        None => key.to_string(),
    };
    (
        [(header::SET_COOKIE, format!("{FLASH_COOKIE}={value}; HttpOnly; SameSite=Lax; Path=/; Max-Age=60"))],
        Redirect::to(to),
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub chrome: Chrome,
    pub message: String,
}

pub fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            eprintln!("duban: a page did not render: {e}");
            AppError::Store(crate::store::StoreError::Other(e.to_string())).into_response()
        }
    }
}

pub fn check_csrf(expected: &str, given: &str) -> Result<(), AppError> {
    if expected.is_empty() || expected != given {
        return Err(AppError::BadRequest(
            "表单已过期或校验失败，请刷新页面后重试 / the form expired (CSRF check failed); reload and try again"
                .into(),
        ));
    }
    Ok(())
}

/// The names of form fields in words, for the message about a missing or malformed one.
const FIELD_NAMES: &[(&str, &str)] = &[
    ("csrf", "表单校验码"),
    ("version", "版本号"),
    ("narrative", "进展情况"),
    ("note", "意见"),
    ("percent", "完成百分比"),
    ("value", "完成数"),
    ("name", "名称"),
    ("due", "日期"),
    ("action", "操作"),
    ("phone", "联系电话"),
    ("content", "诉求内容"),
    ("request_type", "诉求类型"),
    ("category", "类别"),
    ("login", "登录名"),
    ("password", "密码"),
    ("title", "标题"),
    ("body", "内容"),
    ("shares", "拆分份额"),
    ("number", "编号"),
    ("code", "查询码"),
    ("satisfaction", "评价"),
];

/// The framework's refusal of a request (its text, its status) as a sentence: which field, what
/// limit. Never the library's own words.
fn refusal(status: StatusCode, text: &str) -> String {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return "提交的内容超过大小上限（报告文件不超过20 MB，佐证材料不超过10 MB，其他表单不超过1 MB），请缩小后重试 / the upload is over the limit (reports 20 MB, evidence 10 MB, other forms 1 MB)".into();
    }
    if text.starts_with("Invalid URL") || text.contains("Cannot parse") {
        return "地址中的编号或参数无效，请从页面上的链接进入 / a number or parameter in the address is not valid"
            .into();
    }
    if status == StatusCode::UNSUPPORTED_MEDIA_TYPE {
        return "提交的格式不对：表单请从页面提交，接口请使用 JSON / wrong content type: submit the page's form, or JSON to the API".into();
    }
    // "Failed to deserialize form body: missing field `narrative`" or "…: version: invalid digit".
    let detail = text.rsplit_once("body: ").map_or(text, |(_, d)| d);
    let name = detail.split('`').nth(1).or_else(|| {
        detail.split_once(": ").map(|(f, _)| f).filter(|f| f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    });
    let field = name.map(|f| FIELD_NAMES.iter().find(|(k, _)| *k == f).map_or(f.to_string(), |(_, v)| v.to_string()));
    match field {
        Some(f) if text.contains("missing field") => format!("缺少“{f}”，请填写后重试 / the field {f} is missing"),
        Some(f) => format!("“{f}”的格式不对，请检查后重试 / the field {f} is not valid"),
        None if text.contains("JSON") || text.contains("json") => {
            "请求体不是有效的 JSON，或缺少必填字段 / the body is not valid JSON, or lacks a required field".into()
        }
        None => "提交的内容不完整或格式不对，请检查后重试 / the submission is incomplete or malformed".into(),
    }
}

/// Middleware: clears the confirmation once a page has shown it, and turns the framework's plain
/// text refusals (4xx with text/plain) into our error page, or our JSON error under /api and
/// /open311 (whose own errors are JSON or XML already and pass through).
pub async fn finish(req: Request<Body>, next: Next) -> Response {
    let had_flash = cookie(req.headers(), FLASH_COOKIE).is_some();
    let api = req.uri().path().starts_with("/api/");
    let mut resp = next.run(req).await;
    let status = resp.status();
    let plain = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"));
    if status.is_client_error() && plain {
        let body = std::mem::replace(resp.body_mut(), Body::empty());
        let bytes = axum::body::to_bytes(body, 64 << 10).await.unwrap_or_default();
        let message = refusal(status, &String::from_utf8_lossy(&bytes));
        let error = AppError::Refused(status, message);
        return if api { error.json() } else { error.into_response() };
    }
    let html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if had_flash && html {
        resp.headers_mut().append(
            header::SET_COOKIE,
            HeaderValue::from_static("duban_flash=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0"),
        );
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confirmations_are_keys_not_text() {
        assert_eq!(flash_text("reminded.3").as_deref(), Some("已催办（3项）"));
        assert_eq!(flash_text("reported").as_deref(), Some("进展已报送，灯色已按最新进展重新评估"));
        assert_eq!(flash_text("<script>"), None);
        assert_eq!(flash_text("issued.12").as_deref(), Some("督查通报第12期已印发"));
    }

    #[test]
    fn refusals_name_the_field_in_words() {
        let m = refusal(StatusCode::UNPROCESSABLE_ENTITY, "Failed to deserialize form body: missing field `narrative`");
        assert!(m.starts_with("缺少“进展情况”"), "{m}");
        let m =
            refusal(StatusCode::BAD_REQUEST, "Failed to deserialize form body: version: invalid digit found in string");
        assert!(!m.contains("deserialize"), "{m}");
        assert!(refusal(StatusCode::PAYLOAD_TOO_LARGE, "length limit exceeded").contains("20 MB"));
        let m = refusal(StatusCode::BAD_REQUEST, "Invalid URL: Cannot parse `abc` to a `i64`");
        assert!(m.starts_with("地址中的编号"), "{m}");
    }
}
