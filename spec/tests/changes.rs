//! `changes` on edits of a copy of the committed spec: each edit's reading (the check,
//! its wire and Rust effects, the items it touches) as stated here, and the release
//! the whole edit calls for. Where the reading differs from oasdiff's documented level
//! for the same edit, the test says why.

use minted_spec::changes::{Bump, Change, Report, Rust, Wire, report};
use minted_spec::document;
use serde_json::{Value, json};

fn committed() -> Value {
    document::parse(minted_spec::YAML).unwrap()
}

/// The report of the committed spec against a copy edited by `edit`.
fn edited(edit: impl FnOnce(&mut Value)) -> Report {
    let mut new = committed();
    edit(&mut new);
    report(minted_spec::YAML, &serde_json::to_string_pretty(&new).unwrap()).unwrap()
}

/// The one change of `report` (words aside) of `check`, with its effects.
#[track_caller]
fn reads(report: &Report, check: &str, wire: Wire, rust: Rust, item: &str) -> Change {
    let shapes: Vec<&Change> =
        report.changes.iter().filter(|c| c.check != minted_spec::changes::DOCS).collect();
    let found: Vec<&&Change> = shapes.iter().filter(|c| c.check == check).collect();
    assert_eq!(found.len(), 1, "one {check} in {:#?}", report.changes);
    let change = (*found[0]).clone();
    assert_eq!((change.wire, change.rust), (wire, rust), "{change:#?}");
    assert!(change.items.iter().any(|i| i == item), "{item} among {:?}", change.items);
    change
}

fn at<'v>(document: &'v mut Value, pointer: &str) -> &'v mut Value {
    document.pointer_mut(pointer).unwrap_or_else(|| panic!("{pointer} is in the spec"))
}

fn schema<'v>(document: &'v mut Value, name: &str) -> &'v mut Value {
    at(document, &format!("/components/schemas/{name}"))
}

fn properties<'v>(document: &'v mut Value, name: &str) -> &'v mut serde_json::Map<String, Value> {
    schema(document, name)["properties"].as_object_mut().unwrap()
}

#[test]
fn an_unchanged_spec_is_none_and_examples_are_no_change() {
    let same = report(minted_spec::YAML, minted_spec::YAML).unwrap();
    assert_eq!((same.bump, same.changes.len()), (Bump::None, 0));
    let examples = edited(|spec| {
        let path = "/paths/~1partner~1pricefix/post/requestBody/content/application~1json/examples";
        *at(spec, path) = json!({"other": {"value": {"type": "digital"}}});
        schema(spec, "PriceFix")["example"] = json!({"token": "x"});
    });
    assert_eq!((examples.bump, examples.changes.len()), (Bump::None, 0), "{:#?}", examples.changes);
}

#[test]
fn words_alone_are_a_patch() {
    let words = edited(|spec| {
        schema(spec, "PriceFix")["description"] = json!("Another description.");
        properties(spec, "PriceFixRequest")["total"]["x-doc-note"] = json!("Another note.");
        at(spec, "/paths/~1partner~1pricefix/post")["summary"] = json!("Fix prices, again");
    });
    assert_eq!(words.bump, Bump::Patch);
    assert_eq!(words.changes.len(), 3, "{:#?}", words.changes);
    assert!(words.changes.iter().all(|c| c.check == "docs-changed" && c.wire == Wire::Compatible));
    // A property named like a words keyword is a property.
    let property = edited(|spec| drop(properties(spec, "Order").remove("description")));
    assert!(
        property.changes.iter().any(|c| c.check.ends_with("property-removed")),
        "{:#?}",
        property.changes
    );
}

