//! HTTP Digest (RFC 7616, and RFC 2617 servers): credentials, the challenge the
//! client answers, and the `Authorization` header of each request.
//!
//! Challenge parsing and hashing are the `http-auth` crate's. Here: choosing the
//! strongest challenge (its builder takes the first Digest one), keeping one
//! challenge per client so every later call authenticates up front with a rising
//! nonce count, and letting only one call make first contact.

use crate::error::AuthFailure;
use http_auth::digest::Algorithm;
use http_auth::{DigestClient, PasswordParams};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue, WWW_AUTHENTICATE};
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// A username and password. `Debug` shows the username only.
#[derive(Clone)]
pub(crate) struct Credentials {
    pub username: String,
    password: String,
}

impl Credentials {
    pub fn new(username: String, password: String) -> Credentials {
        Credentials { username, password }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"<withheld>")
            .finish()
    }
}

/// The Digest state one client shares between its calls (and its clones).
pub(crate) struct DigestSession {
    credentials: Credentials,
    challenge: Mutex<Challenge>,
    /// Held by the one call that goes out unauthenticated to fetch the first
    /// challenge; the calls behind it wait, then authenticate with that challenge.
    first_contact: futures::lock::Mutex<()>,
}

enum Challenge {
    None,
    /// The server answered a call without asking for authentication.
    NotAsked,
    Answering(DigestClient),
}

/// What a 401's challenge means for the call that got it.
pub(crate) struct Adopted {
    pub stale: bool,
}

impl DigestSession {
    pub fn new(credentials: Credentials) -> DigestSession {
        DigestSession {
            credentials,
            challenge: Mutex::new(Challenge::None),
            first_contact: futures::lock::Mutex::new(()),
        }
    }

    /// Authorizes `request` if a challenge is known. Otherwise waits for the call
    /// making first contact; if there is none, this call makes it and gets the guard,
    /// which it holds until it has adopted the server's challenge.
    pub async fn prepare(
        &self,
        request: &mut reqwest::Request,
    ) -> Result<Option<futures::lock::MutexGuard<'_, ()>>, AuthFailure> {
        if self.authorize(request)? || self.not_asked() {
            return Ok(None);
        }
        let guard = self.first_contact.lock().await;
        if self.authorize(request)? || self.not_asked() {
            return Ok(None);
        }
        Ok(Some(guard))
    }

    /// Sets `Authorization` from the known challenge, with the next nonce count.
    /// `false` when no challenge is known yet.
    pub fn authorize(&self, request: &mut reqwest::Request) -> Result<bool, AuthFailure> {
        let mut challenge = self.lock();
        let Challenge::Answering(client) = &mut *challenge else { return Ok(false) };
        let url = request.url();
        let uri = &url[url::Position::BeforePath..];
        let params = PasswordParams {
            username: &self.credentials.username,
            password: &self.credentials.password,
            uri,
            method: request.method().as_str(),
            // Without the body `http-auth` answers `qop=auth`, never `auth-int`: the
            // quality every Digest server supports.
            body: None,
        };
        let answer = client.respond(&params).map_err(AuthFailure::Unsupported)?;
        let mut value = HeaderValue::try_from(answer)
            .map_err(|_| AuthFailure::Unsupported("the answer is not a valid header value".into()))?;
        value.set_sensitive(true);
        request.headers_mut().insert(AUTHORIZATION, value);
        Ok(true)
    }

    /// Takes the strongest supported challenge of a 401. A challenge with the
    /// nonce already in use is not taken again, so the nonce count keeps rising.
    pub fn adopt(&self, headers: &HeaderMap) -> Result<Adopted, AuthFailure> {
        let offered = strongest_challenge(headers)?;
        let stale = offered.stale();
        let mut challenge = self.lock();
        let same_nonce = matches!(&*challenge, Challenge::Answering(current)
            if current.nonce() == offered.nonce() && current.realm() == offered.realm());
        if !same_nonce {
            *challenge = Challenge::Answering(offered);
        }
        Ok(Adopted { stale })
    }

    /// The server answered without a challenge: later calls need not wait for one.
    pub fn note_not_asked(&self) {
        let mut challenge = self.lock();
        if matches!(*challenge, Challenge::None) {
            *challenge = Challenge::NotAsked;
        }
    }

    fn not_asked(&self) -> bool {
        matches!(*self.lock(), Challenge::NotAsked)
    }

    fn lock(&self) -> MutexGuard<'_, Challenge> {
        // The state is replaced whole, so a panic elsewhere cannot leave it half-written.
        self.challenge.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for DigestSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &*self.lock() {
            Challenge::None => "no challenge yet".to_string(),
            Challenge::NotAsked => "server did not ask".to_string(),
            Challenge::Answering(client) => {
                format!("answering {:?} (nc {})", client.algorithm(), client.nonce_count())
            }
        };
        f.debug_struct("DigestSession")
            .field("credentials", &self.credentials)
            .field("challenge", &state)
            .finish()
    }
}

