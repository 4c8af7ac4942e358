//! Casework through HTTP: an operator's intake with the catalogue's suggestion and duplicate
//! detection, the caller's phone by role (never unmasked for those who may not see it), the
//! published rates, and a standard Open311 GeoReport v2 client listing services, filing a request
//! and reading it back in JSON and XML, with the specification's errors.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::web::{api, fixture, token};

async fn raw(router: &axum::Router, method: &str, uri: &str, form: Option<&str>) -> (StatusCode, String, String) {
    let mut req = Request::builder().method(method).uri(uri);
    let body = match form {
        Some(f) => {
            req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            Body::from(f.to_string())
        }
        None => Body::empty(),
    };
    let resp = router.clone().oneshot(req.body(body).expect("request")).await.expect("response");
    let status = resp.status();
    let ct = resp.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap_or("").to_string()).unwrap_or_default();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (status, ct, String::from_utf8_lossy(&bytes).into_owned())
}

fn catalogue() -> Value {
    json!({"categories": [
        {"code": "05", "name": "教育体育"},
        {"code": "0501", "name": "学校管理", "parent": "05", "description": "收费、校园安全"},
        {"code": "0402", "name": "社会保险", "description": "养老、医疗保险"}],
      "dispatch": [{"category": "0501", "unit": "教育和体育局"}, {"category": "0402", "unit": "人力资源和社会保障局"}]})
}

fn intake(phone: &str, text: &str) -> Value {
    json!({"caller_name": "李女士", "phone": phone, "address": "罗庄街道幸福小区", "content": text,
           "request_type": "投诉", "category": "0501", "place": "罗庄街道"})
}

