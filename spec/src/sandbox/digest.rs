//! HTTP Digest (RFC 7616) as a server sees it: challenges with fresh nonces, and
//! answers checked against the password, the nonce's age and its nonce counts.

use md5::Md5;
use sha2::{Digest as _, Sha256};
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The algorithms offered, strongest first; a client picks one.
const ALGORITHMS: [&str; 2] = ["SHA-256", "MD5"];

/// One `Authorization: Digest ...` answer, as sent.
pub struct Answer {
    /// The username.
    pub username: String,
    /// The realm answered.
    pub realm: String,
    /// The nonce answered.
    pub nonce: String,
    /// The request target the answer covers.
    pub uri: String,
    /// `SHA-256` or `MD5` (the default).
    pub algorithm: String,
    /// The quality of protection; only `auth` is accepted.
    pub qop: Option<String>,
    /// The nonce count, 8 hex digits.
    pub nc: String,
    /// The client's nonce.
    pub cnonce: String,
    /// The response hash, in hex.
    pub response: String,
}

impl Answer {
    /// Reads an `Authorization` value; `None` unless it is a complete Digest answer.
    pub fn parse(header: &str) -> Option<Answer> {
        // An answer has the same auth-param grammar as a challenge.
        let parsed = http_auth::parse_challenges(header).ok()?;
        let digest = parsed.into_iter().find(|c| c.scheme.eq_ignore_ascii_case("Digest"))?;
        let param = |name: &str| {
            digest.params.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.to_unescaped())
        };
        Some(Answer {
            username: param("username")?,
            realm: param("realm")?,
            nonce: param("nonce")?,
            uri: param("uri")?,
            algorithm: param("algorithm").unwrap_or_else(|| "MD5".into()),
            qop: param("qop"),
            nc: param("nc").unwrap_or_default(),
            cnonce: param("cnonce").unwrap_or_default(),
            response: param("response")?,
        })
    }

    /// Whether `response` is the one `password` gives for this request (qop `auth` only).
    pub fn proves(&self, password: &str, method: &str) -> bool {
        if self.qop.as_deref() != Some("auth") {
            return false;
        }
        let hash = |text: String| match self.algorithm.to_ascii_uppercase().as_str() {
            "SHA-256" => Some(hex(&Sha256::digest(text.as_bytes()))),
            "MD5" => Some(hex(&Md5::digest(text.as_bytes()))),
            _ => None,
        };
        let expected = (|| {
            let ha1 = hash(format!("{}:{}:{password}", self.username, self.realm))?;
            let ha2 = hash(format!("{method}:{}", self.uri))?;
            hash(format!("{ha1}:{}:{}:{}:auth:{ha2}", self.nonce, self.nc, self.cnonce))
        })();
        expected.is_some_and(|expected| expected.eq_ignore_ascii_case(&self.response))
    }
}

/// Why a request is not let through, and the challenge to send with the 401.
pub enum Refusal {
    /// No answer, or one that does not parse.
    NoAnswer,
    /// Wrong username or password, another realm or URI, or a reused nonce count.
    Wrong,
    /// A correct answer to a nonce that is too old or unknown: `stale=true`.
    Stale,
}

impl Refusal {
    /// How the log names it.
    pub fn name(&self) -> &'static str {
        match self {
            Refusal::NoAnswer => "challenge",
            Refusal::Wrong => "refused",
            Refusal::Stale => "stale nonce",
        }
    }
}

/// The server's side of Digest: the credentials, and the nonces issued with their counts.
pub struct Guard {
    realm: String,
    username: String,
    password: String,
    lifetime: Duration,
    nonces: Mutex<HashMap<String, Issued>>,
}

struct Issued {
    at: Instant,
    counts: HashSet<String>,
}

impl Guard {
    /// A guard accepting one username and password in `realm`; nonces last `lifetime`.
    pub fn new(realm: &str, username: &str, password: &str, lifetime: Duration) -> Guard {
        Guard {
            realm: realm.into(),
            username: username.into(),
            password: password.into(),
            lifetime,
            nonces: Mutex::default(),
        }
    }

