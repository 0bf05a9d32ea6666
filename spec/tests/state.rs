//! `--state FILE`: the sandbox killed with SIGKILL in the middle of concurrent buys
//! loses no buy it acknowledged and keeps none half-made; a restart resumes the world,
//! the feed's position, the live tokens and a manual clock; a state file that cannot be
//! read stops the start, naming it; a change that cannot be saved is not acknowledged.

use minted_spec::sandbox::{Clock, Holder, Running, Sandbox, StartError};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use support::signed_at;

#[path = "support/child.rs"]
mod child;
#[path = "support/raw.rs"]
mod support;

/// A new, empty folder under the test's target directory.
fn folder(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("state-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A child killed when dropped, so that a failed test leaves no sandbox running.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `minted-sandbox --state file` on a free port: the child and its address.
fn start_child(file: &Path) -> (Killed, SocketAddr) {
    let folder = file.parent().unwrap();
    let (child, addr) = child::start(&["--state".as_ref(), file.as_os_str()], folder);
    let child = Killed(child);
    (child, addr.unwrap_or_else(|line| panic!("no address: {line}")))
}

const BUYS: usize = 200;
const GBP: i64 = 1_000_000;

/// The customer's balance in `code`, from the state as `GET /_sandbox/state` shows it.
async fn balance(addr: SocketAddr, customer: &str, code: &str) -> Decimal {
    let (_, state) = signed_at(addr, "GET", "/_sandbox/state", &Value::Null).await;
    let customers = state["data"]["customers"].as_array().cloned().unwrap_or_default();
    let found = customers.iter().find(|c| c["profile"]["external_id"] == customer);
    let text = found.and_then(|c| c["wallets"][code].as_str()).unwrap_or("0");
    text.parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sigkill_during_concurrent_buys_loses_no_acknowledged_one_and_leaves_none_half_made() {
    let file = folder("crash").join("state.json");
    let (child, addr) = start_child(&file);
    let customer = json!({"external_id": "CRASH", "firstname": "Ada", "lastname": "Lovelace",
                          "email": "ada@example.org", "phone": "+440000000000", "identity_number": "000"});
    assert_eq!(signed_at(addr, "POST", "/_sandbox/customers", &customer).await.0, 200);
    let cash = json!({"customer": "CRASH", "code": "GBP", "balance": GBP.to_string()});
    assert_eq!(signed_at(addr, "PUT", "/_sandbox/balances", &cash).await.0, 200);
    let fix = json!({"type": "digital", "customer_external_id": "CRASH"});
    let (status, fixed) = signed_at(addr, "POST", "/partner/pricefix", &fix).await;
    assert_eq!(status, 200, "{fixed}");
    let token = fixed["data"]["token"].as_str().unwrap().to_string();

    let answered = Arc::new(AtomicUsize::new(0));
    let halfway = Arc::new(tokio::sync::Notify::new());
    let mut buys = tokio::task::JoinSet::new();
    for n in 0..BUYS {
        let body = json!({"price_token": token, "external_id": format!("BUY-{n}"), "customer": customer,
                          "items": [{"sku": "GAU", "amount": 1}]});
        let (answered, halfway) = (Arc::clone(&answered), Arc::clone(&halfway));
        buys.spawn(async move {
            let (status, _) = signed_at(addr, "POST", "/partner/order/digital/buy", &body).await;
            if answered.fetch_add(1, Ordering::SeqCst) + 1 == BUYS / 2 {
                halfway.notify_one();
            }
            (n, status)
        });
    }
    halfway.notified().await;
    drop(child);
    let mut acknowledged = Vec::new();
    while let Some(done) = buys.join_next().await {
        let (n, status) = done.unwrap();
        assert!(matches!(status, 0 | 200), "BUY-{n}: {status}");
        if status == 200 {
            acknowledged.push(n);
        }
    }
    eprintln!("{} of {BUYS} buys acknowledged before the kill", acknowledged.len());

    let (_child, addr) = start_child(&file);
    let mut found = 0i64;
    for n in 0..BUYS {
        let (status, order) = signed_at(addr, "GET", &format!("/partner/order/BUY-{n}"), &Value::Null).await;
        assert!(matches!(status, 200 | 422), "BUY-{n}: {status} {order}");
        if status == 200 {
            found += 1;
            assert_eq!(order["data"]["external_id"], format!("BUY-{n}"));
        } else {
            assert!(!acknowledged.contains(&n), "BUY-{n} was acknowledged and is lost: {order}");
        }
    }
    assert!(found >= acknowledged.len() as i64, "{found} < {}", acknowledged.len());
    // Whole buys only: the metal is one gram per order kept, and a buy is paid outside
    // the wallets (SANDBOX.md), so the cash is where it was set.
    assert_eq!(balance(addr, "CRASH", "MAU").await, Decimal::from(found));
    assert_eq!(balance(addr, "CRASH", "GBP").await, Decimal::from(GBP));

    assert_eq!(signed_at(addr, "POST", "/_sandbox/reset", &Value::Null).await.0, 200);
    let (status, _) = signed_at(addr, "GET", "/partner/order/BUY-0", &Value::Null).await;
    assert_eq!(status, 422, "the reset forgot the orders");
    let saved: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let customers = saved["world"]["customers"].as_array().unwrap();
    assert!(!customers.iter().any(|c| c["profile"]["external_id"] == "CRASH"), "the file holds the reset");
}

/// A sandbox of the test's own, on a manual clock, kept in `file`.
async fn kept(file: &Path, clock: Clock) -> Result<Running, StartError> {
    Sandbox::default().log(|_| {}).clock(clock).state_file(file).start(([127, 0, 0, 1], 0).into()).await
}

#[tokio::test]
async fn a_restart_resumes_the_world_the_feed_the_live_tokens_and_a_manual_clock() {
    let file = folder("resume").join("state.json");
    let running = kept(&file, Clock::fixed()).await.unwrap();
    running.create_customer(&json!({"external_id": "C1"})).unwrap();
    let fix = json!({"type": "digital"});
    let (_, first) = signed_at(running.addr(), "POST", "/partner/pricefix", &fix).await;
    let (status, _) =
        signed_at(running.addr(), "POST", "/_sandbox/clock", &json!({"advance_seconds": 60})).await;
    assert_eq!(status, 200);
    let now = running.clock().now();
    // What the next price fix would quote, had the sandbox not stopped.
    let (_, next) = signed_at(running.addr(), "POST", "/partner/pricefix", &fix).await;
    drop(running);
    std::fs::remove_file(&file).unwrap();
    let running = kept(&file, Clock::fixed()).await.unwrap();
    running.create_customer(&json!({"external_id": "C1"})).unwrap();
    signed_at(running.addr(), "POST", "/partner/pricefix", &fix).await;
    signed_at(running.addr(), "POST", "/_sandbox/clock", &json!({"advance_seconds": 60})).await;
    drop(running);

    let resumed = kept(&file, Clock::fixed()).await.unwrap();
    assert_eq!(resumed.clock().now(), now, "the manual clock resumed");
    assert!(resumed.balance(Holder::Customer("C1"), "GBP").is_ok(), "the customer is kept");
    let (_, again) = signed_at(resumed.addr(), "POST", "/partner/pricefix", &fix).await;
    assert_eq!(again["data"]["token"], next["data"]["token"], "the feed's stream went on");
    assert_eq!(again["data"]["prices"], next["data"]["prices"], "the feed's walk went on");
    let state = resumed.state().unwrap();
    let tokens: Vec<&Value> = state["fixes"].as_array().unwrap().iter().map(|f| &f["token"]).collect();
    assert!(tokens.contains(&&first["data"]["token"]), "the live token is kept: {tokens:?}");
}

#[tokio::test]
async fn an_unreadable_state_file_stops_the_start_naming_it() {
    let file = folder("corrupt").join("state.json");
    std::fs::write(&file, b"{\"version\": 1, \"world\": ").unwrap();
    match kept(&file, Clock::fixed()).await {
        Err(error @ StartError::State { .. }) => assert!(error.to_string().contains("state.json"), "{error}"),
        other => panic!("started: {:?}", other.map(|r| r.url())),
    }
    assert_eq!(std::fs::read(&file).unwrap(), b"{\"version\": 1, \"world\": ", "the file is kept");
}

#[tokio::test]
async fn a_change_that_cannot_be_saved_is_refused_and_undone() {
    let file = folder("unsaved").join("state.json");
    let running = kept(&file, Clock::fixed()).await.unwrap();
    let addr = running.addr();
    // A folder where the next save writes its temporary file: that save fails.
    let blocker = file.with_file_name("state.json.tmp");
    std::fs::create_dir(&blocker).unwrap();
    let (status, refused) =
        signed_at(addr, "POST", "/_sandbox/customers", &json!({"external_id": "C1"})).await;
    assert_eq!((status, refused["code"].as_u64()), (500, Some(500)), "{refused}");
    let (status, refused) = signed_at(addr, "POST", "/_sandbox/clock", &json!({"advance_seconds": 5})).await;
    assert_eq!(status, 500, "{refused}");
    let fix = json!({"type": "digital"});
    let (status, refused) = signed_at(addr, "POST", "/partner/pricefix", &fix).await;
    assert_eq!((status, refused["code"].as_u64()), (500, Some(500)), "{refused}");
    assert!(running.balance(Holder::Customer("C1"), "GBP").is_err(), "the customer was not kept");
    assert_eq!(running.clock().now(), Clock::fixed().now(), "the clock was put back");
    assert!(running.state().unwrap()["fixes"].as_array().unwrap().is_empty(), "no fix was kept");

    std::fs::remove_dir(&blocker).unwrap();
    let (status, _) = signed_at(addr, "POST", "/_sandbox/customers", &json!({"external_id": "C1"})).await;
    assert_eq!(status, 200);
    assert!(running.balance(Holder::Customer("C1"), "GBP").is_ok());
}