#[test]
fn operations_added_removed_renamed_and_moved() {
    let added = edited(|spec| {
        let fix = at(spec, "/paths/~1partner~1pricefix").clone();
        let mut copy = fix.clone();
        copy["post"]["operationId"] = json!("price_fix_again");
        spec["paths"]["/partner/pricefix/again"] = copy;
    });
    reads(&added, "operation-added", Wire::Compatible, Rust::None, "ClientPricingExt::price_fix_again");
    assert_eq!(added.bump, Bump::Minor);

    // oasdiff: api-removed-without-deprecation, ERR. The same.
    let removed = edited(|spec| drop(spec["paths"].as_object_mut().unwrap().remove("/partner/pricefix")));
    reads(&removed, "operation-removed", Wire::Breaking, Rust::Compile, "ClientPricingExt::price_fix");
    assert_eq!(removed.bump, Bump::Major);

    // oasdiff has no check for an operationId: the wire is the same. The generated
    // method and its builder are named after it, so code stops compiling.
    let renamed =
        edited(|spec| at(spec, "/paths/~1partner~1pricefix/post")["operationId"] = json!("fix_prices"));
    let change =
        reads(&renamed, "operation-renamed", Wire::Compatible, Rust::Compile, "ClientPricingExt::price_fix");
    assert!(change.items.contains(&"builder::PriceFix".to_string()));
    assert_eq!(renamed.bump, Bump::Major);

    let moved = edited(|spec| {
        let paths = spec["paths"].as_object_mut().unwrap();
        let item = paths.remove("/partner/pricefix").unwrap();
        paths.insert("/partner/prices/fix".into(), item);
    });
    let change =
        reads(&moved, "operation-moved", Wire::Breaking, Rust::Runtime, "ClientPricingExt::price_fix");
    assert!(change.what.contains("/partner/prices/fix"), "{}", change.what);
    assert!(change.line.is_some());
}

#[test]
fn parameters_added_removed_and_made_required() {
    let list = "/paths/~1partner~1ecom~1orders/get/parameters";
    let optional = edited(|spec| {
        at(spec, list)
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "channel", "in": "query", "schema": {"type": "string"}}))
    });
    reads(&optional, "parameter-added", Wire::Compatible, Rust::None, "builder::ListEcomOrders::channel");
    assert_eq!(optional.bump, Bump::Minor);

    // oasdiff: new-required-request-parameter, ERR. Also a runtime change: the builder
    // refuses to send without it.
    let required = edited(|spec| {
        let parameter =
            json!({"name": "channel", "in": "query", "required": true, "schema": {"type": "string"}});
        at(spec, list).as_array_mut().unwrap().push(parameter)
    });
    reads(&required, "parameter-added", Wire::Breaking, Rust::Runtime, "builder::ListEcomOrders::channel");

    // oasdiff: request-parameter-removed, WARN. Servers ignore a query parameter they
    // do not know, so old calls still work; the builder's method is gone.
    let removed = edited(|spec| at(spec, list).as_array_mut().unwrap().retain(|p| p["name"] != "sku"));
    reads(&removed, "parameter-removed", Wire::Compatible, Rust::Compile, "builder::ListEcomOrders::sku");

    let made_required = edited(|spec| {
        let parameters = at(spec, list).as_array_mut().unwrap();
        let sku = parameters.iter_mut().find(|p| p["name"] == "sku").unwrap();
        sku["required"] = json!(true);
    });
    reads(
        &made_required,
        "parameter-made-required",
        Wire::Breaking,
        Rust::Runtime,
        "builder::ListEcomOrders::sku",
    );
}