#[tokio::test]
async fn intake_dispatch_privacy_and_rates_through_the_api() {
    let f = fixture().await;
    let r = &f.router;
    let (office, unit_a, unit_b, leader) =
        (token(r, "office").await, token(r, "unit_a").await, token(r, "unit_b").await, token(r, "leader").await);
    assert_eq!(api(r, "POST", "/api/v1/categories", Some(&unit_a), Some(catalogue())).await.0, StatusCode::FORBIDDEN);
    let (s, v) = api(r, "POST", "/api/v1/categories", Some(&office), Some(catalogue())).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        api(r, "POST", "/api/v1/requests", Some(&unit_a), Some(intake("13812345678", "学校乱收费"))).await.0,
        StatusCode::FORBIDDEN
    );
    let (s, v) = api(r, "POST", "/api/v1/requests", Some(&office), Some(json!({"request_type": "吐槽"}))).await;
    assert!(s.is_client_error(), "{s} {v}");
    let mut bad = intake("13812345678", "学校乱收费");
    bad["request_type"] = json!("吐槽");
    let (s, v) = api(r, "POST", "/api/v1/requests", Some(&office), Some(bad)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["message"].as_str().is_some_and(|m| m.contains("吐槽")), "{v}");

    let mut first = intake("13812345678", "幸福小区附近学校乱收费，要求家长交资料费");
    first["dispatch"] = json!("suggested");
    let (s, a) = api(r, "POST", "/api/v1/requests", Some(&office), Some(first)).await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    assert_eq!(
        (a["suggested_unit"].as_str(), a["dispatched_to"].as_str()),
        (Some("教育和体育局"), Some("教育和体育局"))
    );
    // The same caller again about the same thing: a suggested merge.
    let (_, b) =
        api(r, "POST", "/api/v1/requests", Some(&office), Some(intake("13812345678", "幸福小区学校还在乱收费资料费")))
            .await;
    let (_, detail) = api(r, "GET", &format!("/api/v1/requests/{}", b["matter"]), Some(&office), None).await;
    assert_eq!(detail["duplicates"][0]["matter"], a["matter"], "{detail}");
    assert_eq!(detail["duplicates"][0]["why"], "SameCaller");
    let (_, detail) = api(r, "GET", &format!("/api/v1/requests/{}", a["matter"]), Some(&office), None).await;
    assert_eq!(detail["duplicates"], json!([]), "only earlier requests are suggested");
    let id = a["matter"].as_i64().expect("id");
    // Two operators dispatch the second one at once: one wins, the other gets 409 and the version.
    let second = b["matter"].as_i64().expect("id");
    let (_, m) = api(r, "GET", &format!("/api/v1/matters/{second}"), Some(&office), None).await;
    let body = |unit: &str| Some(json!({"version": m["matter"]["version"], "unit": unit}));
    let uri = format!("/api/v1/requests/{second}/dispatch");
    let ((s1, _), (s2, v2)) = tokio::join!(
        api(r, "POST", &uri, Some(&office), body("教育和体育局")),
        api(r, "POST", &uri, Some(&office), body("人力资源和社会保障局"))
    );
    let mut statuses = [s1, s2];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    if s2 == StatusCode::CONFLICT {
        assert!(v2["current_version"].is_i64(), "{v2}");
    }

    // The caller's phone: in full for the centre and the handling unit; masked for a leader; none
    // for another unit. In no response for those who may not see it.
    let detail = |t: String| async move { api(r, "GET", &format!("/api/v1/requests/{id}"), Some(&t), None).await };
    let (s, v) = detail(office.clone()).await;
    assert_eq!((s, v["request"]["phone"].as_str()), (StatusCode::OK, Some("13812345678")));
    assert_eq!(detail(unit_a.clone()).await.1["request"]["phone"], "13812345678");
    let (s, v) = detail(leader.clone()).await;
    assert_eq!((s, v["request"]["phone"].as_str()), (StatusCode::OK, Some("138****5678")));
    assert!(!v.to_string().contains("13812345678"), "{v}");
    let (s, v) = detail(unit_b.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(!v.to_string().contains("13812345678"));
    for t in [&leader, &unit_b] {
        let (_, list) = api(r, "GET", "/api/v1/matters", Some(t), None).await;
        assert!(!list.to_string().contains("13812345678"), "the matter list holds no phone");
    }

    // The unit signs for it, replies; the centre records the rating and closes it.
    let post = |t: &str, change: Value| {
        let t = t.to_string();
        async move {
            let (_, m) = api(r, "GET", &format!("/api/v1/matters/{id}"), Some(&t), None).await;
            api(
                r,
                "POST",
                &format!("/api/v1/matters/{id}/events"),
                Some(&t),
                Some(json!({"version": m["matter"]["version"], "change": change})),
            )
            .await
        }
    };
    assert_eq!(post(&office, json!({"type": "accepted"})).await.0, StatusCode::FORBIDDEN, "signing for is the unit's");
    assert_eq!(post(&unit_a, json!({"type": "accepted"})).await.0, StatusCode::OK);
    assert_eq!(
        post(&unit_a, json!({"type": "replied", "text": "已责令学校退还资料费", "class": null})).await.0,
        StatusCode::OK
    );
    assert_eq!(
        post(&office, json!({"type": "rated", "satisfaction": "basic", "solved": true})).await.0,
        StatusCode::OK
    );
    assert_eq!(post(&office, json!({"type": "signed_off", "note": "办结"})).await.0, StatusCode::OK);
    assert_eq!(post(&office, json!({"type": "merged_into", "into": id})).await.0, StatusCode::UNPROCESSABLE_ENTITY);

    let (s, m) =
        api(r, "GET", "/api/v1/casework/metrics?from=2019-07-01&to=2019-07-01&by=unit", Some(&office), None).await;
    assert_eq!(s, StatusCode::OK, "{m}");
    let rate = |key: &str| {
        m["total"]["rates"].as_array().expect("rates").iter().find(|x| x["key"] == key).cloned().expect("rate")
    };
    assert_eq!(
        (rate("close_rate")["numerator"].as_u64(), rate("close_rate")["denominator"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(rate("satisfaction_rate")["value"], 1.0, "基本满意 counts as satisfied by default");
    assert!(
        m["definitions"]
            .as_array()
            .expect("definitions")
            .iter()
            .any(|d| d["formula"].as_str().is_some_and(|f| f.contains("÷")))
    );
    let (_, m) = api(r, "GET", "/api/v1/casework/metrics?from=2019-07-01&to=June", Some(&office), None).await;
    assert!(m["message"].as_str().is_some_and(|x| x.contains("to")), "{m}");
}

#[tokio::test]
async fn a_standard_open311_client_lists_files_and_reads_back() {
    let f = fixture().await;
    let r = &f.router;
    let office = token(r, "office").await;
    api(r, "POST", "/api/v1/categories", Some(&office), Some(catalogue())).await;
    let (s, _) = api(r, "POST", "/api/v1/open311/keys", Some(&office), Some(json!({"name": "市级平台"}))).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "keys are the administrator's to issue");
    let admin = token(r, "admin").await;
    let (s, k) = api(r, "POST", "/api/v1/open311/keys", Some(&admin), Some(json!({"name": "市级平台"}))).await;
    assert_eq!(s, StatusCode::CREATED);
    let key = k["api_key"].as_str().expect("key").to_string();
    assert_eq!(
        api(r, "POST", "/api/v1/open311/keys", Some(&token(r, "unit_a").await), Some(json!({"name": "x"}))).await.0,
        StatusCode::FORBIDDEN
    );

    let (s, _, body) = raw(r, "GET", "/open311/v2/discovery.json", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("GeoReport_v2"));
    // Services: the catalogue's leaves (a parent is a group).
    let (s, _, body) = raw(r, "GET", "/open311/v2/services.json", None).await;
    let services: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(s, StatusCode::OK);
    let codes: Vec<&str> =
        services.as_array().expect("list").iter().filter_map(|x| x["service_code"].as_str()).collect();
    assert_eq!(codes, ["0402", "0501"]);
    assert_eq!(services[1]["group"], "教育体育");
    let (s, ct, xml) = raw(r, "GET", "/open311/v2/services.xml", None).await;
    assert_eq!((s, ct.starts_with("text/xml")), (StatusCode::OK, true));
    assert!(xml.contains("<services><service>") && xml.contains("<service_code>0501</service_code>"), "{xml}");
    let (_, _, def) = raw(r, "GET", "/open311/v2/services/0501.json", None).await;
    let def: Value = serde_json::from_str(&def).expect("json");
    assert_eq!(def["attributes"][0]["code"], "request_type");
    assert_eq!(raw(r, "GET", "/open311/v2/services/9999.json", None).await.0, StatusCode::NOT_FOUND);

    // Filing: a wrong key, an unknown service, no location: each in the specification's error shape.
    let form = |key: &str, code: &str, extra: &str| {
        format!(
            "api_key={key}&service_code={code}&description=%E6%A0%A1%E9%97%A8%E5%8F%A3%E8%B7%AF%E7%81%AF%E4%B8%8D%E4%BA%AE{extra}"
        )
    };
    let (s, _, body) =
        raw(r, "POST", "/open311/v2/requests.json", Some(&form("wrong", "0501", "&lat=35.0&long=118.3"))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let e: Value = serde_json::from_str(&body).expect("json");
    assert_eq!((e[0]["code"].as_u64(), e[0]["description"].is_string()), (Some(403), true));
    let (s, _, body) =
        raw(r, "POST", "/open311/v2/requests.xml", Some(&form("wrong", "0501", "&lat=35.0&long=118.3"))).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(body.contains("<errors><error><code>403</code><description>"), "{body}");
    let (s, _, body) =
        raw(r, "POST", "/open311/v2/requests.json", Some(&form(&key, "9999", "&lat=35.0&long=118.3"))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(serde_json::from_str::<Value>(&body).expect("json")[0]["code"], 400);
    let (s, _, _) = raw(r, "POST", "/open311/v2/requests.json", Some(&form(&key, "0501", ""))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "no location");
    let json_body = Request::builder()
        .method("POST")
        .uri("/open311/v2/requests.json")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{}"))
        .expect("request");
    let resp = r.clone().oneshot(json_body).await.expect("response");
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    assert_eq!(serde_json::from_slice::<Value>(&bytes).expect("the spec's error shape")[0]["code"], 400);

    let (s, _, body) = raw(r, "POST", "/open311/v2/requests.json", Some(&form(&key, "0501", "&lat=35.01&long=118.31&attribute%5Brequest_type%5D=complaint&first_name=Lei&last_name=Wang&phone=13900001111"))).await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let created: Value = serde_json::from_str(&body).expect("json");
    let id = created[0]["service_request_id"].as_str().expect("id").to_string();
    let (s, _, body) = raw(r, "GET", &format!("/open311/v2/requests/{id}.json"), None).await;
    assert_eq!(s, StatusCode::OK);
    let got: Value = serde_json::from_str(&body).expect("json");
    assert_eq!((got[0]["service_request_id"].as_str(), got[0]["status"].as_str()), (Some(id.as_str()), Some("open")));
    assert_eq!((got[0]["service_code"].as_str(), got[0]["duban_status"].as_str()), (Some("0501"), Some("draft")));
    assert!(!body.contains("13900001111") && !body.contains("Wang"), "no caller in public views: {body}");
    let (s, _, xml) = raw(r, "GET", &format!("/open311/v2/requests/{id}.xml"), None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        xml.contains(&format!("<service_request_id>{id}</service_request_id>"))
            && xml.contains("<status>open</status>"),
        "{xml}"
    );
    // Lists: by id, by service, by status; the 90-day window by default.
    let (_, _, body) = raw(r, "GET", &format!("/open311/v2/requests.json?service_request_id={id}"), None).await;
    assert_eq!(serde_json::from_str::<Value>(&body).expect("json").as_array().map(Vec::len), Some(1));
    let (_, _, body) = raw(r, "GET", "/open311/v2/requests.json?status=closed", None).await;
    assert_eq!(body, "[]");
    let (_, _, body) = raw(r, "GET", "/open311/v2/requests.json?service_code=0402", None).await;
    assert_eq!(body, "[]");
    let (s, _, body) = raw(r, "GET", "/open311/v2/requests.json?status=maybe", None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    let (s, _, body) = raw(r, "GET", "/open311/v2/requests/20990101000.json", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(serde_json::from_str::<Value>(&body).expect("json")[0]["code"], 404);
    let (s, _, body) = raw(r, "GET", "/open311/v2/requests/20990101000.xml", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(body.contains("<code>404</code>"), "{body}");
}

/// The pages of the line: the public files and looks up (with the phone's last four digits) and
/// rates; the centre takes a call and dispatches it; the phone shows in full only to those who may
/// see it; the metrics page and the exported ledger agree on the rates.
#[tokio::test]
async fn the_hotline_in_pages_and_its_ledger() {
    use crate::web::{Browser, form_token, urlencode};
    let f = fixture().await;
    let r = &f.router;
    let office_token = token(r, "office").await;
    api(r, "POST", "/api/v1/categories", Some(&office_token), Some(catalogue())).await;

    // The public files a request (no account); the form needs its token.
    let mut citizen = Browser::new(r);
    let page = citizen.send("GET", "/public", None).await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = form_token(&page.body);
    let answered = crate::web::challenge_answered(&page.body);
    let form = |csrf: &str, answered: &str| {
        format!(
            "csrf={csrf}&caller_name={}&phone=13912345678&request_type=complaint&category=0501&place=&address=&content={}{answered}",
            urlencode("赵女士"),
            urlencode("学校门口<script>alert(1)</script>乱停车")
        )
    };
    assert_eq!(
        citizen.send("POST", "/public/requests", Some(&form("forged", &answered))).await.status,
        StatusCode::BAD_REQUEST
    );
    // Without the question's answer nothing is filed, and what was typed comes back.
    let unanswered = citizen.send("POST", "/public/requests", Some(&form(&csrf, "&challenge=x&answer=3"))).await;
    assert!(unanswered.body.contains("验证题答案不正确") && unanswered.body.contains("乱停车"), "{}", unanswered.body);
    let page = citizen.send("GET", "/public", None).await;
    let (csrf, answered) = (form_token(&page.body), crate::web::challenge_answered(&page.body));
    let filed = citizen.send("POST", "/public/requests", Some(&form(&csrf, &answered))).await;
    assert_eq!(filed.status, StatusCode::OK, "{}", filed.body);
    let at = filed.body.find("id=\"number\">").expect("a number") + "id=\"number\">".len();
    let number: String = filed.body[at..].chars().take_while(char::is_ascii_digit).collect();
    assert_eq!(number.len(), 15, "{number}");
    let at = filed.body.find("id=\"code\">").expect("a query code") + "id=\"code\">".len();
    let code: String = filed.body[at..].chars().take_while(char::is_ascii_alphanumeric).collect();
    assert_eq!(code.len(), 6, "{code}");
    // The phone's last four digits no longer open it; the query code does.
    let wrong = citizen.send("GET", &format!("/public/lookup?number={number}&code=5678"), None).await;
    assert!(wrong.body.contains("未找到") && !wrong.body.contains("学校门口"), "the phone's digits find nothing");
    let found = citizen.send("GET", &format!("/public/lookup?number={number}&code={code}"), None).await;
    assert!(found.body.contains("待分派") && found.body.contains("&#60;script&#62;"), "{}", found.body);
    assert!(!found.body.contains("13912345678") && !found.body.contains("<script>alert"), "no phone, escaped text");

    // The centre takes a call and dispatches it by the catalogue; a unit may not take calls.
    let mut unit = Browser::new(r);
    unit.login("unit_a").await;
    assert_eq!(unit.send("GET", "/requests/new", None).await.status, StatusCode::FORBIDDEN);
    let mut office = Browser::new(r);
    let ocsrf = office.login("office").await;
    assert!(office.send("GET", "/requests/new", None).await.body.contains("0501"));
    let call = format!(
        "csrf={ocsrf}&caller_name={}&phone=13800001234&request_type=help&category=0501&place=&address=&content={}&dispatch=suggested",
        urlencode("钱先生"),
        urlencode("孩子转学手续怎么办")
    );
    let r2 = office.send("POST", "/requests", Some(&call)).await;
    assert_eq!(r2.status, StatusCode::SEE_OTHER, "{}", r2.body);
    let matter = r2.location.expect("the matter");
    let page = office.send("GET", &matter, None).await;
    assert!(page.body.contains("13800001234") && page.body.contains("待签收"), "the centre sees the phone");
    let page = unit.send("GET", &matter, None).await;
    assert!(page.body.contains("13800001234") && page.body.contains("value=\"accept\""), "so does the handling unit");
    let mut leader = Browser::new(r);
    leader.login("leader").await;
    let page = leader.send("GET", &matter, None).await;
    assert!(page.body.contains("138****1234") && !page.body.contains("13800001234"), "a leader sees it masked");
    let mut other = Browser::new(r);
    other.login("unit_b").await;
    let page = other.send("GET", &matter, None).await;
    assert!(page.status == StatusCode::FORBIDDEN && !page.body.contains("1234"));

    // The unit signs for it and replies through the page; the citizen of the first request rates.
    let act = |csrf: &str, version: &str, action: &str, extra: &str| {
        format!("csrf={csrf}&version={version}&action={action}{extra}")
    };
    let version = |html: &str| {
        let at = html.find("name=\"version\" value=\"").expect("version") + "name=\"version\" value=\"".len();
        html[at..].split('"').next().unwrap_or("").to_string()
    };
    let ucsrf = form_token(&unit.send("GET", "/", None).await.body);
    let page = unit.send("GET", &matter, None).await;
    let r3 = unit.send("POST", &format!("{matter}/act"), Some(&act(&ucsrf, &version(&page.body), "accept", ""))).await;
    assert_eq!(r3.status, StatusCode::SEE_OTHER, "{}", r3.body);
    let page = unit.send("GET", &matter, None).await;
    let reply = format!("&note={}", urlencode("请携带户口本到教体局办理"));
    assert_eq!(
        unit.send("POST", &format!("{matter}/act"), Some(&act(&ucsrf, &version(&page.body), "reply", &reply)))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let queue = office.send("GET", "/requests", None).await;
    assert!(queue.body.contains("待回访 1") && queue.body.contains("待派单 1"), "{}", queue.body);

    // The knowledge base: the centre's to search beside a new request and answer with.
    assert_eq!(unit.send("GET", "/knowledge", None).await.status, StatusCode::FORBIDDEN);
    let add =
        format!("csrf={ocsrf}&title={}&category=0501&body={}", urlencode("学校周边停车"), urlencode("已通知交警劝离"));
    assert_eq!(office.send("POST", "/knowledge", Some(&add)).await.status, StatusCode::SEE_OTHER);
    let id_of_first: i64 = number[8..].parse().expect("the matter id in the number");
    let hits =
        office.send("GET", &format!("/knowledge/search?matter={id_of_first}&q={}", urlencode("停车")), None).await;
    assert!(hits.body.contains("用此答复") && hits.body.contains("已通知交警劝离"), "{}", hits.body);
    let first = office.send("GET", &format!("/public/lookup?number={number}&code={code}"), None).await;
    assert!(first.body.contains("待分派"));
    let id: i64 = number[8..].parse().expect("the matter id in the number");
    let page = office.send("GET", &format!("/matters/{id}"), None).await;
    let r4 = office
        .send(
            "POST",
            &format!("/matters/{id}/act"),
            Some(&act(&ocsrf, &version(&page.body), "reply", &format!("&note={}", urlencode("已通知交警劝离")))),
        )
        .await;
    assert_eq!(r4.status, StatusCode::SEE_OTHER, "the centre answers at once: {}", r4.body);
    let page = citizen.send("GET", &format!("/public/lookup?number={number}&code={code}"), None).await;
    assert!(page.body.contains("已通知交警劝离") && page.body.contains("id=\"rate\""), "{}", page.body);
    let rate = format!("csrf={}&number={number}&code={code}&satisfaction=satisfied&solved=yes", form_token(&page.body));
    let r5 = citizen.send("POST", "/public/rate", Some(&rate)).await;
    assert_eq!(r5.status, StatusCode::SEE_OTHER, "{}", r5.body);
    let page = citizen.send("GET", &format!("/public/lookup?number={number}&code={code}"), None).await;
    assert!(page.body.contains("id=\"rating\">满意"), "{}", page.body);

    // The metrics page shows the rates with their formulas; the exported ledger recomputes them.
    let m = office.send("GET", "/casework?from=2019-01-01&to=2019-07-01", None).await;
    assert!(
        m.body.contains("id=\"received\">2<") && m.body.contains("已派单件中已答复的件数 ÷ 已派单件数"),
        "{}",
        m.body
    );
    let (s, csv, _) = crate::web::download(&mut office, "requests.csv").await;
    assert_eq!(s, StatusCode::OK);
    let csv = String::from_utf8(csv).expect("utf-8");
    assert!(
        !csv.contains("13912345678") && !csv.contains("13800001234") && !csv.contains("赵女士"),
        "no callers in the file"
    );
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader.headers().expect("header").iter().map(str::to_string).collect();
    let rows: Vec<Vec<String>> =
        reader.records().map(|r| r.expect("row").iter().map(str::to_string).collect()).collect();
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let count = |name: &str| rows.iter().filter(|r| r[col(name)] == "是").count() as u64;
    let (_, metrics) =
        api(r, "GET", "/api/v1/casework/metrics?from=2019-01-01&to=2019-07-01", Some(&office_token), None).await;
    let rate = |key: &str| {
        let x =
            metrics["total"]["rates"].as_array().expect("rates").iter().find(|x| x["key"] == key).cloned().expect(key);
        (x["numerator"].as_u64().expect("n"), x["denominator"].as_u64().expect("d"))
    };
    assert_eq!(rows.len() as u64, metrics["total"]["counts"]["received"].as_u64().expect("received"));
    assert_eq!(
        rate("reply_rate"),
        (rows.iter().filter(|r| r[col("已派单")] == "是" && r[col("已答复")] == "是").count() as u64, count("已派单"))
    );
    assert_eq!(rate("close_rate").1, rows.len() as u64);
    assert_eq!(
        rate("satisfaction_rate"),
        (
            rows.iter().filter(|r| r[col("评价")] == "满意" || r[col("评价")] == "基本满意").count() as u64,
            rows.iter().filter(|r| !r[col("评价")].is_empty()).count() as u64
        )
    );
}

/// Roles × actions of casework through the API: who may take a call in, read the caller, dispatch,
/// sign for, reply, record a rating, close, use and grow the knowledge base.
#[tokio::test]
async fn casework_roles_by_actions_through_the_api() {
    let f = fixture().await;
    let r = &f.router;
    let tokens = [
        ("office", token(r, "office").await),
        ("unit_a", token(r, "unit_a").await),
        ("unit_b", token(r, "unit_b").await),
        ("leader", token(r, "leader").await),
    ];
    let t = |who: &str| tokens.iter().find(|(n, _)| *n == who).map(|(_, t)| t.clone()).expect("token");
    api(r, "POST", "/api/v1/categories", Some(&t("office")), Some(catalogue())).await;
    let (_, a) =
        api(r, "POST", "/api/v1/requests", Some(&t("office")), Some(intake("13812345678", "学校食堂卫生差"))).await;
    let id = a["matter"].as_i64().expect("id");
    let version = || async {
        let (_, m) = api(r, "GET", &format!("/api/v1/matters/{id}"), Some(&t("office")), None).await;
        m["matter"]["version"].clone()
    };
    let change = |who: &'static str, c: serde_json::Value| {
        let token = t(who);
        async move {
            let v = version().await;
            api(
                r,
                "POST",
                &format!("/api/v1/matters/{id}/events"),
                Some(&token),
                Some(json!({"version": v, "change": c})),
            )
            .await
            .0
        }
    };
    let dispatch = |who: &'static str| {
        let token = t(who);
        async move {
            let v = version().await;
            api(
                r,
                "POST",
                &format!("/api/v1/requests/{id}/dispatch"),
                Some(&token),
                Some(json!({"version": v, "unit": "教育和体育局"})),
            )
            .await
            .0
        }
    };
    use StatusCode as S;
    // Intake and the knowledge base are the centre's.
    for (who, expected) in
        [("office", S::CREATED), ("unit_a", S::FORBIDDEN), ("unit_b", S::FORBIDDEN), ("leader", S::FORBIDDEN)]
    {
        let (s, _) = api(r, "POST", "/api/v1/requests", Some(&t(who)), Some(intake("13900000000", "咨询"))).await;
        assert_eq!(s, expected, "{who} intake");
        let (s, _) = api(
            r,
            "POST",
            "/api/v1/answers",
            Some(&t(who)),
            Some(json!({"title": "食堂投诉", "body": "已转教体局核查", "category": "0501"})),
        )
        .await;
        assert_eq!(s, expected, "{who} adds an answer");
        let (s, _) = api(r, "GET", "/api/v1/answers?q=食堂", Some(&t(who)), None).await;
        assert_eq!(s, if who == "office" { S::OK } else { S::FORBIDDEN }, "{who} searches answers");
    }
    let (_, found) = api(r, "GET", "/api/v1/answers?q=食堂%20核查&category=0501", Some(&t("office")), None).await;
    assert_eq!(found["answers"][0]["title"], "食堂投诉", "{found}");
    let (_, none) = api(r, "GET", "/api/v1/answers?q=社保", Some(&t("office")), None).await;
    assert_eq!(none["answers"], json!([]));
    // Dispatch: only the centre.
    for who in ["unit_a", "unit_b", "leader"] {
        assert_eq!(dispatch(who).await, S::FORBIDDEN, "{who} dispatches");
    }
    assert_eq!(dispatch("office").await, S::OK);
    // Sign for: only the unit it was dispatched to.
    for who in ["office", "unit_b", "leader"] {
        assert_eq!(change(who, json!({"type": "accepted"})).await, S::FORBIDDEN, "{who} signs for");
    }
    assert_eq!(change("unit_a", json!({"type": "accepted"})).await, S::OK);
    // Reply: the handling unit (the centre answers only new requests at once).
    for who in ["unit_b", "leader"] {
        assert_eq!(
            change(who, json!({"type": "replied", "text": "x", "class": null})).await,
            S::FORBIDDEN,
            "{who} replies"
        );
    }
    assert_eq!(change("unit_a", json!({"type": "replied", "text": "已责令整改", "class": null})).await, S::OK);
    // Rating and closing: the centre.
    for who in ["unit_a", "unit_b", "leader"] {
        assert_eq!(
            change(who, json!({"type": "rated", "satisfaction": "satisfied", "solved": true})).await,
            S::FORBIDDEN,
            "{who} rates"
        );
        assert_eq!(change(who, json!({"type": "signed_off", "note": "x"})).await, S::FORBIDDEN, "{who} closes");
    }
    assert_eq!(change("office", json!({"type": "rated", "satisfaction": "satisfied", "solved": true})).await, S::OK);
    assert_eq!(change("office", json!({"type": "signed_off", "note": "办结"})).await, S::OK);
    // Reading the caller: the centre and the handler in full, a leader masked, another unit not at all.
    for (who, status, phone) in [
        ("office", S::OK, "13812345678"),
        ("unit_a", S::OK, "13812345678"),
        ("leader", S::OK, "138****5678"),
        ("unit_b", S::FORBIDDEN, ""),
    ] {
        let (s, v) = api(r, "GET", &format!("/api/v1/requests/{id}"), Some(&t(who)), None).await;
        assert_eq!(s, status, "{who} reads");
        assert_eq!(v["request"]["phone"].as_str().unwrap_or(""), phone, "{who} sees the phone as");
    }
}

/// Open311 is read by anyone: by default it publishes where a request is only to the street or town
/// (no address, no coordinates), and never a confidential request's type; the full address where
/// the configuration says so.
#[tokio::test]
async fn open311_publishes_the_place_not_the_address_and_never_a_confidential_type() {
    let f = fixture().await;
    let r = &f.router;
    let office = token(r, "office").await;
    api(r, "POST", "/api/v1/categories", Some(&office), Some(catalogue())).await;
    let mut plain = intake("13812345678", "幸福小区门口路灯不亮");
    plain["address"] = json!("罗庄街道幸福路88号");
    plain["lat"] = json!(35.05);
    plain["lon"] = json!(118.35);
    assert_eq!(api(r, "POST", "/api/v1/requests", Some(&office), Some(plain)).await.0, StatusCode::CREATED);
    let mut secret = intake("13812340000", "举报某商户夜间违规排污");
    secret["request_type"] = json!("举报");
    secret["confidential"] = json!(true);
    secret["address"] = json!("工业园区7号");
    assert_eq!(api(r, "POST", "/api/v1/requests", Some(&office), Some(secret)).await.0, StatusCode::CREATED);

    let (s, _, body) = raw(r, "GET", "/open311/v2/requests.json", None).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let list: Value = serde_json::from_str(&body).expect("json");
    let list = list.as_array().expect("list");
    assert_eq!(list.len(), 2, "{body}");
    for item in list {
        assert!(item["address"].is_null() || item["address"] == "罗庄街道", "{item}");
        assert!(item["lat"].is_null() && item["long"].is_null(), "{item}");
    }
    assert!(
        !body.contains("幸福路88号") && !body.contains("工业园区") && !body.contains("举报") && !body.contains("排污"),
        "{body}"
    );
    assert!(
        list.iter()
            .any(|i| i["address"] == "罗庄街道" && i["description"].as_str().is_some_and(|d| d.contains("路灯")))
    );
    let (_, _, xml) = raw(r, "GET", "/open311/v2/requests.xml", None).await;
    assert!(!xml.contains("幸福路88号") && !xml.contains("举报"), "{xml}");
}

/// Guessing a query code is locked out (the right code too, once locked), and one address cannot
/// flood the public form.
#[tokio::test]
async fn public_lookups_and_filings_are_limited() {
    use crate::web::{Browser, form_token, urlencode};
    let f = fixture().await;
    let r = &f.router;
    let office = token(r, "office").await;
    api(r, "POST", "/api/v1/categories", Some(&office), Some(catalogue())).await;
    let (s, v) = api(r, "POST", "/api/v1/requests", Some(&office), Some(intake("13812345678", "路灯不亮"))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (number, code) = (v["number"].as_str().expect("number"), v["lookup_code"].as_str().expect("code"));
    let mut citizen = Browser::new(r);
    let look = |c: &str| format!("/public/lookup?number={number}&code={c}");
    assert!(citizen.send("GET", &look(code), None).await.body.contains("路灯不亮"));
    for _ in 0..10 {
        let wrong = citizen.send("GET", &look("AAAAAA"), None).await;
        assert_eq!(wrong.status, StatusCode::OK);
    }
    let locked = citizen.send("GET", &look(code), None).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.body.contains("查询失败次数过多") && !locked.body.contains("路灯不亮"), "{}", locked.body);

    // Ten filings from one address in an hour, then a polite refusal that keeps what was typed.
    let mut filer = Browser::new(r);
    for k in 0..11 {
        let page = filer.send("GET", "/public", None).await;
        let form = format!(
            "csrf={}&caller_name=x&phone=139123456{k:02}&request_type=help&category=0501&place=&address=&content={}{}",
            form_token(&page.body),
            urlencode(&format!("第{k}次提交")),
            crate::web::challenge_answered(&page.body)
        );
        let filed = filer.send("POST", "/public/requests", Some(&form)).await;
        if k < 10 {
            assert_eq!(filed.status, StatusCode::OK, "{k}: {}", filed.body);
            assert!(filed.body.contains("id=\"code\""), "{k}");
        } else {
            assert_eq!(filed.status, StatusCode::TOO_MANY_REQUESTS);
            assert!(filed.body.contains("提交过多") && filed.body.contains("第10次提交"), "{}", filed.body);
        }
    }
}

/// The GeoReport v2 behaviours clients rely on, through HTTP: api_key in the query string, comma
/// lists and repeated parameters, ids overriding other filters, W3C datetimes with offsets, one
/// timestamp format, updated never before requested, checked coordinates and list attributes,
/// Latin names as written, and the specification's error shape for tokens, unknown paths and bad
/// query strings.
#[tokio::test]
async fn open311_behaves_as_the_specification_says() {
    let f = fixture().await;
    let r = &f.router;
    let office = token(r, "office").await;
    api(r, "POST", "/api/v1/categories", Some(&office), Some(catalogue())).await;
    let admin = token(r, "admin").await;
    let (_, k) = api(r, "POST", "/api/v1/open311/keys", Some(&admin), Some(json!({"name": "平台"}))).await;
    let key = k["api_key"].as_str().expect("key").to_string();

    // api_key in the query string, the rest in the body; a Latin name as written.
    let body =
        "service_code=0501&description=Broken%20street%20light&lat=35.05&long=118.35&first_name=John&last_name=Smith";
    let (s, _, created) =
        raw(r, "POST", &format!("/open311/v2/requests.json?api_key={key}&jurisdiction_id=luozhuang"), Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let first: Value = serde_json::from_str(&created).expect("json");
    let first_id = first[0]["service_request_id"].as_str().expect("id").to_string();
    let (s, _, created) = raw(
        r,
        "POST",
        "/open311/v2/requests.json",
        Some(&format!("api_key={key}&service_code=0402&description=x&address_id=ADDR-7781&media_url=https%3A%2F%2Fexample.org%2Fp.jpg")),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let second: Value = serde_json::from_str(&created).expect("json");
    let second_id = second[0]["service_request_id"].as_str().expect("id").to_string();

    // media_url is kept and published; address_id is kept apart from the address (and, at the
    // default address level, not published).
    let (_, _, one) = raw(r, "GET", &format!("/open311/v2/requests/{second_id}.json"), None).await;
    let one: Value = serde_json::from_str(&one).expect("json");
    assert_eq!(one[0]["media_url"], "https://example.org/p.jpg", "{one}");
    assert!(one[0]["address_id"].is_null() && one[0]["address"] != "ADDR-7781", "{one}");

    // Coordinates out of range, a list attribute outside its values and a media_url that is not a
    // URL are refused.
    for bad in [
        "&lat=95&long=118.3",
        "&lat=35&long=-200",
        "&lat=35&long=118&attribute[urgent]=maybe",
        "&lat=35&long=118&attribute[request_type]=xx",
        "&lat=35&long=118&media_url=javascript:alert(1)",
    ] {
        let (s, _, e) = raw(
            r,
            "POST",
            "/open311/v2/requests.json",
            Some(&format!("api_key={key}&service_code=0501&description=x{bad}")),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}: {e}");
        let e: Value = serde_json::from_str(&e).expect("the specification's error shape");
        assert_eq!(e[0]["code"], 400, "{bad}");
    }

    // Comma lists and repeated parameters.
    let list = |q: &str| {
        let q = q.to_string();
        async move {
            let (s, _, body) = raw(r, "GET", &format!("/open311/v2/requests.json?{q}"), None).await;
            assert_eq!(s, StatusCode::OK, "{q}: {body}");
            let v: Value = serde_json::from_str(&body).expect("json");
            v.as_array()
                .expect("list")
                .iter()
                .map(|x| x["service_request_id"].as_str().unwrap_or("").to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(list("service_code=0501,0402").await.len(), 2);
    assert_eq!(list("service_code=0501&service_code=0402").await.len(), 2);
    assert_eq!(list("service_code=0402").await, vec![second_id.clone()]);
    // Ids override the other filters.
    assert_eq!(
        list(&format!("service_request_id={first_id}&service_code=0402&status=closed")).await,
        vec![first_id.clone()]
    );
    assert_eq!(list(&format!("service_request_id={first_id},{second_id}")).await.len(), 2);
    // W3C datetimes with an offset: 2019-06-30T20:00:00-05:00 is 07-01 09:00 in China.
    assert_eq!(list("start_date=2019-06-30T20:00:00-05:00").await.len(), 2);
    assert!(list("end_date=2019-06-30T15:00:00Z").await.is_empty(), "06-30 23:00 in China, before both");
    // Newest first; one timestamp format; updated never before requested.
    assert_eq!(list("").await, [second_id.clone(), first_id.clone()]);
    let (_, _, body) = raw(r, "GET", "/open311/v2/requests.json", None).await;
    let all: Value = serde_json::from_str(&body).expect("json");
    for item in all.as_array().expect("list") {
        let requested = item["requested_datetime"].as_str().expect("requested");
        assert!(requested.len() == 25 && requested.ends_with("+08:00"), "{requested}");
        if let Some(updated) = item["updated_datetime"].as_str() {
            assert!(updated >= requested, "{updated} before {requested}");
        }
    }

    // The specification's error shape for tokens, unknown paths and bad query strings.
    for (path, status) in [
        ("/open311/v2/tokens/abc123.json", StatusCode::NOT_FOUND),
        ("/open311/v2/no/such/thing.json", StatusCode::NOT_FOUND),
        ("/open311/v2/requests.json?start_date=yesterday", StatusCode::BAD_REQUEST),
        ("/open311/v2/requests.json?status=lost", StatusCode::BAD_REQUEST),
    ] {
        let (s, ct, body) = raw(r, "GET", path, None).await;
        assert_eq!(s, status, "{path}: {body}");
        assert!(ct.starts_with("application/json"), "{path}: {ct}");
        let e: Value = serde_json::from_str(&body).unwrap_or_else(|_| panic!("{path}: {body}"));
        assert!(e[0]["code"].is_u64() && e[0]["description"].is_string(), "{path}: {body}");
    }
    let (s, ct, body) = raw(r, "GET", "/open311/v2/tokens/abc123.xml", None).await;
    assert!(
        s == StatusCode::NOT_FOUND && ct.starts_with("text/xml") && body.contains("<errors><error><code>404</code>"),
        "{body}"
    );
    let (s, _, body) = raw(r, "GET", "/open311/v2/nothing.xml", None).await;
    assert!(s == StatusCode::NOT_FOUND && body.contains("<errors>"), "{body}");
}
