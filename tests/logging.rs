//! At trace level, nothing logged carries the password or an `Authorization` value.
//! Its own test binary: the logger is process-wide.

mod support;

use minted_connect::prelude::*;
use minted_connect::{Client, IntoData};
use std::sync::Mutex;
use support::{Challenges, PASSWORD, Reply, Server, USERNAME, recorded_body};

struct Capture(Mutex<String>);

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, record: &log::Record) {
        let line = format!("{} {} {}\n", record.level(), record.target(), record.args());
        self.0.lock().unwrap().push_str(&line);
    }
    fn flush(&self) {}
}

static CAPTURE: Capture = Capture(Mutex::new(String::new()));

#[tokio::test]
async fn trace_logs_carry_no_password_and_no_authorization() {
    log::set_logger(&CAPTURE).unwrap();
    log::set_max_level(log::LevelFilter::Trace);

    let body = recorded_body("get_customer/get-customer.json");
    let server = Server::digest(
        Challenges::Standard { md5_first: false },
        PASSWORD,
        Box::new(move |_| Reply::Json(200, body.clone())),
    )
    .await;
    let client = Client::builder().base_url(&server.url).credentials(USERNAME, PASSWORD).build().unwrap();
    for _ in 0..3 {
        client.get_customer().external_customer_id("MTD0018232").send().await.unwrap().into_data().unwrap();
    }
    let wrong =
        Client::builder().base_url(&server.url).credentials(USERNAME, "another secret").build().unwrap();
    let error = wrong.get_customer().external_customer_id("MTD0018232").send().await.unwrap_err();
    let shown = format!("{} {:?}", minted_connect::Error::from(error), client);

    // A recording folder that cannot be made: said once, however many calls.
    let blocked =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("blocked-{}", std::process::id()));
    std::fs::write(&blocked, "a file where the folder should be").unwrap();
    let body = recorded_body("get_customer/get-customer.json");
    let own = Server::digest(
        Challenges::Standard { md5_first: false },
        PASSWORD,
        Box::new(move |_| Reply::Json(200, body.clone())),
    )
    .await;
    let recording = Client::builder()
        .base_url(&own.url)
        .credentials(USERNAME, PASSWORD)
        .record(&blocked)
        .build()
        .unwrap();
    for _ in 0..3 {
        recording
            .get_customer()
            .external_customer_id("MTD0018232")
            .send()
            .await
            .unwrap()
            .into_data()
            .unwrap();
    }

    let logged = CAPTURE.0.lock().unwrap().clone();
    assert!(logged.contains("get_customer"), "the client logs its calls:\n{logged}");
    assert_eq!(logged.matches("the calls go on unrecorded").count(), 1, "{logged}");
    let answers: Vec<String> =
        server.seen().iter().filter_map(|s| s.header("authorization").map(str::to_string)).collect();
    assert_eq!(answers.len(), 4);
    for secret in [PASSWORD, "another secret"].iter().map(|s| s.to_string()).chain(answers) {
        assert!(!logged.contains(&secret), "logged: {secret}");
        assert!(!shown.contains(&secret), "shown: {secret}");
    }
    // Nor the customer id, which is the customer's.
    assert!(!logged.contains("MTD0018232"), "{logged}");
}
