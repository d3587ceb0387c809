//! What a request is billed as, read off its body: DynamoDB's write and
//! read request units, and SQS's 64 KiB chunks.
//!
//! AWS bills DynamoDB on demand by *request units*: a write is one unit
//! per started KiB of the item written (two in a transaction), a strongly
//! consistent read one unit per started 4 KiB read. The size of an item is
//! the length of its attribute names plus the size of their values, by the
//! rules of the DynamoDB developer guide ("Item sizes and formats"). SQS
//! bills one request per started 64 KiB of a request's payload. S3 bills
//! by request alone, so it needs nothing here.
//!
//! These functions read the JSON bodies the SDK sends (requests) and
//! receives (DynamoDB answers), so the [`RequestCounter`] measures what a
//! make costs against any server that speaks the protocol, moto included,
//! rather than trusting the adapter's own idea of its items.
//!
//! Two sizes cannot be read off a request: an `UpdateItem` or a transaction's
//! `Update` bills the size of the item it leaves, and a `DeleteItem` the size
//! of the item it deletes. Both are counted from what the request carries
//! (the key and the values it sets, the key), a floor that is exact for the
//! small counter items this project updates and one unit for a deletion of
//! an item under 1 KiB.
//!
//! [`RequestCounter`]: crate::RequestCounter

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// One KiB: a write request unit covers an item up to this size.
const WRITE_UNIT_BYTES: u64 = 1024;
/// A read request unit covers up to 4 KiB (strongly consistent).
const READ_UNIT_BYTES: u64 = 4096;
/// SQS bills one request per started 64 KiB of payload.
const SQS_CHUNK_BYTES: u64 = 64 * 1024;

/// What one request is billed as, beyond being a request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Billed {
    /// DynamoDB write request units.
    pub write_units: u64,
    /// DynamoDB read request units, every read counted as strongly
    /// consistent (the dearer kind, so never an underestimate).
    pub read_units: u64,
    /// Write request units per kind of item written (the item's `kind`
    /// attribute, else its sort key up to the first `#`).
    pub write_units_by_item: BTreeMap<String, u64>,
    /// Bytes of the items written, per kind of item, by DynamoDB's size
    /// rules.
    pub bytes_by_item: BTreeMap<String, u64>,
    /// Items written, per kind of item: with the two above, what one
    /// write of each kind costs.
    pub writes_by_item: BTreeMap<String, u64>,
    /// SQS requests as billed: one per started 64 KiB of the body.
    pub sqs_requests: u64,
}

impl Billed {
    /// Adds `other` to this.
    pub fn add(&mut self, other: &Billed) {
        self.write_units += other.write_units;
        self.read_units += other.read_units;
        self.sqs_requests += other.sqs_requests;
        for (kind, units) in &other.write_units_by_item {
            *self.write_units_by_item.entry(kind.clone()).or_default() += units;
        }
        for (kind, bytes) in &other.bytes_by_item {
            *self.bytes_by_item.entry(kind.clone()).or_default() += bytes;
        }
        for (kind, writes) in &other.writes_by_item {
            *self.writes_by_item.entry(kind.clone()).or_default() += writes;
        }
    }

    fn write(&mut self, kind: String, bytes: u64, per_unit: u64) {
        let units = bytes.div_ceil(WRITE_UNIT_BYTES).max(1) * per_unit;
        self.write_units += units;
        *self.write_units_by_item.entry(kind.clone()).or_default() += units;
        *self.bytes_by_item.entry(kind.clone()).or_default() += bytes;
        *self.writes_by_item.entry(kind).or_default() += 1;
    }
}

/// What the request of `service`'s `operation` with `body` is billed as.
/// A body that is not the JSON the operation sends bills nothing beyond
/// the request itself.
pub fn request(service: &str, operation: &str, body: &[u8]) -> Billed {
    let mut billed = Billed::default();
    match service {
        "SQS" => billed.sqs_requests = (body.len() as u64).div_ceil(SQS_CHUNK_BYTES).max(1),
        "DynamoDB" => {
            if let Ok(Value::Object(request)) = serde_json::from_slice(body) {
                dynamodb_request(operation, &request, &mut billed);
            }
        }
        _ => {}
    }
    billed
}

