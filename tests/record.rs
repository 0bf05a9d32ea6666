//! The client records what it sends and receives, redacted by the spec before anything
//! touches the disk: no password, no `Authorization`, no value of a marked field, and
//! customers' ids replaced consistently; and what it wrote verifies `--strict`.

mod support;

use minted_connect::prelude::*;
use minted_connect::{Client, IntoData, types};
use minted_spec::contract::{Contract, Spec};
use minted_spec::load::Loaded;
use minted_spec::sandbox::{self, Running, Sandbox};
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};

const CUSTOMER: &str = "Ada-Lovelace-1815";
/// Every value below is marked `x-sensitive` in the spec, or is the password.
const SECRETS: [&str; 6] =
    ["Augusta", "Byron-King", "ada.secret@example.org", "+447700900123", "98765432109", "1815-12-10"];

fn fresh_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("record-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

async fn recording_client(dir: &Path) -> (Running, Client) {
    let running = Sandbox::default().log(|_| {}).start(([127, 0, 0, 1], 0).into()).await.unwrap();
    let client = Client::builder()
        .base_url(running.url())
        .credentials(sandbox::USERNAME, sandbox::PASSWORD)
        .record(dir)
        .build()
        .unwrap();
    (running, client)
}

/// Create a customer with personal data, read it back, fix prices, buy, read the order.
async fn flow(client: &Client) {
    let [first, last, email, phone, identity, birthdate] = SECRETS;
    let create = serde_json::json!({
        "external_id": CUSTOMER, "firstname": first, "lastname": last, "email": email,
        "phone": phone, "identity_number": identity, "birthdate": birthdate,
    });
    let create: types::CreateCustomerRequest = serde_json::from_value(create).unwrap();
    client.create_customer().body(create).send().await.into_data().unwrap();
    client.get_customer().external_customer_id(CUSTOMER).send().await.into_data().unwrap();
    let fix =
        types::PriceFixRequest::builder().type_("digital").customer_external_id(Some(CUSTOMER.to_string()));
    let fix = client.price_fix().body(fix).send().await.into_data().unwrap();
    let buyer = types::OrderCustomer::builder()
        .external_id(CUSTOMER)
        .firstname(first)
        .lastname(last)
        .email(email)
        .phone(phone)
        .identity_number(identity)
        .birthdate(Some(birthdate.parse().unwrap()));
    let buy = types::BuyRequest::builder()
        .price_token(Some(fix.token))
        .external_id(Some("REC-1".to_string()))
        .customer(buyer)
        .items(vec![types::BuyItem {
            sku: Some("GAU".into()),
            product_id: None,
            amount: Some(Decimal::ONE),
        }]);
    client.buy().body(buy).send().await.into_data().unwrap();
    client.get_order().external_order_id("REC-1").send().await.into_data().unwrap();
}

fn files(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            (path.display().to_string(), std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[tokio::test]
async fn a_recorded_session_holds_no_secret_and_verifies_strictly() {
    let dir = fresh_dir("session");
    let (_running, client) = recording_client(&dir).await;
    flow(&client).await;

    let files = files(&dir);
    let names: Vec<&str> = files.iter().map(|(name, _)| name.rsplit('/').next().unwrap()).collect();
    assert_eq!(
        names,
        [
            "00001-create_customer.json",
            "00002-get_customer.json",
            "00003-price_fix.json",
            "00004-buy.json",
            "00005-get_order.json"
        ]
    );
    for (name, text) in &files {
        for secret in SECRETS.iter().chain(&[sandbox::PASSWORD, CUSTOMER, "Digest ", "authorization"]) {
            assert!(
                !text.to_lowercase().contains(&secret.to_lowercase()),
                "{name} holds {secret:?}:\n{text}"
            );
        }
    }
    // Created customer-1, then read customer-1: the same placeholder in the body and the path.
    let created: serde_json::Value = serde_json::from_str(&files[0].1).unwrap();
    let read: serde_json::Value = serde_json::from_str(&files[1].1).unwrap();
    assert_eq!(created["request"]["body"]["external_id"], "customer-1");
    assert_eq!(read["request"]["path"], "/partner/customer/customer-1");
    assert_eq!(read["source"], "traffic");

    let contract = Contract::compile(&Spec::embedded().unwrap()).unwrap();
    let loaded = Loaded::from_paths(&[dir], &contract.scope(&[]));
    let outcome = minted_spec::verify::check_all(&contract, loaded, true);
    assert_eq!(outcome.exchanges, 5);
    assert!(outcome.findings.is_empty(), "{:#?}", outcome.findings);
}

/// An update answered with an open envelope (no schema marks its `data`), and
/// personal data the server echoes where no schema expects it (a 422's message and
/// errors, undocumented fields of an open list): none of it is written, whatever the
/// schema or status. What conforms still verifies strictly.
#[tokio::test]
async fn personal_data_is_not_written_whatever_the_schema_or_status() {
    let dir = fresh_dir("open");
    let (_running, client) = recording_client(&dir).await;
    let [first, last, email, phone, identity, birthdate] = SECRETS;
    client
        .create_customer()
        .body(types::CreateCustomerRequest::builder().external_id(CUSTOMER))
        .send()
        .await
        .into_data()
        .unwrap();
    let update = serde_json::json!({
        "firstname": first, "lastname": last, "email": email, "phone": phone,
        "identity_number": identity, "birthdate": birthdate,
    });
    let update: types::UpdateCustomerRequest = serde_json::from_value(update).unwrap();
    let updated = client.update_customer().external_customer_id(CUSTOMER).body(update).send().await;
    let updated = updated.into_data().unwrap();
    assert_eq!(updated["firstname"], first, "the open answer carried the names");

    // A server that echoes what it was sent: into a 422, and into an open list.
    let echo = Box::new(move |seen: &support::Seen| {
        if seen.target.starts_with("/partner/ecom/orders") {
            let body = serde_json::json!({"success": true, "code": 0, "message": "", "data": [
                {"increment_id": "000000001", "customer_email": email, "billing": {"fullname": format!("{first} {last}"), "city": "London"}},
            ]});
            return support::Reply::Json(200, body.to_string());
        }
        let body = serde_json::json!({
            "success": false, "code": 422, "data": null,
            "message": format!("The identity number {identity} of {first} is already registered"),
            "errors": {"identity_number": [format!("{identity} is taken")], "phone": [phone]},
        });
        support::Reply::Json(422, body.to_string())
    });
    let server = support::Server::open(echo).await;
    let echoed = fresh_dir("echoed");
    let echoing = Client::builder().base_url(&server.url).record(&echoed).build().unwrap();
    let update = serde_json::json!({
        "firstname": first, "lastname": last, "phone": phone, "identity_number": identity,
    });
    let update: types::UpdateCustomerRequest = serde_json::from_value(update).unwrap();
    let refused = echoing.update_customer().external_customer_id(CUSTOMER).body(update).send().await;
    assert_eq!(minted_connect::Error::from(refused.unwrap_err()).status(), Some(422));
    echoing.list_ecom_orders().send().await.into_data().unwrap();

    let files = [files(&dir), files(&echoed)].concat();
    assert_eq!(files.len(), 4, "{files:?}");
    for (name, text) in &files {
        for secret in SECRETS.iter().chain(&["Augusta Byron-King"]) {
            assert!(!text.contains(secret), "{name} holds {secret:?}:\n{text}");
        }
    }
    let refusal: serde_json::Value = serde_json::from_str(&files[2].1).unwrap();
    assert_eq!(refusal["response"]["status"], 422);
    assert_eq!(
        refusal["response"]["body"]["message"],
        "The identity number REDACTED of REDACTED is already registered",
        "the message is kept, the values taken out"
    );
    // The sandbox's answers conform; a recording of them still verifies strictly.
    let contract = Contract::compile(&Spec::embedded().unwrap()).unwrap();
    let loaded = Loaded::from_paths(
        &[dir.join("00001-create_customer.json"), dir.join("00002-update_customer.json")],
        &contract.scope(&[]),
    );
    let outcome = minted_spec::verify::check_all(&contract, loaded, true);
    assert!(outcome.findings.is_empty(), "{:#?}", outcome.findings);
}

/// The open types print their JSON with every personal value masked.
#[test]
fn open_types_do_not_debug_personal_data() {
    let data =
        serde_json::json!({"customer": {"firstname": "Augusta", "identity_number": 98765432109u64}, "id": 7});
    let envelope: types::OpenEnvelope = types::OpenEnvelope::builder()
        .code(0)
        .data(data.clone())
        .message(String::new())
        .success(true)
        .try_into()
        .unwrap();
    let body = types::OpenBody(data.as_object().unwrap().clone());
    for shown in [
        format!("{envelope:?}"),
        format!("{body:?}"),
        format!("{:?}", types::OpenEnvelope::builder().data(data.clone())),
    ] {
        assert!(!shown.contains("Augusta") && !shown.contains("98765432109"), "{shown}");
        assert!(shown.contains("<masked>") && shown.contains("\"id\":7"), "{shown}");
    }
}

/// A folder that cannot be written fails no call.
#[tokio::test]
async fn a_recording_that_cannot_be_written_fails_no_call() {
    let blocked = fresh_dir("blocked");
    std::fs::write(&blocked, "a file where the folder should be").unwrap();
    let (_running, client) = recording_client(&blocked).await;
    flow(&client).await;
    assert!(blocked.is_file());
}

/// Off by default: a client built without `record` (or `MINTED_RECORD`) has no recorder.
#[tokio::test]
async fn recording_is_off_by_default() {
    let running = Sandbox::default().log(|_| {}).start(([127, 0, 0, 1], 0).into()).await.unwrap();
    let client = support::sandbox_client(&running);
    assert!(format!("{client:?}").contains("recorder: None"), "{client:?}");
    let dir = fresh_dir("on");
    let (_running, recording) = recording_client(&dir).await;
    assert!(format!("{recording:?}").contains("Recorder { dir: "), "{recording:?}");
}