/// The strongest Digest challenge among all `WWW-Authenticate` values: SHA-512-256,
/// then SHA-256, then MD5 (each possibly `-sess`).
pub(crate) fn strongest_challenge(headers: &HeaderMap) -> Result<DigestClient, AuthFailure> {
    let mut answerable = Vec::new();
    let mut refused = Vec::new();
    for value in headers.get_all(WWW_AUTHENTICATE) {
        let Ok(text) = value.to_str() else { continue };
        let Ok(challenges) = http_auth::parse_challenges(text) else {
            refused.push("an unparsable challenge".to_string());
            continue;
        };
        for challenge in challenges.iter().filter(|c| c.scheme.eq_ignore_ascii_case("Digest")) {
            match DigestClient::try_from(challenge) {
                Ok(client) => answerable.push(client),
                Err(why) => refused.push(why),
            }
        }
    }
    let strength = |client: &DigestClient| match client.algorithm() {
        Algorithm::Sha512Trunc256 => 3,
        Algorithm::Sha256 => 2,
        _ => 1,
    };
    // `max_by_key` keeps the last of equals; the first offered wins among equals.
    let best = answerable.into_iter().rev().max_by_key(strength);
    best.ok_or_else(|| {
        if refused.is_empty() {
            AuthFailure::NoChallenge
        } else {
            AuthFailure::Unsupported(refused.join("; "))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(challenges: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for challenge in challenges {
            map.append(WWW_AUTHENTICATE, HeaderValue::from_str(challenge).unwrap());
        }
        map
    }

    fn answer(client: &mut DigestClient, username: &str, password: &str, cnonce: &str) -> String {
        let params = PasswordParams { username, password, uri: "/dir/index.html", method: "GET", body: None };
        client.respond_with_testing_cnonce(&params, cnonce).unwrap()
    }

    /// RFC 2617 section 3.5.
    #[test]
    fn rfc_2617_example() {
        let mut client = strongest_challenge(&headers(&[
            r#"Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41""#,
        ]))
        .unwrap();
        let header = answer(&mut client, "Mufasa", "Circle Of Life", "0a4f113b");
        assert!(header.contains(r#"response="6629fae49393a05397450978507c4ef1""#), "{header}");
        assert!(header.contains("nc=00000001"), "{header}");
        assert!(header.contains(r#"opaque="5ccc069c403ebaf9f0171e9517f40e41""#), "{header}");
    }

    /// RFC 7616 section 3.9.1: the server offers SHA-256 and MD5; SHA-256 is chosen
    /// whatever the order, and both give the RFC's responses.
    #[test]
    fn rfc_7616_example_prefers_sha_256() {
        let sha256 = r#"Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#;
        let md5 = r#"Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#;
        let cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
        for offered in [[md5, sha256], [sha256, md5]] {
            let mut client = strongest_challenge(&headers(&offered)).unwrap();
            assert_eq!(client.algorithm(), Algorithm::Sha256);
            let header = answer(&mut client, "Mufasa", "Circle of Life", cnonce);
            assert!(
                header.contains(
                    r#"response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1""#
                ),
                "{header}"
            );
        }
        let mut client = strongest_challenge(&headers(&[md5])).unwrap();
        let header = answer(&mut client, "Mufasa", "Circle of Life", cnonce);
        assert!(header.contains(r#"response="8ca523f5e9506fed4657c9700eebdbec""#), "{header}");
    }

    #[test]
    fn nonce_count_rises_per_answer() {
        let mut client =
            strongest_challenge(&headers(&[r#"Digest realm="r", qop="auth", nonce="n""#])).unwrap();
        assert!(answer(&mut client, "u", "p", "c").contains("nc=00000001"));
        assert!(answer(&mut client, "u", "p", "c").contains("nc=00000002"));
    }

    #[test]
    fn challenges_nobody_can_answer_say_why() {
        assert_eq!(strongest_challenge(&headers(&[])).unwrap_err(), AuthFailure::NoChallenge);
        assert_eq!(
            strongest_challenge(&headers(&[r#"Basic realm="r""#])).unwrap_err(),
            AuthFailure::NoChallenge
        );
        let unsupported = strongest_challenge(&headers(&[r#"Digest realm="r", nonce="n", algorithm=SHA-1"#]));
        assert!(matches!(unsupported, Err(AuthFailure::Unsupported(why)) if why.contains("SHA-1")));
    }

    #[test]
    fn credentials_debug_withholds_the_password() {
        let shown = format!("{:?}", Credentials::new("partner".into(), "s3cret-pass".into()));
        assert!(shown.contains("partner") && !shown.contains("s3cret-pass"), "{shown}");
    }
}
