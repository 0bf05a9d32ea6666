//! The client's tracing: one span per call, named for the operation, with the
//! method, the path template, the attempts, the status and the latency; the Digest
//! steps and retries as events inside it; and no customer id, password or
//! `Authorization` value in any span or event, the HTTP stack's own included.

mod support;

use minted_connect::prelude::*;
use minted_connect::{Client, IntoData, RetryPolicy, types};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use support::{Challenges, PASSWORD, Reply, Server, USERNAME, recorded_body, untimed_http};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// A span as captured: its name and fields, and the events inside it.
#[derive(Clone, Debug, Default)]
struct Captured {
    name: String,
    fields: BTreeMap<String, String>,
    events: Vec<BTreeMap<String, String>>,
}

#[derive(Clone, Default)]
struct Capture {
    spans: Arc<Mutex<Vec<Captured>>>,
    /// Every field of every span and event, whoever emitted it.
    everything: Arc<Mutex<String>>,
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_string(), format!("{value:?}").trim_matches('"').to_string());
    }
}

/// Where a span's captured record is, kept in the span's extensions.
struct Index(usize);

impl<S: tracing::Subscriber + for<'a> LookupSpan<'a>> tracing_subscriber::Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        attrs.record(&mut Fields(&mut fields));
        *self.everything.lock().unwrap() += &format!("{} {fields:?}\n", attrs.metadata().name());
        let mut spans = self.spans.lock().unwrap();
        spans.push(Captured { name: attrs.metadata().name().to_string(), fields, events: Vec::new() });
        ctx.span(id).unwrap().extensions_mut().insert(Index(spans.len() - 1));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let span = ctx.span(id).unwrap();
        let Some(Index(at)) = span.extensions().get::<Index>().map(|i| Index(i.0)) else { return };
        let mut spans = self.spans.lock().unwrap();
        values.record(&mut Fields(&mut spans[at].fields));
        *self.everything.lock().unwrap() += &format!("{:?}\n", spans[at].fields);
    }

    fn on_event(&self, event: &tracing::Event<'_>, ctx: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        *self.everything.lock().unwrap() += &format!("{fields:?}\n");
        let Some(span) = ctx.event_span(event) else { return };
        if let Some(Index(at)) = span.extensions().get::<Index>() {
            self.spans.lock().unwrap()[*at].events.push(fields);
        }
    }
}

#[tokio::test(start_paused = true)]
async fn each_call_is_one_span_with_its_operation_and_no_secrets() {
    let capture = Capture::default();
    let _default = tracing::subscriber::set_default(tracing_subscriber::registry().with(capture.clone()));

    let answered = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&answered);
    let server = Server::digest(
        Challenges::Standard { md5_first: false },
        PASSWORD,
        Box::new(move |_| match counter.fetch_add(1, Ordering::SeqCst) {
            1 => Reply::Raw {
                status: 503,
                content_type: "text/plain",
                body: "down".into(),
                extra_headers: vec![],
            },
            _ => Reply::Json(200, recorded_body("get_customer/get-customer.json")),
        }),
    )
    .await;
    let http = untimed_http().build().unwrap();
    let client = Client::builder()
        .base_url(&server.url)
        .credentials(USERNAME, PASSWORD)
        .http_client(http)
        .retry(RetryPolicy::default())
        .build()
        .unwrap();
    for _ in 0..2 {
        let customer: types::CustomerWithWallets =
            client.get_customer().external_customer_id("MTD0018232").send().await.into_data().unwrap();
        assert_eq!(customer.external_id, "test0101010");
    }

    let spans = capture.spans.lock().unwrap().clone();
    let calls: Vec<&Captured> = spans.iter().filter(|s| s.name == "get_customer").collect();
    assert_eq!(calls.len(), 2, "one span per call: {spans:#?}");
    for call in &calls {
        assert_eq!(call.fields["method"], "GET");
        assert_eq!(call.fields["path"], "/partner/customer/{external_customer_id}");
        assert_eq!(call.fields["status"], "200");
        assert!(call.fields["latency_ms"].parse::<u64>().is_ok(), "{call:?}");
    }
    let messages = |call: &Captured| -> Vec<String> {
        call.events.iter().filter_map(|e| e.get("message").cloned()).collect()
    };

    // The first call makes first contact and answers the challenge.
    assert_eq!(calls[0].fields["attempts"], "1");
    let first = messages(calls[0]);
    assert!(first.iter().any(|m| m == "challenged; answering once"), "{first:?}");

    // The second meets one 503 and retries.
    assert_eq!(calls[1].fields["attempts"], "2");
    let retried = calls[1].events.iter().find(|e| e.get("message").map(String::as_str) == Some("retrying"));
    let retried = retried.unwrap_or_else(|| panic!("{:?}", calls[1].events));
    assert_eq!(retried["attempt"], "1");
    assert_eq!(retried["ending"], "Status(503)");

    let everything = capture.everything.lock().unwrap().clone();
    let answers: Vec<String> =
        server.seen().iter().filter_map(|s| s.header("authorization").map(str::to_string)).collect();
    assert!(!answers.is_empty());
    for secret in ["MTD0018232", PASSWORD, "Digest "].into_iter().map(String::from).chain(answers) {
        assert!(!everything.contains(&secret), "{secret} in:\n{everything}");
    }
}
