//! The placement's tracing: every step an event in the call's `place` span, with the
//! operation and the order's `external_id`, and no customer's data. A file of its own:
//! a subscriber set for one test misses events whose callsites another test's thread
//! registers at the same moment (tracing caches each callsite's interest), so this
//! binary runs only this test.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use support::place::{CUSTOMER, Step, client, place, scripted};

/// A `tracing` writer into a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn every_step_is_an_event_in_the_place_span_without_personal_data() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _default = tracing::subscriber::set_default(subscriber);

    let server =
        scripted(&[Step::Lost, Step::Duplicate], &[Step::Missing, Step::Missing, Step::Missing, Step::Found])
            .await;
    place(&client(&server)).await.unwrap();

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let place_lines: Vec<&str> = log.lines().filter(|line| line.contains("place{")).collect();
    for step in [
        "sent send=1",
        "ambiguous: may have reached the server",
        "lookup: not found",
        "believed not placed; resending",
        "sent send=2",
        "resend refused; looking up once more",
        "lookup: found",
        "resolved resolution=ByLookup",
    ] {
        assert!(place_lines.iter().any(|line| line.contains(step)), "no {step:?} in the place span:\n{log}");
    }
    assert!(place_lines.iter().all(|line| line.contains(r#"operation="buy" external_id=ORDER-7"#)), "{log}");
    for personal in [CUSTOMER, "Ada", "Lovelace", "ada@example.com", "+440000000000"] {
        assert!(!log.contains(personal), "{personal} in the log:\n{log}");
    }
}