/// What DynamoDB's answer to `operation`, with `body`, is billed as: the
/// read units of the items it returns.
pub fn response(service: &str, operation: &str, body: &[u8]) -> Billed {
    let mut billed = Billed::default();
    if service != "DynamoDB" {
        return billed;
    }
    let Ok(Value::Object(answer)) = serde_json::from_slice(body) else {
        return billed;
    };
    let read = |bytes: u64| bytes.div_ceil(READ_UNIT_BYTES).max(1);
    billed.read_units = match operation {
        // One item, or none: a miss still costs a unit.
        "GetItem" => read(answer.get("Item").map_or(0, item_size)),
        // A page is billed on the items' total size.
        "Query" | "Scan" => read(items(answer.get("Items")).map(item_size).sum()),
        // Each item on its own.
        "BatchGetItem" => answer
            .get("Responses")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|tables| tables.values())
            .flat_map(|found| items(Some(found)))
            .map(|item| read(item_size(item)))
            .sum(),
        _ => 0,
    };
    billed
}

fn dynamodb_request(operation: &str, request: &Map<String, Value>, billed: &mut Billed) {
    match operation {
        "PutItem" => put(request, billed, 1),
        "UpdateItem" => update(request, billed, 1),
        "DeleteItem" => delete(request, billed, 1),
        "BatchWriteItem" => {
            let writes = request
                .get("RequestItems")
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|tables| tables.values())
                .flat_map(|writes| items(Some(writes)));
            for write in writes {
                if let Some(Value::Object(put_request)) = write.get("PutRequest") {
                    put(put_request, billed, 1);
                } else if let Some(Value::Object(delete_request)) = write.get("DeleteRequest") {
                    delete(delete_request, billed, 1);
                }
            }
        }
        // Every item of a transaction costs twice: once to prepare, once
        // to commit.
        "TransactWriteItems" => {
            for action in items(request.get("TransactItems")) {
                if let Some(Value::Object(put_action)) = action.get("Put") {
                    put(put_action, billed, 2);
                } else if let Some(Value::Object(update_action)) = action.get("Update") {
                    update(update_action, billed, 2);
                } else if let Some(Value::Object(delete_action)) = action.get("Delete") {
                    delete(delete_action, billed, 2);
                } else if action.get("ConditionCheck").is_some() {
                    // A condition check reads the item: two read units in a
                    // transaction (its size is not in the request).
                    billed.read_units += 2;
                }
            }
        }
        _ => {}
    }
}

fn put(request: &Map<String, Value>, billed: &mut Billed, per_unit: u64) {
    let Some(item) = request.get("Item") else {
        return;
    };
    billed.write(kind_of(item), item_size(item), per_unit);
}

/// An update bills the item it leaves: counted as its key plus the values
/// it sets (see the module's documentation).
fn update(request: &Map<String, Value>, billed: &mut Billed, per_unit: u64) {
    let Some(key) = request.get("Key") else {
        return;
    };
    let values: u64 = request
        .get("ExpressionAttributeValues")
        .and_then(Value::as_object)
        .map_or(0, |values| values.values().map(value_size).sum());
    billed.write(kind_of(key), item_size(key) + values, per_unit);
}

fn delete(request: &Map<String, Value>, billed: &mut Billed, per_unit: u64) {
    let Some(key) = request.get("Key") else {
        return;
    };
    billed.write(kind_of(key), item_size(key), per_unit);
}

/// The elements of a JSON list, none for anything else.
fn items(list: Option<&Value>) -> impl Iterator<Item = &Value> {
    list.and_then(Value::as_array).into_iter().flatten()
}

