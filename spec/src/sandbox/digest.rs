//! HTTP Digest (RFC 7616) as a server sees it: challenges with fresh nonces, and
//! answers checked against the password, the nonce's age and its nonce counts.

use super::limits::MAX_NONCES;
use md5::Md5;
use sha2::{Digest as _, Sha256};
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq;

/// Which Digest algorithms the sandbox offers, one challenge each.
///
/// Both, MD5 first: RFC 7616 lets a client answer the first challenge it supports, and
/// some read only the first (Python's `urllib` refuses the whole 401 when that one is
/// SHA-256); every common client supports MD5, which is also what a challenge naming
/// no algorithm (the docs' own example) means. A client that chooses the stronger, as
/// this crate's does, still finds SHA-256 offered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DigestAlgorithms {
    /// MD5 only.
    Md5,
    /// SHA-256 only: for a test that a client answers it.
    Sha256,
    /// MD5, then SHA-256.
    #[default]
    Both,
}

impl DigestAlgorithms {
    /// The algorithms offered, in the order of their challenges.
    fn offered(self) -> &'static [&'static str] {
        match self {
            DigestAlgorithms::Md5 => &["MD5"],
            DigestAlgorithms::Sha256 => &["SHA-256"],
            DigestAlgorithms::Both => &["MD5", "SHA-256"],
        }
    }
}

impl std::str::FromStr for DigestAlgorithms {
    type Err = String;

    /// `md5`, `sha-256` or `both`, in any case.
    fn from_str(text: &str) -> Result<DigestAlgorithms, String> {
        match text.to_ascii_lowercase().as_str() {
            "md5" => Ok(DigestAlgorithms::Md5),
            "sha-256" => Ok(DigestAlgorithms::Sha256),
            "both" => Ok(DigestAlgorithms::Both),
            _ => Err(format!("`{text}` is not md5, sha-256 or both")),
        }
    }
}

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
    /// The `opaque` of the challenge, sent back unchanged.
    pub opaque: Option<String>,
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
            opaque: param("opaque"),
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
        // In constant time, so that how long a refusal takes tells nothing of how
        // much of a guess was right.
        let response = self.response.to_ascii_lowercase();
        expected.is_some_and(|expected| bool::from(expected.as_bytes().ct_eq(response.as_bytes())))
    }
}

/// Why a request is not let through, and the challenge to send with the 401.
pub enum Refusal {
    /// No answer, or one that does not parse.
    NoAnswer,
    /// Wrong username or password, another realm or URI, or a reused nonce count.
    Wrong,
    /// A correct answer to a nonce that is too old or unknown, or with a count too far
    /// below its highest to tell whether it was used: `stale=true`.
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
    algorithms: DigestAlgorithms,
    nonces: Mutex<Nonces>,
}

/// Outstanding nonces, looked up by value and expired oldest first, both in constant time.
#[derive(Default)]
struct Nonces {
    by_value: HashMap<String, Issued>,
    in_issue_order: VecDeque<(Instant, String)>,
}

/// How many nonce counts below a nonce's highest are remembered as used or not. A
/// client with requests in flight may send counts out of order, though never this far.
pub const COUNT_WINDOW: u32 = 128;

/// The counts used with one nonce, in constant space however many requests it signs
/// (a set of every count would grow for as long as the nonce lives): the highest, and
/// a bitmap of the [`COUNT_WINDOW`] counts ending at it. A count below the window
/// cannot be told used or not, so it is refused as stale: the client gets a fresh nonce.
#[derive(Default)]
struct Issued {
    /// The highest count used; 0 before the first (counts start at 1).
    highest: u32,
    /// Bit `i` set: count `highest - i` was used.
    used: u128,
}

impl Issued {
    /// Records `count` as used, or says why it may not be.
    fn use_count(&mut self, count: u32) -> Result<(), Refusal> {
        if count > self.highest {
            let ahead = count - self.highest;
            let still_in_window = if ahead < COUNT_WINDOW { self.used << ahead } else { 0 };
            self.used = still_in_window | 1;
            self.highest = count;
            return Ok(());
        }
        let behind = self.highest - count;
        if behind >= COUNT_WINDOW {
            return Err(Refusal::Stale);
        }
        let bit = 1u128 << behind;
        if self.used & bit != 0 {
            return Err(Refusal::Wrong); // a replayed nonce count
        }
        self.used |= bit;
        Ok(())
    }
}

