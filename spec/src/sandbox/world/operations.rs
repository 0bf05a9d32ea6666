//! The one table of simulated operations: each operation's id, the path and query
//! parameters its rule reads (by their names in the spec), and the rule. The list of
//! simulated operations ([`SIMULATED`]) and the dispatch ([`answer`]) are both read
//! off it, so they cannot disagree; a test holds each entry's id and parameters
//! against the spec, and the list against `spec/SANDBOX.md`.

use super::baskets::Page;
use super::call::{Call, Outcome};
use super::state::World;
use super::trading::Side;
use serde_json::Value;
use std::time::SystemTime;

/// Where a parameter is sent, as the spec's `in` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum In {
    Path,
    Query,
}

impl In {
    /// As the spec writes it, and as a refusal's field begins.
    pub fn name(self) -> &'static str {
        match self {
            In::Path => "path",
            In::Query => "query",
        }
    }
}

/// A path or query parameter a rule reads, by its name in the spec.
#[derive(Clone, Copy, Debug)]
pub struct Param {
    pub place: In,
    pub name: &'static str,
}

const fn path(name: &'static str) -> Param {
    Param { place: In::Path, name }
}

const fn query(name: &'static str) -> Param {
    Param { place: In::Query, name }
}

/// A parameter's value in one request (`None`: not sent), and the request field a
/// refusal about it names (`path.external_customer_id`).
pub struct Arg<'r> {
    pub value: Option<&'r str>,
    pub field: String,
}

impl Param {
    fn read<'r>(&self, path: &'r [(String, String)], query: &'r [(String, String)]) -> Arg<'r> {
        let sent = match self.place {
            In::Path => path,
            In::Query => query,
        };
        let value = sent.iter().find(|(name, _)| name == self.name).map(|(_, value)| value.as_str());
        Arg { value, field: format!("{}.{}", self.place.name(), self.name) }
    }
}

impl Arg<'_> {
    /// The value, or `""` when it was not sent (a routed path always has its own).
    fn text(&self) -> &str {
        self.value.unwrap_or("")
    }
}