/// The kind of an item, for the breakdown: its `kind` attribute, else its
/// sort key up to the first `#` (`CLAIM`, `MAKECOUNTER`), else its
/// partition key's.
fn kind_of(item: &Value) -> String {
    let text = |name: &str| {
        item.get(name)
            .and_then(|v| v.get("S"))
            .and_then(Value::as_str)
    };
    if let Some(kind) = text("kind") {
        return kind.to_owned();
    }
    let stem = |key: &str| key.split('#').next().unwrap_or(key).to_ascii_lowercase();
    text("sk")
        .or_else(|| text("pk"))
        .map_or_else(|| "other".to_owned(), stem)
}

/// An item's size: each attribute's name plus its value.
pub fn item_size(item: &Value) -> u64 {
    item.as_object().map_or(0, |attributes| {
        attributes
            .iter()
            .map(|(name, value)| name.len() as u64 + value_size(value))
            .sum()
    })
}

/// The size of one attribute value in DynamoDB's JSON (`{"S": "…"}`).
fn value_size(value: &Value) -> u64 {
    let Some((tag, inner)) = value.as_object().and_then(|typed| typed.iter().next()) else {
        return 0;
    };
    match (tag.as_str(), inner) {
        ("S", Value::String(text)) => text.len() as u64,
        ("N", Value::String(number)) => number_size(number),
        ("B", Value::String(base64)) => base64_decoded_len(base64),
        ("BOOL" | "NULL", _) => 1,
        ("SS", Value::Array(texts)) => texts
            .iter()
            .filter_map(Value::as_str)
            .map(|t| t.len() as u64)
            .sum(),
        ("NS", Value::Array(numbers)) => numbers
            .iter()
            .filter_map(Value::as_str)
            .map(number_size)
            .sum(),
        ("BS", Value::Array(blobs)) => blobs
            .iter()
            .filter_map(Value::as_str)
            .map(base64_decoded_len)
            .sum(),
        // A list or map: 3 bytes, plus 1 per element and the elements.
        ("L", Value::Array(elements)) => {
            3 + elements.iter().map(|e| 1 + value_size(e)).sum::<u64>()
        }
        ("M", Value::Object(entries)) => {
            3 + entries
                .iter()
                .map(|(name, e)| 1 + name.len() as u64 + value_size(e))
                .sum::<u64>()
        }
        _ => 0,
    }
}

/// A number's size: one byte per two significant digits, plus one.
fn number_size(number: &str) -> u64 {
    let digits = number.trim_start_matches(['-', '+']);
    let mantissa = digits
        .split(['e', 'E'])
        .next()
        .unwrap_or(digits)
        .replace('.', "");
    let significant = mantissa.trim_start_matches('0').trim_end_matches('0').len() as u64;
    significant.div_ceil(2) + 1
}