#[test]
fn request_properties_added_removed_required_and_retyped() {
    // oasdiff: new-optional-request-property, INFO. Request structs are exhaustive
    // (partners build them as literals), so every literal stops compiling.
    let optional = edited(|spec| {
        drop(properties(spec, "PriceFixRequest").insert("promo_code".into(), json!({"type": "string"})))
    });
    reads(
        &optional,
        "request-property-added",
        Wire::Compatible,
        Rust::Compile,
        "types::PriceFixRequest::promo_code",
    );
    assert_eq!(optional.bump, Bump::Major);

    let required = edited(|spec| {
        properties(spec, "PriceFixRequest").insert("promo_code".into(), json!({"type": "string"}));
        schema(spec, "PriceFixRequest")["required"].as_array_mut().unwrap().push(json!("promo_code"));
    });
    reads(
        &required,
        "request-property-added",
        Wire::Breaking,
        Rust::Compile,
        "types::PriceFixRequest::promo_code",
    );

    // oasdiff: request-property-removed, WARN. Our schemas do not forbid other
    // fields, and servers ignore one they do not know.
    let removed = edited(|spec| drop(properties(spec, "PriceFixRequest").remove("currency")));
    reads(
        &removed,
        "request-property-removed",
        Wire::Compatible,
        Rust::Compile,
        "types::PriceFixRequest::currency",
    );

    // oasdiff: request-property-became-required, ERR. The same; `Option<String>` becomes `String`.
    let made_required = edited(|spec| {
        schema(spec, "PriceFixRequest")["required"].as_array_mut().unwrap().push(json!("currency"))
    });
    reads(
        &made_required,
        "property-made-required",
        Wire::Breaking,
        Rust::Compile,
        "types::PriceFixRequest::currency",
    );

    let made_optional = edited(|spec| schema(spec, "PriceFixRequest")["required"] = json!([]));
    reads(
        &made_optional,
        "property-made-optional",
        Wire::Compatible,
        Rust::Compile,
        "types::PriceFixRequest::type_",
    );

    let retyped = edited(|spec| properties(spec, "PriceFixRequest")["currency"] = json!({"type": "integer"}));
    reads(&retyped, "property-retyped", Wire::Breaking, Rust::Compile, "types::PriceFixRequest::currency");
}

#[test]
fn response_properties_added_removed_required_and_retyped() {
    // oasdiff: response-optional-property-added, INFO. Response structs are
    // non-exhaustive and old clients ignore unknown fields: nothing breaks.
    let added = edited(|spec| {
        drop(
            properties(spec, "PriceFix").insert("fee".into(), json!({"type": "number", "format": "decimal"})),
        )
    });
    reads(&added, "response-property-added", Wire::Compatible, Rust::None, "types::PriceFix::fee");
    assert_eq!(added.bump, Bump::Minor);

    // oasdiff: response-required-property-removed, ERR. The same.
    let removed = edited(|spec| drop(properties(spec, "PriceFix").remove("expire_ttl")));
    reads(
        &removed,
        "response-property-removed",
        Wire::Breaking,
        Rust::Compile,
        "types::PriceFix::expire_ttl",
    );

    // oasdiff: response-property-became-required, INFO. `Option<Decimal>` becomes
    // `Decimal`, so code reading it stops compiling: a major release for us.
    let made_required = edited(|spec| {
        properties(spec, "Price")["sku"] = json!({"type": "string"});
        schema(spec, "Price")["required"] = json!(["sku"]);
    });
    reads(&made_required, "property-made-required", Wire::Compatible, Rust::Compile, "types::Price::sku");

    // oasdiff: response-property-became-optional, ERR. The same.
    let made_optional =
        edited(|spec| schema(spec, "PriceFix")["required"].as_array_mut().unwrap().retain(|r| r != "token"));
    reads(&made_optional, "property-made-optional", Wire::Breaking, Rust::Compile, "types::PriceFix::token");

    let retyped = edited(|spec| properties(spec, "PriceFix")["expire_ttl"] = json!({"type": "string"}));
    reads(&retyped, "property-retyped", Wire::Breaking, Rust::Compile, "types::PriceFix::expire_ttl");
}

#[test]
fn enum_values_in_requests_and_responses() {
    // oasdiff: request-property-enum-value-added, INFO. Generated enums are non-exhaustive.
    let request_added =
        edited(|spec| schema(spec, "Gender")["enum"].as_array_mut().unwrap().push(json!("X")));
    reads(&request_added, "enum-value-added", Wire::Compatible, Rust::None, "types::Gender::X");
    assert_eq!(request_added.bump, Bump::Minor);

    // oasdiff: request-property-enum-value-removed, ERR. The same.
    let request_removed = edited(|spec| schema(spec, "Gender")["enum"] = json!(["M"]));
    reads(&request_removed, "enum-value-removed", Wire::Breaking, Rust::Compile, "types::Gender::F");

    // oasdiff: response-property-enum-value-added, WARN (a client may not handle it).
    // Ours does: an unlisted value decodes as `Received::Unlisted`.
    let response_added =
        edited(|spec| schema(spec, "OrderStatus")["enum"].as_array_mut().unwrap().push(json!("On Hold")));
    reads(&response_added, "enum-value-added", Wire::Compatible, Rust::None, "types::OrderStatus::OnHold");

    // oasdiff: response-property-enum-value-removed, INFO. Old clients still read all
    // that comes; the variant is gone, so a `match` naming it stops compiling.
    let response_removed =
        edited(|spec| schema(spec, "OrderStatus")["enum"].as_array_mut().unwrap().retain(|v| v != "New"));
    reads(
        &response_removed,
        "enum-value-removed",
        Wire::Compatible,
        Rust::Compile,
        "types::OrderStatus::New",
    );
}

