//! The controls over HTTP, under `/_sandbox/` beside the API: which path and method is
//! which control, whether it changes anything (then it needs the sandbox's Digest
//! credentials; a view needs none), how large a body it reads, and its answer, JSON in
//! the API's envelope. Every refusal is one of the API's: 400 for a body that is not
//! JSON, 422 for one a rule refuses (naming the field).

use super::controls::Controls;
use crate::sandbox::envelope::{envelope, refusal_envelope};
use crate::sandbox::faults::Fault;
use crate::sandbox::limits::{BODY_LIMIT, STATE_BODY_LIMIT};
use crate::sandbox::world::{Holder, Refusal, decimal_from};
use hyper::StatusCode;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::time::{Duration, SystemTime};

/// The prefix every control's path starts with.
pub const PREFIX: &str = "/_sandbox";

/// One control, as a path and method name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// The page a person reads the sandbox on (HTML, served by [`super::dashboard`]).
    Dashboard,
    Reset,
    Clock,
    Balances,
    Customers,
    Baskets,
    ReadState,
    ReplaceState,
    Log,
    ReadFaults,
    SetFaults,
}

/// A request under `/_sandbox/` that names no control.
#[derive(Debug, PartialEq, Eq)]
pub enum Unrouted {
    /// No control has this path.
    NotFound,
    /// The path's controls take these methods.
    Method(&'static str),
}

impl Route {
    /// The control `method path` names, if the path is under [`PREFIX`].
    pub fn find(method: &str, path: &str) -> Option<Result<Route, Unrouted>> {
        let name = path.strip_prefix(PREFIX)?;
        let name = match name {
            "" | "/" => "",
            name => name.strip_prefix('/')?,
        };
        let (allowed, route) = match name.trim_end_matches('/') {
            "" => ("GET", (method == "GET").then_some(Route::Dashboard)),
            "reset" => ("POST", (method == "POST").then_some(Route::Reset)),
            "clock" => ("POST", (method == "POST").then_some(Route::Clock)),
            "balances" => ("PUT", (method == "PUT").then_some(Route::Balances)),
            "customers" => ("POST", (method == "POST").then_some(Route::Customers)),
            "baskets" => ("POST", (method == "POST").then_some(Route::Baskets)),
            "state" => (
                "GET, PUT",
                match method {
                    "GET" => Some(Route::ReadState),
                    "PUT" => Some(Route::ReplaceState),
                    _ => None,
                },
            ),
            "log" => ("GET", (method == "GET").then_some(Route::Log)),
            "faults" => (
                "GET, PUT",
                match method {
                    "GET" => Some(Route::ReadFaults),
                    "PUT" => Some(Route::SetFaults),
                    _ => None,
                },
            ),
            _ => return Some(Err(Unrouted::NotFound)),
        };
        Some(route.ok_or(Unrouted::Method(allowed)))
    }

    /// Whether it changes the sandbox, and so needs its credentials.
    pub fn changes(self) -> bool {
        !matches!(self, Route::Dashboard | Route::ReadState | Route::Log | Route::ReadFaults)
    }

    /// The largest body it reads.
    pub fn body_limit(self) -> usize {
        if self == Route::ReplaceState { STATE_BODY_LIMIT } else { BODY_LIMIT }
    }

    /// How the log names it.
    pub fn name(self) -> &'static str {
        match self {
            Route::Dashboard => "dashboard",
            Route::Reset => "reset",
            Route::Clock => "clock",
            Route::Balances => "balances",
            Route::Customers => "customers",
            Route::Baskets => "baskets",
            Route::ReadState | Route::ReplaceState => "state",
            Route::Log => "log",
            Route::ReadFaults | Route::SetFaults => "faults",
        }
    }

    /// Runs the control on a read `body`: the status and the envelope to answer.
    pub fn answer(self, controls: &Controls, body: &[u8]) -> (StatusCode, Value) {
        let body: Value = if body.iter().all(u8::is_ascii_whitespace) {
            Value::Null
        } else {
            match serde_json::from_slice(body) {
                Ok(body) => body,
                Err(_) => return (StatusCode::BAD_REQUEST, envelope(400, "The body is not JSON")),
            }
        };
        if self.changes() && self != Route::Reset && !body.is_object() {
            return (StatusCode::BAD_REQUEST, envelope(400, "The body is a JSON object"));
        }
        match self.run(controls, &body) {
            Ok(data) => (StatusCode::OK, json!({"success": true, "code": 0, "message": "", "data": data})),
            // A fault (a panic, or a change that could not be saved) names no field:
            // the sandbox failed, not the request.
            Err(refusal) if refusal.field.is_empty() => {
                (StatusCode::INTERNAL_SERVER_ERROR, envelope(500, &refusal.message))
            }
            Err(refusal) => (StatusCode::UNPROCESSABLE_ENTITY, refusal_envelope(&refusal)),
        }
    }

