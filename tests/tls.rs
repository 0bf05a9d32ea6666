//! The TLS features: a build with a backend makes a client for an `https` URL (with
//! `ring` alone that is our configuration, without which reqwest panics), and a build
//! without one refuses it, naming the features, while plain HTTP still works.
//! CI runs this file under each choice: default, `ring`, and none.

use minted_connect::{Client, Error, STAGING_URL};

const TLS: bool = cfg!(any(feature = "aws-lc-rs", feature = "ring", feature = "native-tls"));

#[test]
fn an_https_client_is_made_exactly_when_the_build_has_tls() {
    let made = Client::builder().base_url(STAGING_URL).build();
    let refusal = made.as_ref().err().map(ToString::to_string);
    assert_eq!(made.is_ok(), TLS, "TLS in this build: {TLS}; refused: {refusal:?}");
    match made {
        Ok(_) => {}
        Err(Error::Config(message)) => {
            assert!(message.contains("`ring`") && message.contains("`native-tls`"), "{message}");
        }
        Err(other) => panic!("{other}"),
    }
}

#[test]
fn plain_http_needs_no_tls() {
    assert!(Client::builder().base_url("http://127.0.0.1:1").build().is_ok());
}