#[test]
fn constraints_tightened_and_loosened() {
    // CustomerName (3 to 40 characters) is sent (create and update) and decoded
    // (orders' customers). oasdiff: request-property-max-length-decreased, ERR.
    let tightened = edited(|spec| schema(spec, "CustomerName")["maxLength"] = json!(30));
    let change =
        reads(&tightened, "constraint-tightened", Wire::Breaking, Rust::Runtime, "types::CustomerName");
    assert!(change.what.contains("maxLength"), "{}", change.what);

    // Only requests send it: a longer name is refused by nobody.
    let loosened = edited(|spec| schema(spec, "CustomerName")["maxLength"] = json!(50));
    reads(&loosened, "constraint-loosened", Wire::Compatible, Rust::None, "types::CustomerName");

    // A billing address is sent (within `BillingAddressInput`) and decoded (a basket's).
    // oasdiff: response-property-max-length-increased, WARN. Ours is a validated type
    // that checks the length when it decodes: an old client refuses a longer zip code.
    let longer = edited(|spec| properties(spec, "BillingAddress")["zipcode"]["maxLength"] = json!(10));
    let change =
        reads(&longer, "constraint-loosened", Wire::Breaking, Rust::None, "types::BillingAddress::zipcode");
    assert!(change.items.contains(&"types::BillingAddressInput::zipcode".to_string()), "{:?}", change.items);

    // A parameter is sent. oasdiff: request-parameter-max-increased, INFO.
    let parameters = "/paths/~1partner~1ecom~1orders/get/parameters";
    let wider = edited(|spec| {
        let total =
            at(spec, parameters).as_array_mut().unwrap().iter_mut().find(|p| p["name"] == "total").unwrap();
        total["schema"]["maximum"] = json!(50);
    });
    reads(&wider, "constraint-loosened", Wire::Compatible, Rust::None, "builder::ListEcomOrders::total");
    let narrower = edited(|spec| {
        let total =
            at(spec, parameters).as_array_mut().unwrap().iter_mut().find(|p| p["name"] == "total").unwrap();
        total["schema"]["minimum"] = json!(10);
    });
    reads(&narrower, "constraint-tightened", Wire::Breaking, Rust::None, "builder::ListEcomOrders::total");

    // Patterns: BirthDate's is sent (create and update). oasdiff:
    // request-property-pattern-added / -changed / -removed, ERR, ERR, INFO.
    let pattern = |edit: fn(&mut Value)| edited(|spec| edit(schema(spec, "BirthDate")));
    let changed = pattern(|date| date["pattern"] = json!("^[0-9]{4}-[0-9]{2}$"));
    reads(&changed, "constraint-tightened", Wire::Breaking, Rust::Runtime, "types::BirthDate");
    let removed = pattern(|date| drop(date.as_object_mut().unwrap().remove("pattern")));
    // No bound left: the validated newtype becomes a plain string.
    reads(&removed, "constraint-loosened", Wire::Compatible, Rust::Compile, "types::BirthDate");

    // A bound on a decimal: the schema no longer matches the client's `Decimal`
    // conversion (build.rs), so the field becomes `f64`.
    let bounded = edited(|spec| properties(spec, "PriceFixRequest")["total"]["minimum"] = json!(0));
    reads(&bounded, "constraint-tightened", Wire::Breaking, Rust::Compile, "types::PriceFixRequest::total");
}