    fn run(self, controls: &Controls, body: &Value) -> Result<Value, Refusal> {
        match self {
            // Never asked for JSON: the server answers it with the page.
            Route::Dashboard => Ok(Value::Null),
            Route::Reset => {
                controls.reset()?;
                Ok(Value::Null)
            }
            Route::Clock => {
                let Some(seconds) = body.get("advance_seconds").and_then(Value::as_u64) else {
                    return refuse("advance_seconds", "a whole number of seconds, 0 or more");
                };
                let now = controls.advance(Duration::from_secs(seconds))?;
                Ok(json!({"now_unix_ms": unix_ms(now)}))
            }
            Route::Balances => {
                let holder = match body.get("customer") {
                    None | Some(Value::Null) => Holder::Partner,
                    Some(Value::String(id)) => Holder::Customer(id),
                    Some(_) => {
                        return refuse("customer", "an external id, or null for the partner's holdings");
                    }
                };
                let Some(code) = body.get("code").and_then(Value::as_str) else {
                    return refuse("code", "a wallet code: GBP, or a metal's (MAU)");
                };
                let balance = decimal_from(body.get("balance"), "balance")?;
                controls.set_balance(holder, code, balance)?;
                Ok(Value::Null)
            }
            Route::Customers => {
                if body.get("external_id").and_then(Value::as_str).is_none_or(str::is_empty) {
                    return refuse("external_id", "a customer needs an external_id");
                }
                controls.create_customer(body)?;
                Ok(Value::Null)
            }
            Route::Baskets => {
                let Some(customer) = body.get("customer").and_then(Value::as_str) else {
                    return refuse("customer", "the external id of the basket's customer");
                };
                let Some(items) = body.get("items").and_then(Value::as_array) else {
                    return refuse("items", "a list of {\"sku\": ..., \"amount\": ...}");
                };
                let mut lines: Vec<(&str, Decimal)> = Vec::new();
                for (index, item) in items.iter().enumerate() {
                    let Some(sku) = item.get("sku").and_then(Value::as_str) else {
                        return refuse(&format!("items.{index}.sku"), "a product's sku");
                    };
                    lines.push((sku, decimal_from(item.get("amount"), &format!("items.{index}.amount"))?));
                }
                let token = controls.add_basket(customer, &lines)?;
                Ok(json!({"cart_token": token}))
            }
            Route::ReadState => controls.snapshot(),
            Route::ReplaceState => {
                controls.restore(body)?;
                Ok(Value::Null)
            }
            // With the sandbox's clock, which a price fix's time left is counted from.
            Route::Log => {
                Ok(json!({"exchanges": controls.exchanges(), "now_unix_ms": unix_ms(controls.clock.now())}))
            }
            Route::ReadFaults => {
                let faults: Vec<String> = controls.faults().iter().map(Fault::to_string).collect();
                Ok(json!({"faults": faults}))
            }
            Route::SetFaults => {
                let Some(texts) = body.get("faults").and_then(Value::as_array) else {
                    return refuse("faults", "a list of OPERATION:KIND:PROBABILITY[:DURATION]");
                };
                let mut faults = Vec::new();
                for (index, text) in texts.iter().enumerate() {
                    let field = format!("faults.{index}");
                    let Some(text) = text.as_str() else { return refuse(&field, "a fault is text") };
                    let fault =
                        text.parse::<Fault>().map_err(|e| Refusal { field, message: e.to_string() })?;
                    faults.push(fault);
                }
                controls
                    .set_faults(faults)
                    .map_err(|e| Refusal { field: "faults".into(), message: e.to_string() })?;
                Ok(Value::Null)
            }
        }
    }
}

fn unix_ms(at: SystemTime) -> u64 {
    at.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

fn refuse<T>(field: &str, message: &str) -> Result<T, Refusal> {
    Err(Refusal { field: field.into(), message: message.into() })
}
