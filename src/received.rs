//! [`Received`]: an enum value of a response as the server sent it, listed in the
//! spec or not, so that a value a newer server adds reads as data instead of
//! failing the call. `build.rs` puts it on every enum field of the response types.

use serde::de::{self, Deserialize, Deserializer, EnumAccess, IntoDeserializer, VariantAccess, Visitor};
use serde::{Serialize, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// An enum value of a response: one the spec lists, or one it does not (yet), kept
/// as the string the server sent.
///
/// ```
/// use minted_connect::{Received, types::OrderStatus};
///
/// let status: Received<OrderStatus> = serde_json::from_str(r#""On Hold""#).unwrap();
/// match &status {
///     Received::Listed(OrderStatus::Completed) => println!("done"),
///     Received::Listed(other) => println!("listed: {other}"),
///     Received::Unlisted(new) => println!("a value the spec does not list: {new}"),
/// }
/// assert_eq!(status.to_string(), "On Hold");
/// assert_eq!(serde_json::to_string(&status).unwrap(), r#""On Hold""#);
/// assert_eq!(Received::from(OrderStatus::Completed), OrderStatus::Completed);
/// ```
///
/// Read from JSON: a string `E` accepts is [`Received::Listed`], any other string
/// [`Received::Unlisted`]; anything else fails with the error `E` gives. (Like `E`, it
/// also reads serde's other form of a variant, `{"Name": null}`, an unlisted name
/// included.) Written back, either is the string it was read from. Only the client
/// makes an `Unlisted`: a request never carries a value the spec does not list.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Received<E> {
    /// A value the spec lists.
    Listed(E),
    /// A value the spec does not list, as the server sent it.
    Unlisted(Unlisted),
}

/// A value the spec does not list, as the server sent it. Only the client makes one,
/// when it reads a response.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Unlisted(String);

/// A generated enum's values as the API writes them (`"Payment Confirmed"` for
/// `OrderStatus::PaymentConfirmed`); `build.rs` implements it for every generated enum.
pub trait WireValue {
    /// The value as the API writes it.
    fn as_str(&self) -> &'static str;
}

impl Unlisted {
    /// The value as the server sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Unlisted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The value itself: an enum value is no one's personal data.
impl fmt::Debug for Unlisted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Unlisted").field(&self.0).finish()
    }
}

impl<E> Received<E> {
    /// The value, if the spec lists it.
    pub fn listed(&self) -> Option<&E> {
        match self {
            Received::Listed(listed) => Some(listed),
            Received::Unlisted(_) => None,
        }
    }

    /// The value as the API writes it, listed or not.
    pub fn as_str(&self) -> &str
    where
        E: WireValue,
    {
        match self {
            Received::Listed(listed) => listed.as_str(),
            Received::Unlisted(unlisted) => unlisted.as_str(),
        }
    }
}

/// The value as the API writes it (the generated enums' `Display` writes that too).
impl<E: fmt::Display> fmt::Display for Received<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Received::Listed(listed) => listed.fmt(f),
            Received::Unlisted(unlisted) => unlisted.fmt(f),
        }
    }
}

impl<E> From<E> for Received<E> {
    fn from(listed: E) -> Self {
        Received::Listed(listed)
    }
}

impl<E: PartialEq> PartialEq<E> for Received<E> {
    fn eq(&self, other: &E) -> bool {
        self.listed() == Some(other)
    }
}

impl<E: Serialize> Serialize for Received<E> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Received::Listed(listed) => listed.serialize(serializer),
            Received::Unlisted(unlisted) => serializer.serialize_str(&unlisted.0),
        }
    }
}

/// Asks the deserializer for an enum, as `E` (a unit enum deriving `Deserialize`) does,
/// so that whatever is not a variant fails exactly as it would for `E`; the variant's
/// name is then judged by `E`, and a name it does not list is kept.
impl<'de, E: Deserialize<'de>> Deserialize<'de> for Received<E> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_enum(type_name::<E>(), &[], ReceivedVisitor(PhantomData))
    }
}

struct ReceivedVisitor<E>(PhantomData<E>);

impl<'de, E: Deserialize<'de>> Visitor<'de> for ReceivedVisitor<E> {
    type Value = Received<E>;

    /// What serde's derive says for `E`.
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "enum {}", type_name::<E>())
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        let (VariantName(name), variant) = data.variant::<VariantName>()?;
        variant.unit_variant()?;
        let listed = E::deserialize(IntoDeserializer::<A::Error>::into_deserializer(name.as_str()));
        Ok(listed.map_or_else(|_| Received::Unlisted(Unlisted(name)), Received::Listed))
    }
}

/// A variant's name, as text (JSON's only way of naming one).
struct VariantName(String);