impl Nonces {
    /// Forgets the nonces older than `lifetime`, and the oldest past `MAX_NONCES - room`.
    fn prune(&mut self, lifetime: Duration, room: usize) {
        while let Some((at, nonce)) = self.in_issue_order.front() {
            if at.elapsed() < lifetime && self.in_issue_order.len() + room <= MAX_NONCES {
                break;
            }
            self.by_value.remove(nonce);
            self.in_issue_order.pop_front();
        }
    }
}

impl Guard {
    /// How many nonces are outstanding.
    pub fn outstanding(&self) -> usize {
        self.nonces.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).by_value.len()
    }

    /// A guard accepting one username and password in `realm`; nonces last `lifetime`.
    pub fn new(realm: &str, username: &str, password: &str, lifetime: Duration) -> Guard {
        Guard {
            realm: realm.into(),
            username: username.into(),
            password: password.into(),
            lifetime,
            algorithms: DigestAlgorithms::default(),
            nonces: Mutex::default(),
        }
    }

    /// Offers (and accepts answers with) only these algorithms.
    pub fn algorithms(self, algorithms: DigestAlgorithms) -> Guard {
        Guard { algorithms, ..self }
    }

    /// Lets the request through, or says why not.
    pub fn check(&self, method: &str, target: &str, authorization: Option<&str>) -> Result<(), Refusal> {
        let answer = authorization.and_then(Answer::parse).ok_or(Refusal::NoAnswer)?;
        let same_username = bool::from(answer.username.as_bytes().ct_eq(self.username.as_bytes()));
        let offered = self.algorithms.offered().iter().any(|a| a.eq_ignore_ascii_case(&answer.algorithm));
        if !same_username
            || !offered
            || answer.realm != self.realm
            || answer.uri != target
            || !answer.proves(&self.password, method)
        {
            return Err(Refusal::Wrong);
        }
        // RFC 7616: eight hex digits, counting from 1 (`from_str_radix` alone takes a sign).
        let hex_digits = answer.nc.len() == 8 && answer.nc.bytes().all(|b| b.is_ascii_hexdigit());
        let count = hex_digits.then(|| u32::from_str_radix(&answer.nc, 16).ok()).flatten();
        let count = count.filter(|&n| n > 0).ok_or(Refusal::Wrong)?;
        let mut nonces = self.nonces.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        nonces.prune(self.lifetime, 0);
        let issued = nonces.by_value.get_mut(&answer.nonce).ok_or(Refusal::Stale)?;
        // The opaque we issued with a nonce is its first 16 characters; it must come back.
        if answer.opaque.as_deref() != answer.nonce.get(..16) {
            return Err(Refusal::Wrong);
        }
        issued.use_count(count)
    }

    /// `WWW-Authenticate` values for a 401, one per algorithm, all with one new nonce.
    pub fn challenges(&self, refusal: &Refusal) -> Vec<String> {
        let nonce = fresh_token();
        let mut nonces = self.nonces.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        nonces.prune(self.lifetime, 1);
        nonces.by_value.insert(nonce.clone(), Issued::default());
        nonces.in_issue_order.push_back((Instant::now(), nonce.clone()));
        drop(nonces);
        let stale = if matches!(refusal, Refusal::Stale) { ", stale=true" } else { "" };
        self.algorithms
            .offered()
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
    use super::{Answer, COUNT_WINDOW, DigestAlgorithms, Guard, Refusal, hex};
    use crate::sandbox::limits::MAX_NONCES;
    use sha2::{Digest as _, Sha256};
    use std::time::Duration;

    /// RFC 7616 §3.9.1, SHA-256.
    const RFC_7616_SHA256: &str = r#"Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#;

    #[test]
    fn proves_the_rfc_7616_example() {
        let answer = Answer::parse(RFC_7616_SHA256).unwrap();
        assert!(answer.proves("Circle of Life", "GET"));
        assert!(!answer.proves("Circle of life", "GET"));
        assert!(!answer.proves("Circle of Life", "POST"));
        // The hash compares without regard to case, and not by its prefix.
        let shouted = RFC_7616_SHA256.replace("753927fa0e85d155", "753927FA0E85D155");
        assert!(Answer::parse(&shouted).unwrap().proves("Circle of Life", "GET"));
        let cut = RFC_7616_SHA256.replace("8db5856cb6c1\"", "8db5856cb6c\"");
        assert!(!Answer::parse(&cut).unwrap().proves("Circle of Life", "GET"));
    }

    #[test]
    fn outstanding_nonces_are_capped_oldest_first() {
        let guard = Guard::new("r", "u", "p", Duration::from_secs(3600));
        let first = guard.challenges(&Refusal::NoAnswer)[0].clone();
        for _ in 0..MAX_NONCES + 50 {
            guard.challenges(&Refusal::NoAnswer);
        }
        assert_eq!(guard.outstanding(), MAX_NONCES);
        let first_nonce = first.split("nonce=\"").nth(1).unwrap()[..32].to_string();
        assert!(!guard.nonces.lock().unwrap().by_value.contains_key(&first_nonce), "the oldest went first");
    }

    fn nonce_of(challenge: &str) -> String {
        challenge.split("nonce=\"").nth(1).unwrap()[..32].to_string()
    }

    /// A correct answer to `nonce` with count `nc` (as sent), for `GET /x` as `u`/`p` in `r`.
    fn answer(nonce: &str, nc: &str) -> String {
        let ha1 = hex(&Sha256::digest(b"u:r:p"));
        let ha2 = hex(&Sha256::digest(b"GET:/x"));
        let response = hex(&Sha256::digest(format!("{ha1}:{nonce}:{nc}:c:auth:{ha2}").as_bytes()));
        let opaque = nonce.get(..16).unwrap_or(nonce);
        format!(
            r#"Digest username="u", realm="r", uri="/x", algorithm=SHA-256, nonce="{nonce}", nc={nc}, cnonce="c", qop=auth, response="{response}", opaque="{opaque}""#
        )
    }

    #[test]
    fn nonces_go_stale_and_counts_cannot_be_replayed() {
        let guard = Guard::new("r", "u", "p", Duration::from_secs(3600));
        let nonce = nonce_of(&guard.challenges(&Refusal::NoAnswer)[0]);
        assert!(guard.check("GET", "/x", Some(&answer(&nonce, "00000001"))).is_ok());
        assert!(matches!(guard.check("GET", "/x", Some(&answer(&nonce, "00000001"))), Err(Refusal::Wrong)));
        assert!(guard.check("GET", "/x", Some(&answer(&nonce, "00000002"))).is_ok());
        assert!(matches!(guard.check("GET", "/y", Some(&answer(&nonce, "00000003"))), Err(Refusal::Wrong)));
        assert!(matches!(
            guard.check("GET", "/x", Some(&answer("unknown", "00000001"))),
            Err(Refusal::Stale)
        ));
        assert!(matches!(guard.check("GET", "/x", None), Err(Refusal::NoAnswer)));
        assert!(matches!(guard.check("GET", "/x", Some(&answer(&nonce, "00000000"))), Err(Refusal::Wrong)));
        let without_opaque =
            answer(&nonce, "00000009").replace(&format!(r#", opaque="{}""#, &nonce[..16]), "");
        assert!(matches!(guard.check("GET", "/x", Some(&without_opaque)), Err(Refusal::Wrong)));
        let other_opaque = answer(&nonce, "0000000a").replace(&nonce[..16], "0123456789abcdef");
        assert!(guard.check("GET", "/x", Some(&other_opaque)).is_err());

        let expiring = Guard::new("r", "u", "p", Duration::ZERO);
        let nonce = nonce_of(&expiring.challenges(&Refusal::NoAnswer)[0]);
        assert!(matches!(
            expiring.check("GET", "/x", Some(&answer(&nonce, "00000001"))),
            Err(Refusal::Stale)
        ));
        assert!(expiring.challenges(&Refusal::Stale)[0].ends_with("stale=true"));
    }

    /// MD5 first, for the clients that read only the first challenge; SHA-256 too;
    /// and a restricted guard offers and accepts only its own.
    #[test]
    fn challenges_offer_md5_first_and_can_be_restricted() {
        let algorithm = |challenge: &String| challenge.split("algorithm=").nth(1).unwrap()[..3].to_string();
        let both = Guard::new("r", "u", "p", Duration::from_secs(3600));
        let offered: Vec<String> = both.challenges(&Refusal::NoAnswer).iter().map(algorithm).collect();
        assert_eq!(offered, ["MD5", "SHA"]);
        let nonce = nonce_of(&both.challenges(&Refusal::NoAnswer)[0]);
        assert!(both.check("GET", "/x", Some(&answer(&nonce, "00000001"))).is_ok(), "SHA-256 is accepted");

        let md5 = Guard::new("r", "u", "p", Duration::from_secs(3600)).algorithms(DigestAlgorithms::Md5);
        let challenges = md5.challenges(&Refusal::NoAnswer);
        assert_eq!(challenges.iter().map(algorithm).collect::<Vec<_>>(), ["MD5"]);
        let refused = md5.check("GET", "/x", Some(&answer(&nonce_of(&challenges[0]), "00000001")));
        assert!(matches!(refused, Err(Refusal::Wrong)), "a SHA-256 answer to an MD5-only guard");

        let sha = Guard::new("r", "u", "p", Duration::from_secs(3600)).algorithms(DigestAlgorithms::Sha256);
        assert_eq!(sha.challenges(&Refusal::NoAnswer).iter().map(algorithm).collect::<Vec<_>>(), ["SHA"]);
        assert_eq!("SHA-256".parse(), Ok(DigestAlgorithms::Sha256));
        assert!("sha1".parse::<DigestAlgorithms>().is_err());
    }

    #[test]
    fn a_nonce_count_is_exactly_eight_hex_digits() {
        let guard = Guard::new("r", "u", "p", Duration::from_secs(3600));
        let nonce = nonce_of(&guard.challenges(&Refusal::NoAnswer)[0]);
        // Each correctly hashed, so only the count's form can refuse it.
        for nc in ["+0000002", "0000000g", "0000002", "000000002", " 0000002", "-0000002"] {
            assert!(
                matches!(guard.check("GET", "/x", Some(&answer(&nonce, nc))), Err(Refusal::Wrong)),
                "{nc}"
            );
        }
        assert!(guard.check("GET", "/x", Some(&answer(&nonce, "0000000A"))).is_ok());
    }

    #[test]
    fn counts_are_remembered_in_a_bounded_window() {
        let guard = Guard::new("r", "u", "p", Duration::from_secs(3600));
        let nonce = nonce_of(&guard.challenges(&Refusal::NoAnswer)[0]);
        let check = |count: u32| guard.check("GET", "/x", Some(&answer(&nonce, &format!("{count:08x}"))));
        assert!(check(200).is_ok());
        // Out of order, within the window: each once.
        let oldest_remembered = 200 - (COUNT_WINDOW - 1);
        assert!(check(oldest_remembered).is_ok());
        assert!(check(150).is_ok());
        for replayed in [200, oldest_remembered, 150] {
            assert!(matches!(check(replayed), Err(Refusal::Wrong)), "{replayed}");
        }
        // Past the window it cannot be told whether a count was used: a fresh nonce, then.
        for too_old in [oldest_remembered - 1, 1] {
            assert!(matches!(check(too_old), Err(Refusal::Stale)), "{too_old}");
        }
        // A jump forward keeps what is still in the window, and forgets the rest.
        assert!(check(300).is_ok());
        assert!(matches!(check(200), Err(Refusal::Wrong)));
        assert!(check(201).is_ok());
        assert!(matches!(check(150), Err(Refusal::Stale)));
        assert!(check(u32::MAX).is_ok());
        assert!(matches!(check(300), Err(Refusal::Stale)));
        assert!(matches!(check(u32::MAX), Err(Refusal::Wrong)));
    }
}
