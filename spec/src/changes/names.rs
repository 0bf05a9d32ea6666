//! The Rust names our generator gives the spec's parts: what a change report calls
//! the items a change touches. The client's tests hold these against the generated
//! code of the committed spec (`tests/changes.rs`).

use heck::{ToPascalCase, ToSnakeCase};

/// The generated type of a component schema: `types::PriceFixRequest`.
pub fn type_name(component: &str) -> String {
    sanitized(component).to_pascal_case()
}

/// The type typify makes of a property's inline schema: the owner's name and the
/// property's (`types::BasketFieldsOrderCreationStatus`).
pub fn inline_type(owner: &str, property: &str) -> String {
    format!("{owner}{}", sanitized(property).to_pascal_case())
}

/// The field of a property (`productName` is `product_name`, `type` is `type_`).
pub fn field_name(property: &str) -> String {
    let name = sanitized(property).to_snake_case();
    if KEYWORDS.contains(&name.as_str()) { format!("{name}_") } else { name }
}

/// The variant of an enum value (`Payment Confirmed` is `PaymentConfirmed`, `GBP` is `Gbp`).
pub fn variant_name(value: &str) -> String {
    sanitized(value).to_pascal_case()
}

/// An operation's method, on the extension trait of its first tag:
/// `ClientPricingExt::price_fix`.
pub fn operation_method(operation_id: &str, tag: Option<&str>) -> String {
    let method = operation_id.to_snake_case();
    match tag {
        Some(tag) => format!("Client{}Ext::{method}", sanitized(tag).to_pascal_case()),
        None => format!("Client::{method}"),
    }
}

/// An operation's request builder: `builder::PriceFix`.
pub fn operation_builder(operation_id: &str) -> String {
    format!("builder::{}", operation_id.to_pascal_case())
}

/// The type of an operation parameter's inline schema: `types::ListEcomOrdersSortBy`.
pub fn parameter_type(operation_id: &str, parameter: &str) -> String {
    format!("{}{}", operation_id.to_pascal_case(), sanitized(parameter).to_pascal_case())
}

/// Letters and digits kept, anything else a word break, as typify reads names.
fn sanitized(name: &str) -> String {
    name.chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect()
}

/// Rust's keywords, which typify suffixes with `_`.
const KEYWORDS: [&str; 38] = [
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "static",
    "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn",
    "gen",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_as_typify_writes_them() {
        assert_eq!(type_name("PriceFixRequest"), "PriceFixRequest");
        assert_eq!(inline_type("BasketFields", "order_creation_status"), "BasketFieldsOrderCreationStatus");
        assert_eq!(field_name("productName"), "product_name");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(variant_name("Payment Confirmed"), "PaymentConfirmed");
        assert_eq!(variant_name("credit-card"), "CreditCard");
        assert_eq!(variant_name("GBP"), "Gbp");
        assert_eq!(operation_method("price_fix", Some("pricing")), "ClientPricingExt::price_fix");
        assert_eq!(parameter_type("list_ecom_orders", "sortBy"), "ListEcomOrdersSortBy");
    }
}
