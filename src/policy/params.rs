//! Control parameters: each control's METADATA defaults (`custom.config`) merged with the
//! overrides the configuration supplies, checked against the defaults' shapes. What a control
//! sees as `input.config.controls[ID]`.

use super::PolicyPack;
use serde_json::Value;
use std::collections::BTreeMap;

/// An override that does not fit the pack. The caller knows where the override was written
/// (`orgscan.toml`, line) and prefixes the message with it.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamProblem {
    pub control: String,
    /// `None` when the control itself is unknown.
    pub key: Option<String>,
    pub message: String,
}

impl PolicyPack {
    /// Each control's metadata defaults, with no overrides.
    pub fn default_parameters(&self) -> BTreeMap<String, Value> {
        self.policies
            .iter()
            .map(|policy| {
                let defaults: serde_json::Map<String, Value> =
                    policy.meta.config.clone().into_iter().collect();
                (policy.meta.id.clone(), Value::Object(defaults))
            })
            .collect()
    }

    /// The parameters each control sees: its metadata defaults, then `overrides`
    /// (control id → setting → value), every problem at once.
    pub fn control_parameters(
        &self,
        overrides: &BTreeMap<String, BTreeMap<String, Value>>,
    ) -> Result<BTreeMap<String, Value>, Vec<ParamProblem>> {
        let mut problems = Vec::new();
        let mut merged = self.default_parameters();
        for (id, settings) in overrides {
            let Some(Value::Object(params)) = merged.get_mut(id) else {
                problems.push(ParamProblem {
                    control: id.clone(),
                    key: None,
                    message: format!(
                        "[controls.{id}]: no control with this id in the loaded policies"
                    ),
                });
                continue;
            };
            for (key, value) in settings {
                let problem = |message: String| ParamProblem {
                    control: id.clone(),
                    key: Some(key.clone()),
                    message,
                };
                let Some(default) = params.get(key) else {
                    let known: Vec<&str> = params.keys().map(String::as_str).collect();
                    problems.push(problem(format!(
                        "controls.{id}.{key}: unknown setting; this control takes {}",
                        if known.is_empty() {
                            "no settings".to_string()
                        } else {
                            known.join(", ")
                        }
                    )));
                    continue;
                };
                if !same_shape(default, value) {
                    problems.push(problem(format!(
                        "controls.{id}.{key}: expected {} (like the default {default}), found {value}",
                        shape_name(default)
                    )));
                    continue;
                }
                params.insert(key.clone(), value.clone());
            }
        }
        if problems.is_empty() {
            Ok(merged)
        } else {
            Err(problems)
        }
    }
}

fn same_shape(default: &Value, value: &Value) -> bool {
    match (default, value) {
        (Value::Number(_), Value::Number(_)) => true,
        (Value::String(_), Value::String(_))
        | (Value::Bool(_), Value::Bool(_))
        | (Value::Object(_), Value::Object(_)) => true,
        (Value::Array(d), Value::Array(v)) => match d.first() {
            Some(first) => v.iter().all(|item| same_shape(first, item)),
            None => true,
        },
        (Value::Null, _) => true,
        _ => false,
    }
}

fn shape_name(v: &Value) -> String {
    match v {
        Value::Number(_) => "a number".to_string(),
        Value::String(_) => "a string".to_string(),
        Value::Bool(_) => "true or false".to_string(),
        Value::Array(items) => match items.first() {
            Some(first) => format!(
                "a list of {}",
                shape_name(first)
                    .trim_start_matches("a ")
                    .trim_start_matches("an ")
            ),
            None => "a list".to_string(),
        },
        Value::Object(_) => "a table".to_string(),
        Value::Null => "any value".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_compare_like_types() {
        assert!(same_shape(&serde_json::json!(90), &serde_json::json!(30.5)));
        assert!(!same_shape(
            &serde_json::json!(90),
            &serde_json::json!("30")
        ));
        assert!(same_shape(
            &serde_json::json!(["a"]),
            &serde_json::json!(["b", "c"])
        ));
        assert!(!same_shape(
            &serde_json::json!(["a"]),
            &serde_json::json!([1])
        ));
        assert_eq!(shape_name(&serde_json::json!(["a"])), "a list of string");
    }
}