/// The length of what a Base64 text decodes to.
fn base64_decoded_len(text: &str) -> u64 {
    let padding = text.bytes().rev().take_while(|&b| b == b'=').count() as u64;
    (text.len() as u64 / 4 * 3).saturating_sub(padding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(value: &Value) -> Vec<u8> {
        serde_json::to_vec(value).expect("a JSON value serializes")
    }

    #[test]
    fn an_item_is_its_names_plus_its_values() {
        // "pk"(2) + "RECIPE#1"(8) + "n"(1) + 12345 (3 digit pairs → 3+1)
        // + "b"(1) + 3 bytes + "ok"(2) + 1.
        let item = json!({
            "pk": {"S": "RECIPE#1"},
            "n": {"N": "12345"},
            "b": {"B": "AQID"},
            "ok": {"BOOL": true},
        });
        assert_eq!(item_size(&item), 2 + 8 + 1 + 4 + 1 + 3 + 2 + 1);
    }

    #[test]
    fn a_put_bills_a_unit_per_started_kib() {
        let small =
            json!({"Item": {"pk": {"S": "A"}, "sk": {"S": "MAKEID#1"}, "kind": {"S": "make"}}});
        let billed = request("DynamoDB", "PutItem", &body(&small));
        assert_eq!(billed.write_units, 1);
        assert_eq!(billed.write_units_by_item["make"], 1);

        let doc = "x".repeat(1500);
        let big = json!({"Item": {"pk": {"S": "A"}, "doc": {"S": doc}}});
        let billed = request("DynamoDB", "PutItem", &body(&big));
        assert_eq!(billed.write_units, 2, "1,507 bytes start a second KiB");
        assert_eq!(billed.bytes_by_item["a"], 2 + 1 + 3 + 1500);
    }

    #[test]
    fn a_transaction_bills_each_item_twice() {
        let request_body = json!({"TransactItems": [
            {"Put": {"Item": {"pk": {"S": "R"}, "sk": {"S": "CLAIM#abc"}}}},
            {"Put": {"Item": {"pk": {"S": "R"}, "sk": {"S": "MAKEID#1"}, "kind": {"S": "make"}}}},
            {"Update": {"Key": {"pk": {"S": "R"}, "sk": {"S": "MAKECOUNTER"}},
                        "ExpressionAttributeValues": {":one": {"N": "1"}}}},
        ]});
        let billed = request("DynamoDB", "TransactWriteItems", &body(&request_body));
        assert_eq!(billed.write_units, 6);
        assert_eq!(billed.write_units_by_item["claim"], 2);
        assert_eq!(billed.write_units_by_item["make"], 2);
        assert_eq!(billed.write_units_by_item["makecounter"], 2);
        assert_eq!(billed.writes_by_item["make"], 1);
    }

    #[test]
    fn a_batch_bills_each_write() {
        let request_body = json!({"RequestItems": {"t": [
            {"PutRequest": {"Item": {"pk": {"S": "ANNOUNCED#1"}}}},
            {"DeleteRequest": {"Key": {"pk": {"S": "ANNOUNCED#2"}}}},
        ]}});
        let billed = request("DynamoDB", "BatchWriteItem", &body(&request_body));
        assert_eq!(billed.write_units, 2);
        assert_eq!(billed.write_units_by_item["announced"], 2);
    }

    #[test]
    fn reads_are_billed_per_started_four_kib() {
        let doc = "y".repeat(5000);
        let answer = json!({"Item": {"doc": {"S": doc}}});
        assert_eq!(
            response("DynamoDB", "GetItem", &body(&answer)).read_units,
            2
        );
        assert_eq!(
            response("DynamoDB", "GetItem", &body(&json!({}))).read_units,
            1,
            "a miss costs a unit"
        );
        let page = json!({"Items": [{"a": {"S": "x"}}, {"a": {"S": "y"}}]});
        assert_eq!(
            response("DynamoDB", "Query", &body(&page)).read_units,
            1,
            "a page is billed on its total"
        );
        let batch = json!({"Responses": {"t": [{"a": {"S": "x"}}, {"a": {"S": "y"}}]}});
        assert_eq!(
            response("DynamoDB", "BatchGetItem", &body(&batch)).read_units,
            2,
            "each item on its own"
        );
    }

    #[test]
    fn sqs_bills_per_started_64_kib() {
        assert_eq!(request("SQS", "SendMessageBatch", b"{}").sqs_requests, 1);
        assert_eq!(
            request("SQS", "SendMessageBatch", &vec![b' '; 64 * 1024 + 1]).sqs_requests,
            2
        );
        assert_eq!(request("S3", "GetObject", b"").sqs_requests, 0);
    }

    #[test]
    fn numbers_and_base64_are_sized_as_aws_says() {
        assert_eq!(number_size("1"), 2);
        assert_eq!(
            number_size("-120.50"),
            3,
            "significant digits 1205: two pairs, plus one"
        );
        assert_eq!(number_size("0"), 1);
        assert_eq!(base64_decoded_len("AQID"), 3);
        assert_eq!(base64_decoded_len("AQI="), 2);
        assert_eq!(base64_decoded_len("AQ=="), 1);
    }

    #[test]
    fn what_is_not_json_bills_nothing_more() {
        assert_eq!(
            request("DynamoDB", "PutItem", b"not json"),
            Billed::default()
        );
        assert_eq!(response("DynamoDB", "Query", b"<html>"), Billed::default());
    }
}
