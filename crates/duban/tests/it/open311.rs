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
    assert_eq!(a["duplicates"], json!([]));
    // The same caller again about the same thing: a suggested merge.
    let (_, b) =
        api(r, "POST", "/api/v1/requests", Some(&office), Some(intake("13812345678", "幸福小区学校还在乱收费资料费")))
            .await;
    assert_eq!(b["duplicates"][0]["matter"], a["matter"], "{b}");
    let id = a["matter"].as_i64().expect("id");

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
    let (s, k) = api(r, "POST", "/api/v1/open311/keys", Some(&office), Some(json!({"name": "市级平台"}))).await;
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