    /// Lets the request through, or says why not.
    pub fn check(&self, method: &str, target: &str, authorization: Option<&str>) -> Result<(), Refusal> {
        let answer = authorization.and_then(Answer::parse).ok_or(Refusal::NoAnswer)?;
        if answer.username != self.username
            || answer.realm != self.realm
            || answer.uri != target
            || !answer.proves(&self.password, method)
        {
            return Err(Refusal::Wrong);
        }
        let mut nonces = self.nonces.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let lifetime = self.lifetime;
        nonces.retain(|_, issued| issued.at.elapsed() < lifetime);
        let issued = nonces.get_mut(&answer.nonce).ok_or(Refusal::Stale)?;
        if !issued.counts.insert(answer.nc) {
            return Err(Refusal::Wrong); // a replayed nonce count
        }
        Ok(())
    }

    /// `WWW-Authenticate` values for a 401, one per algorithm, all with one new nonce.
    pub fn challenges(&self, refusal: &Refusal) -> Vec<String> {
        let nonce = fresh_token();
        self.nonces
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(nonce.clone(), Issued { at: Instant::now(), counts: HashSet::new() });
        let stale = if matches!(refusal, Refusal::Stale) { ", stale=true" } else { "" };
        ALGORITHMS
            .iter()
            .map(|algorithm| {
                format!(
                    r#"Digest realm="{}", qop="auth", algorithm={algorithm}, nonce="{nonce}", opaque="{}"{stale}"#,
                    self.realm,
                    &nonce[..16],
                )
            })
            .collect()
    }
}

/// 128 random bits in hex: nonces must not be guessable.
fn fresh_token() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    hex(&bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7616 §3.9.1, SHA-256.
    const RFC_7616_SHA256: &str = r#"Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#;

    #[test]
    fn proves_the_rfc_7616_example() {
        let answer = Answer::parse(RFC_7616_SHA256).unwrap();
        assert!(answer.proves("Circle of Life", "GET"));
        assert!(!answer.proves("Circle of life", "GET"));
        assert!(!answer.proves("Circle of Life", "POST"));
    }

    #[test]
    fn nonces_go_stale_and_counts_cannot_be_replayed() {
        let guard = Guard::new("r", "u", "p", Duration::from_secs(3600));
        let nonce =
            guard.challenges(&Refusal::NoAnswer)[0].split("nonce=\"").nth(1).unwrap()[..32].to_string();
        let answer = |nonce: &str, nc: &str| {
            let ha1 = hex(&Sha256::digest(b"u:r:p"));
            let ha2 = hex(&Sha256::digest(b"GET:/x"));
            let response = hex(&Sha256::digest(format!("{ha1}:{nonce}:{nc}:c:auth:{ha2}").as_bytes()));
            format!(
                r#"Digest username="u", realm="r", uri="/x", algorithm=SHA-256, nonce="{nonce}", nc={nc}, cnonce="c", qop=auth, response="{response}""#
            )
        };
        assert!(guard.check("GET", "/x", Some(&answer(&nonce, "00000001"))).is_ok());
        assert!(matches!(guard.check("GET", "/x", Some(&answer(&nonce, "00000001"))), Err(Refusal::Wrong)));
        assert!(guard.check("GET", "/x", Some(&answer(&nonce, "00000002"))).is_ok());
        assert!(matches!(guard.check("GET", "/y", Some(&answer(&nonce, "00000003"))), Err(Refusal::Wrong)));
        assert!(matches!(
            guard.check("GET", "/x", Some(&answer("unknown", "00000001"))),
            Err(Refusal::Stale)
        ));
        assert!(matches!(guard.check("GET", "/x", None), Err(Refusal::NoAnswer)));

        let expiring = Guard::new("r", "u", "p", Duration::ZERO);
        let nonce =
            expiring.challenges(&Refusal::NoAnswer)[0].split("nonce=\"").nth(1).unwrap()[..32].to_string();
        assert!(matches!(
            expiring.check("GET", "/x", Some(&answer(&nonce, "00000001"))),
            Err(Refusal::Stale)
        ));
        assert!(expiring.challenges(&Refusal::Stale)[0].ends_with("stale=true"));
    }
}