/// A rule: the world, the values of the entry's parameters in the entry's order, and
/// the call.
type Rule = fn(&mut World, &[Arg<'_>], Call<'_>) -> Outcome;

/// One simulated operation.
pub struct Operation {
    /// Its `operationId` in the spec.
    pub id: &'static str,
    /// The path and query parameters its rule reads.
    pub params: &'static [Param],
    rule: Rule,
}

/// Every simulated operation, in the order `spec/SANDBOX.md` lists them.
pub const OPERATIONS: [Operation; 19] = [
    Operation {
        id: "create_customer",
        params: &[],
        rule: |world, _, call| world.customers.create(call.body),
    },
    Operation {
        id: "get_customer",
        params: &[path("external_customer_id")],
        rule: |world, args, _| world.customers.get(args[0].text(), &args[0].field, world.feed.recorded()),
    },
    Operation {
        id: "update_customer",
        params: &[path("external_customer_id")],
        rule: |world, args, call| world.customers.update(args[0].text(), &args[0].field, call.body),
    },
    Operation {
        id: "get_customer_balance",
        params: &[path("customer_external_id")],
        rule: |world, args, _| {
            world.customers.balances(args[0].text(), &args[0].field, world.feed.recorded())
        },
    },
    Operation {
        id: "create_customer_address",
        params: &[],
        rule: |world, _, call| world.customers.create_address(call.body),
    },
    Operation {
        id: "price_fix",
        params: &[],
        rule: |world, _, call| world.fixes.price_fix(&world.customers, &mut world.feed, call),
    },
    Operation {
        id: "buy",
        params: &[],
        rule: |world, _, call| {
            world.fixes.trade(Side::Buy, &mut world.customers, &mut world.orders, &mut world.feed, call)
        },
    },
    Operation {
        id: "sell",
        params: &[],
        rule: |world, _, call| {
            world.fixes.trade(Side::Sell, &mut world.customers, &mut world.orders, &mut world.feed, call)
        },
    },
    Operation {
        id: "get_order",
        params: &[path("external_order_id")],
        rule: |world, args, _| world.orders.get(args[0].text(), &args[0].field, &world.customers),
    },
    Operation {
        id: "find_order",
        params: &[],
        rule: |world, _, call| world.orders.find(call.body, &world.customers),
    },
    Operation {
        id: "create_delivery",
        params: &[],
        rule: |world, _, call| world.orders.create_delivery(&mut world.customers, &mut world.feed, call),
    },
    Operation {
        id: "get_walletable_balance",
        params: &[query("external_customer_id"), query("metal_type")],
        rule: |world, args, _| {
            world.customers.holdings(args[0].value, &args[0].field, args[1].value, world.feed.recorded())
        },
    },
    Operation {
        id: "list_incomplete_baskets",
        params: &[query("customer_external_id"), query("page"), query("total")],
        rule: |world, args, call| {
            let page = Page::asked(args[1].value, args[2].value);
            world.baskets.list(
                &world.customers,
                &mut world.feed,
                args[0].text(),
                &args[0].field,
                page,
                call.now,
            )
        },
    },
    Operation {
        id: "get_ecom_order",
        params: &[],
        rule: |world, _, call| world.baskets.get(&world.customers, &mut world.feed, call),
    },
    Operation {
        id: "clear_basket",
        params: &[],
        rule: |world, _, call| world.baskets.clear(&world.customers, &mut world.feed, call),
    },
    Operation {
        id: "set_basket_address",
        params: &[],
        rule: |world, _, call| world.baskets.set_address(&world.customers, call.body),
    },
    Operation {
        id: "remove_basket_item",
        params: &[],
        rule: |world, _, call| world.baskets.remove_item(&world.customers, call.body),
    },
    Operation {
        id: "update_basket_item",
        params: &[],
        rule: |world, _, call| world.baskets.update_item(&world.customers, call.body),
    },
    Operation {
        id: "complete_buy",
        params: &[],
        rule: |world, _, call| {
            world.baskets.complete_buy(&mut world.customers, &mut world.orders, &mut world.feed, call)
        },
    },
];

/// The operations answered from the state; the others answer from the recordings.
pub const SIMULATED: [&str; OPERATIONS.len()] = {
    let mut ids = [""; OPERATIONS.len()];
    let mut at = 0;
    while at < ids.len() {
        ids[at] = OPERATIONS[at].id;
        at += 1;
    }
    ids
};

/// The `data` of the answer to `operation`, or `None` when it is not one of
/// [`SIMULATED`] (it is then answered from the recordings).
pub fn answer(
    world: &mut World,
    operation: &str,
    path: &[(String, String)],
    query: &[(String, String)],
    body: Option<&Value>,
    now: SystemTime,
) -> Option<Outcome> {
    let simulated = OPERATIONS.iter().find(|simulated| simulated.id == operation)?;
    let args: Vec<Arg<'_>> = simulated.params.iter().map(|param| param.read(path, query)).collect();
    Some((simulated.rule)(world, &args, Call { body: body.unwrap_or(&Value::Null), now }))
}

#[cfg(test)]
mod tests {
    use super::{In, OPERATIONS, SIMULATED};
    use crate::document;
    use std::collections::BTreeSet;

    /// Each entry names an operation of the spec, and each of its parameters is one
    /// the operation (or its path) declares, sent where the entry reads it.
    #[test]
    fn every_entry_is_an_operation_of_the_spec_with_its_parameters() {
        let spec = document::parse(crate::YAML).unwrap();
        let operations = document::operations(&spec);
        for entry in &OPERATIONS {
            let Some(operation) = operations.iter().find(|operation| operation.id == entry.id) else {
                panic!("{}: no operation of the spec has this id", entry.id);
            };
            let declared = [operation.path_item(&spec), operation.object(&spec)];
            let declared: Vec<(&str, &str)> = declared
                .iter()
                .filter_map(|holder| holder.get("parameters")?.as_array())
                .flatten()
                .map(|parameter| document::resolve(&spec, parameter).unwrap())
                .filter_map(|parameter| Some((parameter["in"].as_str()?, parameter["name"].as_str()?)))
                .collect();
            for param in entry.params {
                assert!(
                    declared.contains(&(param.place.name(), param.name)),
                    "{}: the spec declares no {} parameter {} (it declares {declared:?})",
                    entry.id,
                    param.place.name(),
                    param.name
                );
            }
            // Every path parameter is read: a rule that names its resource by path has it.
            for (place, name) in &declared {
                if *place == In::Path.name() {
                    assert!(
                        entry.params.iter().any(|param| param.name == *name),
                        "{}: {name} unread",
                        entry.id
                    );
                }
            }
        }
    }

    /// The list in `spec/SANDBOX.md` ("What is simulated", its first paragraph) is the table's.
    #[test]
    fn the_table_is_the_list_the_rules_document() {
        let rules = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/SANDBOX.md")).unwrap();
        let section = rules.split("## What is simulated").nth(1).expect("the section");
        let paragraph = section.trim_start().split("\n\n").next().unwrap_or("");
        let listed: BTreeSet<&str> = paragraph.split('`').skip(1).step_by(2).collect();
        let table: BTreeSet<&str> = SIMULATED.into_iter().collect();
        assert_eq!(table.len(), SIMULATED.len(), "an operation is in the table twice");
        assert_eq!(listed, table, "spec/SANDBOX.md lists other operations than the table");
    }
}