impl<'de> Deserialize<'de> for VariantName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(VariantNameVisitor)
    }
}

struct VariantNameVisitor;

impl Visitor<'_> for VariantNameVisitor {
    type Value = VariantName;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("variant identifier")
    }

    fn visit_str<Error: de::Error>(self, name: &str) -> Result<VariantName, Error> {
        Ok(VariantName(name.to_string()))
    }

    fn visit_string<Error: de::Error>(self, name: String) -> Result<VariantName, Error> {
        Ok(VariantName(name))
    }
}

/// `E`'s name without its path, as serde's derive names it.
fn type_name<E>() -> &'static str {
    let path = std::any::type_name::<E>();
    path.rsplit("::").next().unwrap_or(path)
}

/// A string, for the `minted` command's schemas of the response types.
#[cfg(feature = "cli")]
impl<E: schemars::JsonSchema> schemars::JsonSchema for Received<E> {
    fn is_referenceable() -> bool {
        false
    }

    fn schema_name() -> String {
        format!("Received_{}", E::schema_name())
    }

    fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::String.into()),
            ..Default::default()
        }
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Currency, OrderStatus};

    fn read(json: &str) -> Result<Received<OrderStatus>, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn a_listed_value_reads_as_listed_and_writes_back_the_same() {
        let status = read(r#""Payment Confirmed""#).unwrap();
        assert_eq!(status, Received::Listed(OrderStatus::PaymentConfirmed));
        assert_eq!(status.as_str(), "Payment Confirmed");
        assert_eq!(status.to_string(), "Payment Confirmed");
        assert_eq!(serde_json::to_string(&status).unwrap(), r#""Payment Confirmed""#);
    }

    #[test]
    fn an_unlisted_value_is_kept_as_sent_and_writes_back_the_same() {
        for sent in ["On Hold", "completed", "", "Ünlisted \"quoted\""] {
            let json = serde_json::to_string(sent).unwrap();
            let status = read(&json).unwrap();
            let Received::Unlisted(unlisted) = &status else { panic!("{sent:?} read as {status:?}") };
            assert_eq!((unlisted.as_str(), unlisted.to_string()), (sent, sent.to_string()));
            assert_eq!((status.as_str(), status.to_string()), (sent, sent.to_string()));
            assert_eq!(status.listed(), None);
            assert_eq!(serde_json::to_string(&status).unwrap(), json);
            assert_eq!(serde_json::from_value::<Received<OrderStatus>>(sent.into()).unwrap(), status);
        }
    }

    /// Through the text and through a `serde_json::Value`: word for word `E`'s error.
    #[test]
    fn a_value_that_is_not_a_string_fails_as_the_enum_does() {
        for json in ["5", "true", "null", "[]", "{}", r#"["Completed"]"#, r#"{"Completed": 5}"#] {
            let ours = read(json).expect_err(json).to_string();
            let enums = serde_json::from_str::<OrderStatus>(json).expect_err(json).to_string();
            assert_eq!(ours, enums, "{json}");
            let value: serde_json::Value = serde_json::from_str(json).unwrap();
            let ours = serde_json::from_value::<Received<OrderStatus>>(value.clone()).expect_err(json);
            let enums = serde_json::from_value::<OrderStatus>(value).expect_err(json);
            assert_eq!(ours.to_string(), enums.to_string(), "{json}");
        }
    }

    /// serde's map form of a unit variant, which `E` reads too.
    #[test]
    fn a_variant_in_its_map_form_reads_as_the_enum_reads_it() {
        let listed = r#"{"Completed": null}"#;
        assert_eq!(serde_json::from_str::<OrderStatus>(listed).unwrap(), OrderStatus::Completed);
        assert_eq!(read(listed).unwrap(), OrderStatus::Completed);
        assert_eq!(read(r#"{"On Hold": null}"#).unwrap().as_str(), "On Hold");
    }

    #[test]
    fn it_compares_with_the_enum_and_converts_from_it() {
        let listed: Received<Currency> = Currency::Gbp.into();
        assert_eq!(listed, Currency::Gbp);
        assert_ne!(listed, Currency::Try);
        assert_eq!(listed.listed(), Some(&Currency::Gbp));
        let unlisted: Received<Currency> = serde_json::from_str(r#""XAU""#).unwrap();
        assert_ne!(unlisted, Currency::Gbp);
        assert_ne!(unlisted, listed);
        assert_eq!(unlisted, serde_json::from_str::<Received<Currency>>(r#""XAU""#).unwrap());
        assert_eq!(format!("{unlisted:?}"), r#"Unlisted(Unlisted("XAU"))"#);
        assert_eq!(format!("{listed:?}"), "Listed(Gbp)");
    }
}
