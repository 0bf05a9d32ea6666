//! Which values in a JSON body are a person's data, and taking them out.
//!
//! The spec marks such fields (`x-sensitive`), and the recorder and `Debug` follow
//! the marks. An open schema or an undocumented field carries no mark, so a rule by
//! name is the second line of defence, applied to every body whatever its schema: a
//! field is personal when the spec marks a field of that name anywhere, or when its
//! name says so (names, e-mail, phone, identity and tax numbers, birth date, address
//! lines, card fields, IP address, password).

use crate::operations::MARKED_NAMES;
use serde::Serialize;
use serde_json::Value;

/// Names, compared lowercase and without `_`, `-` or spaces, that hold a person's
/// data in any API. Bare `name` is not among them: products and wallets have one.
#[rustfmt::skip]
const PERSONAL: [&str; 52] = [
    // names
    "firstname", "middlename", "lastname", "fullname", "surname", "givenname", "familyname",
    "customername", "holdername", "cardholder", "cardholdername", "accountholder",
    // how to reach them
    "email", "mail", "phone", "mobile", "gsm", "telephone", "tel",
    // who they are
    "identitynumber", "identityno", "nationalid", "tckn", "ssn", "passportnumber", "taxnumber",
    "taxno", "taxid", "vkn", "vatnumber", "birthdate", "dateofbirth", "dob", "birthday",
    // where they live
    "address", "addressline1", "addressline2", "street", "zipcode", "postcode", "postalcode",
    // how they pay, and where from
    "cardnumber", "pan", "cvv", "cvc", "cardexpiry", "expirydate", "cardtoken", "iban",
    "ip", "ipaddress", "password",
];

/// Endings that make a name personal whatever comes before them: `customer_email`,
/// `billing_phone`, `shipping_address`, `card_holder_name`.
#[rustfmt::skip]
const PERSONAL_ENDINGS: [&str; 14] = [
    "firstname", "lastname", "fullname", "holdername", "email", "phone", "birthdate",
    "identitynumber", "taxnumber", "address", "street", "zipcode", "cardnumber", "password",
];

/// Shorter sent values are only replaced where they are a whole value, not inside
/// another: a two-letter name would otherwise cut through every text.
const SHORTEST_INSIDE: usize = 4;

/// Whether a field of this name holds a person's data.
pub(crate) fn is_personal(name: &str) -> bool {
    let key: String =
        name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
    // `customer_ip`, `clientIp`: an `ip` ending only after a separator or a capital,
    // since `ship` and `zip` end alike.
    let ip_ending = ["_ip", "-ip", " ip"].iter().any(|end| name.to_ascii_lowercase().ends_with(end))
        || name.ends_with("Ip");
    PERSONAL.contains(&key.as_str())
        || PERSONAL_ENDINGS.iter().any(|ending| key.ends_with(ending))
        || ip_ending
        || MARKED_NAMES.iter().any(|marked| marked.eq_ignore_ascii_case(name))
}

/// What a personal value becomes.
#[derive(Clone, Copy)]
pub(crate) enum Placeholder {
    /// In a recording: a string `REDACTED`, a number 0, so the JSON keeps its types.
    Recording,
    /// In `Debug` output: `<masked>`.
    Debug,
}

impl Placeholder {
    fn for_value(self, value: &Value) -> Option<Value> {
        match (self, value) {
            (_, Value::Null | Value::Bool(_) | Value::Object(_) | Value::Array(_)) => None,
            (Placeholder::Recording, Value::Number(_)) => Some(Value::from(0)),
            (Placeholder::Recording, Value::String(_)) => Some(Value::from("REDACTED")),
            (Placeholder::Debug, _) => Some(Value::from("<masked>")),
        }
    }
}

/// Replaces every text or number held under a personal name, at any depth. An object
/// under such a name is walked, not blanked: its own names decide (an order's
/// `address` holds an invoice type as well as address lines).
pub(crate) fn mask(value: &mut Value, placeholder: Placeholder) {
    match value {
        Value::Object(object) => {
            for (name, inner) in object.iter_mut() {
                if is_personal(name) {
                    mask_all(inner, placeholder);
                } else {
                    mask(inner, placeholder);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| mask(item, placeholder)),
        _ => {}
    }
}

/// Under a personal name: its texts and numbers, and those of its arrays; objects by their names.
fn mask_all(value: &mut Value, placeholder: Placeholder) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(|item| mask_all(item, placeholder)),
        Value::Object(_) => mask(value, placeholder),
        scalar => {
            if let Some(replacement) = placeholder.for_value(scalar) {
                *scalar = replacement;
            }
        }
    }
}

/// The texts and numbers (as their text) held under personal names, at any depth:
/// what a request sent that must appear nowhere in a recording.
pub(crate) fn personal_values(value: &Value, found: &mut Vec<String>) {
    fn all(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::String(text) if !text.trim().is_empty() => found.push(text.trim().to_string()),
            Value::Number(number) => found.push(number.to_string()),
            Value::Array(items) => items.iter().for_each(|item| all(item, found)),
            Value::Object(_) => personal_values(value, found),
            _ => {}
        }
    }
    match value {
        Value::Object(object) => {
            for (name, inner) in object {
                if is_personal(name) { all(inner, found) } else { personal_values(inner, found) }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| personal_values(item, found)),
        _ => {}
    }
}

/// Takes each of `sent` out of `text`: the whole text when it is one, else every
/// place it occurs inside (for values long enough to tell apart). `true` if it changed.
pub(crate) fn scrub_text(text: &mut String, sent: &[String]) -> bool {
    let mut changed = false;
    for value in sent {
        if text.trim() == value {
            *text = "REDACTED".into();
            return true;
        }
        if value.chars().count() >= SHORTEST_INSIDE && text.contains(value.as_str()) {
            *text = text.replace(value.as_str(), "REDACTED");
            changed = true;
        }
    }
    changed
}

/// Takes each of `sent` out of every text and number in `value`, whatever its name:
/// a server that echoes a name into a message, or a phone into an unmarked field.
pub(crate) fn scrub(value: &mut Value, sent: &[String]) {
    match value {
        Value::String(text) => {
            scrub_text(text, sent);
        }
        Value::Number(number) => {
            let text = number.to_string();
            if text.len() >= SHORTEST_INSIDE && sent.contains(&text) {
                *value = Value::from(0);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| scrub(item, sent)),
        Value::Object(object) => object.values_mut().for_each(|inner| scrub(inner, sent)),
        _ => {}
    }
}

/// Shows an open JSON field in `Debug` (the generated types use it) as JSON, with
/// every personal value `<masked>`.
pub(crate) struct Masked<'a, T>(pub &'a T);

impl<T: Serialize> std::fmt::Debug for Masked<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match serde_json::to_value(self.0) {
            Ok(mut value) => {
                mask(&mut value, Placeholder::Debug);
                write!(f, "{value}")
            }
            Err(_) => f.write_str("<not shown>"),
        }
    }
}

#[cfg(test)]
mod tests;