#[test]
fn a_schema_renamed_nullable_a_new_status_and_a_mark() {
    // oasdiff compares resolved schemas and sees nothing. The type is renamed.
    let renamed = edited(|spec| {
        let schemas = at(spec, "/components/schemas").as_object_mut().unwrap();
        let fix = schemas.remove("PriceFix").unwrap();
        schemas.insert("PriceQuote".into(), fix);
        let text = serde_json::to_string(spec).unwrap().replace("schemas/PriceFix\"", "schemas/PriceQuote\"");
        *spec = serde_json::from_str(&text).unwrap();
    });
    reads(&renamed, "schema-renamed", Wire::Compatible, Rust::Compile, "types::PriceFix");
    assert_eq!(renamed.changes.len(), 1, "{:#?}", renamed.changes);

    // oasdiff: response-property-became-nullable, ERR. The same; `String` becomes `Option<String>`.
    let nullable = edited(|spec| properties(spec, "PriceFix")["token"]["nullable"] = json!(true));
    reads(&nullable, "property-nullable-added", Wire::Breaking, Rust::Compile, "types::PriceFix::token");
    // Already optional in Rust: null allowed or not, it is an `Option`.
    let not_nullable = edited(|spec| properties(spec, "PriceFix")["total"]["nullable"] = json!(false));
    reads(&not_nullable, "property-nullable-removed", Wire::Compatible, Rust::None, "types::PriceFix::total");

    // oasdiff: response-non-success-status-added, INFO. The client's return type is
    // made from the success response only.
    let status = edited(|spec| {
        let responses = at(spec, "/paths/~1partner~1pricefix/post/responses").as_object_mut().unwrap();
        responses.insert("409".into(), json!({"description": "Conflict"}));
    });
    reads(&status, "response-status-added", Wire::Compatible, Rust::None, "ClientPricingExt::price_fix");
    assert_eq!(status.bump, Bump::Minor);

    // oasdiff: response-success-status-added, INFO. Another success with the same body
    // changes nothing in Rust (tests/witness shows it); one with another body stops the
    // build: progenitor 0.15 takes one success type per operation (so no witness can
    // compile against it: tests/witness/new.yaml has only the first).
    let same_body = edited(|spec| {
        let responses = at(spec, "/paths/~1partner~1pricefix/post/responses").as_object_mut().unwrap();
        let ok = responses["200"].clone();
        responses.insert("201".into(), ok);
    });
    reads(&same_body, "response-status-added", Wire::Compatible, Rust::None, "ClientPricingExt::price_fix");
    let another_body = edited(|spec| {
        let responses = at(spec, "/paths/~1partner~1pricefix/post/responses").as_object_mut().unwrap();
        let body = json!({"application/json": {"schema": {"$ref": "#/components/schemas/OpenEnvelope"}}});
        responses.insert("201".into(), json!({"description": "Another", "content": body}));
    });
    reads(
        &another_body,
        "response-status-added",
        Wire::Compatible,
        Rust::Compile,
        "ClientPricingExt::price_fix",
    );

    // No oasdiff check: our extension. `Debug` masks the field, recordings redact it.
    let marked = edited(|spec| properties(spec, "PriceFix")["token"]["x-sensitive"] = json!(true));
    reads(&marked, "sensitive-mark-added", Wire::Compatible, Rust::Runtime, "types::PriceFix::token");
    assert_eq!(marked.bump, Bump::Minor);
}

#[test]
fn each_change_is_placed_at_its_line() {
    let report =
        report(minted_spec::YAML, &minted_spec::YAML.replace("maxLength: 40\n", "maxLength: 30\n")).unwrap();
    let change = report.changes.iter().find(|c| c.check == "constraint-tightened").unwrap();
    let line = change.line.unwrap();
    let text: Vec<&str> = minted_spec::YAML.lines().collect();
    assert!(text[line - 1].trim_start().starts_with("CustomerName:"), "line {line}: {}", text[line - 1]);
}

#[test]
fn every_check_found_is_listed() {
    let ids: Vec<&str> = minted_spec::changes::CHECKS.iter().map(|c| c.id).collect();
    let report = edited(|spec| {
        schema(spec, "Gender")["enum"] = json!(["M"]);
        properties(spec, "PriceFix").remove("expire_ttl");
    });
    for change in &report.changes {
        assert!(ids.contains(&change.check), "{} is not in CHECKS", change.check);
    }
}
