//! The TypeScript declarations the npm package ships (`src/wasm/mod.rs`, `TS_TYPES`), read
//! back so that tests can check real values against them: the Rust verdicts, certificate
//! models and options must have exactly the shape the `.d.ts` promises (no undeclared member,
//! no missing required member, every value of a declared type).
//!
//! Only the subset of TypeScript those declarations use is understood: `export interface`
//! with `name: T` / `name?: T` members, `export type X = …`, unions, `T[]`, string literals,
//! inline object types, `Record<string, unknown>`, and the primitive and DOM types
//! (`string`, `number`, `boolean`, `null`, `unknown`, `Date`, `Uint8Array`, `ArrayBuffer`).
//! Anything else is a parse error, so a declaration this reader does not understand fails the
//! test instead of passing unchecked.

#![allow(dead_code)] // each test binary uses part of it
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// A TypeScript type (the subset above).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Type {
    String,
    Number,
    Boolean,
    Null,
    Unknown,
    /// `Date`, `Uint8Array`, `ArrayBuffer`: JS-only values that JSON never carries.
    JsOnly(String),
    Literal(String),
    Array(Box<Type>),
    Object(Vec<Member>),
    /// `Record<string, unknown>`: any JSON object.
    AnyObject,
    Union(Vec<Type>),
    Named(String),
}

/// One member of an interface or inline object type.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Member {
    pub(crate) name: String,
    pub(crate) optional: bool,
    pub(crate) ty: Type,
}

/// Every `export interface` and `export type` of a declaration text, by name.
#[derive(Debug, Default)]
pub(crate) struct Declarations {
    pub(crate) types: BTreeMap<String, Type>,
    /// `Interface.member` for every member a checked value had (see [`Declarations::unseen`]).
    seen: RefCell<BTreeSet<String>>,
}

/// The `TS_TYPES` text of `src/wasm/mod.rs`.
pub(crate) fn wasm_declarations_text() -> String {
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/wasm/mod.rs")).unwrap();
    let start = src
        .find("const TS_TYPES: &'static str = r#\"")
        .expect("TS_TYPES in src/wasm/mod.rs");
    let body = &src[start..];
    let open = body.find("r#\"").unwrap() + 3;
    let close = body[open..].find("\"#;").unwrap();
    body[open..open + close].to_owned()
}

/// The declarations of `src/wasm/mod.rs`.
pub(crate) fn wasm_declarations() -> Declarations {
    Declarations::parse(&wasm_declarations_text()).unwrap_or_else(|e| panic!("TS_TYPES: {e}"))
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Punct(char),
}

fn tokens(text: &str) -> Result<Vec<Tok>, String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i] as char;
        if c.is_whitespace() {
            i += 1;
        } else if text[i..].starts_with("/**") || text[i..].starts_with("/*") {
            i += text[i..].find("*/").ok_or("unterminated comment")? + 2;
        } else if text[i..].starts_with("//") {
            i += text[i..].find('\n').unwrap_or(text.len() - i);
        } else if c == '"' {
            let end = text[i + 1..].find('"').ok_or("unterminated string")?;
            out.push(Tok::Str(text[i + 1..i + 1 + end].to_owned()));
            i += end + 2;
        } else if c.is_ascii_alphanumeric() || c == '_' {
            let end = text[i..]
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                .unwrap_or(text.len() - i);
            out.push(Tok::Ident(text[i..i + end].to_owned()));
            i += end;
        } else if "{}[]()<>:;?|=,".contains(c) {
            out.push(Tok::Punct(c));
            i += 1;
        } else {
            return Err(format!("unexpected character {c:?} at byte {i}"));
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at)
    }
    fn next(&mut self) -> Result<Tok, String> {
        let t = self.toks.get(self.at).cloned().ok_or("unexpected end")?;
        self.at += 1;
        Ok(t)
    }
    fn punct(&mut self, c: char) -> Result<(), String> {
        match self.next()? {
            Tok::Punct(p) if p == c => Ok(()),
            t => Err(format!("expected {c:?}, found {t:?}")),
        }
    }
    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(&Tok::Punct(c)) {
            self.at += 1;
            true
        } else {
            false
        }
    }
    fn ident(&mut self) -> Result<String, String> {
        match self.next()? {
            Tok::Ident(s) => Ok(s),
            t => Err(format!("expected a name, found {t:?}")),
        }
    }

    fn union(&mut self) -> Result<Type, String> {
        self.eat('|');
        let mut alts = vec![self.postfix()?];
        while self.eat('|') {
            alts.push(self.postfix()?);
        }
        Ok(if alts.len() == 1 {
            alts.remove(0)
        } else {
            Type::Union(alts)
        })
    }

    fn postfix(&mut self) -> Result<Type, String> {
        let mut t = self.primary()?;
        while self.peek() == Some(&Tok::Punct('[')) {
            self.at += 1;
            self.punct(']')?;
            t = Type::Array(Box::new(t));
        }
        Ok(t)
    }

    fn primary(&mut self) -> Result<Type, String> {
        match self.next()? {
            Tok::Str(s) => Ok(Type::Literal(s)),
            Tok::Punct('{') => Ok(Type::Object(self.members()?)),
            Tok::Punct('(') => {
                let t = self.union()?;
                self.punct(')')?;
                Ok(t)
            }
            Tok::Ident(name) => Ok(match name.as_str() {
                "string" => Type::String,
                "number" => Type::Number,
                "boolean" => Type::Boolean,
                "null" => Type::Null,
                "unknown" => Type::Unknown,
                "Date" | "Uint8Array" | "ArrayBuffer" => Type::JsOnly(name),
                "Record" => return Err("the only generic understood is Record<string, unknown>".into()),
                _ => Type::Named(name),
            }),
            t => Err(format!("unexpected {t:?} in a type")),
        }
    }

    /// Members up to and including the closing `}`.
    fn members(&mut self) -> Result<Vec<Member>, String> {
        let mut out = Vec::new();
        while !self.eat('}') {
            let name = self.ident()?;
            let optional = self.eat('?');
            self.punct(':')?;
            let ty = self.union()?;
            if !self.eat(';') && self.peek() != Some(&Tok::Punct('}')) {
                return Err(format!("expected ';' after member {name}"));
            }
            out.push(Member { name, optional, ty });
        }
        Ok(out)
    }
}

impl Declarations {
    /// Parses `export interface` / `export type` declarations.
    pub(crate) fn parse(text: &str) -> Result<Declarations, String> {
        // `Record<string, unknown>` is the one generic used: fold it into a name first.
        let text = text.replace("Record<string, unknown>", "__AnyObject");
        let mut p = Parser {
            toks: tokens(&text)?,
            at: 0,
        };
        let mut d = Declarations::default();
        while p.peek().is_some() {
            match (p.ident()?.as_str(), p.ident()?.as_str()) {
                ("export", "interface") => {
                    let name = p.ident()?;
                    // `extends Error` (JpkiError): only the declared members are checked.
                    if p.peek() == Some(&Tok::Ident("extends".into())) {
                        p.at += 1;
                        p.ident()?;
                    }
                    p.punct('{')?;
                    let members = p.members()?;
                    d.types.insert(name, Type::Object(members));
                }
                ("export", "type") => {
                    let name = p.ident()?;
                    p.punct('=')?;
                    let t = p.union()?;
                    p.punct(';')?;
                    d.types.insert(name, t);
                }
                (a, b) => return Err(format!("unexpected `{a} {b}`")),
            }
        }
        for t in d.types.values_mut() {
            resolve_any_object(t);
        }
        Ok(d)
    }

    /// The members of interface `name`.
    pub(crate) fn members(&self, name: &str) -> &[Member] {
        match self.types.get(name) {
            Some(Type::Object(m)) => m,
            other => panic!("{name} is not an interface: {other:?}"),
        }
    }

    /// Checks a JSON value against a named type; the error names the path and the mismatch.
    pub(crate) fn check(&self, value: &Value, type_name: &str) -> Result<(), String> {
        self.check_at(value, &Type::Named(type_name.to_owned()), type_name, None)
    }

    /// Members of `interface` that no value checked so far had: a declaration the Rust side
    /// never produces has drifted too.
    pub(crate) fn unseen(&self, interface: &str) -> Vec<String> {
        let seen = self.seen.borrow();
        self.members(interface)
            .iter()
            .map(|m| m.name.clone())
            .filter(|m| !seen.contains(&format!("{interface}.{m}")))
            .collect()
    }

    fn check_at(&self, v: &Value, t: &Type, path: &str, owner: Option<&str>) -> Result<(), String> {
        let fail = || Err(format!("{path}: {v} is not {t:?}"));
        match t {
            Type::String => v.is_string().then_some(()).map_or_else(fail, Ok),
            Type::Number => v.is_number().then_some(()).map_or_else(fail, Ok),
            Type::Boolean => v.is_boolean().then_some(()).map_or_else(fail, Ok),
            Type::Null => v.is_null().then_some(()).map_or_else(fail, Ok),
            Type::Unknown => Ok(()),
            Type::JsOnly(_) => fail(),
            Type::Literal(s) => (v.as_str() == Some(s.as_str())).then_some(()).map_or_else(fail, Ok),
            Type::AnyObject => v.is_object().then_some(()).map_or_else(fail, Ok),
            Type::Named(n) => {
                let t = self
                    .types
                    .get(n)
                    .ok_or_else(|| format!("{path}: type {n} is not declared"))?;
                self.check_at(v, t, path, Some(n))
            }
            Type::Array(e) => {
                let a = v.as_array().ok_or_else(|| format!("{path}: {v} is not an array"))?;
                a.iter()
                    .enumerate()
                    .try_for_each(|(i, x)| self.check_at(x, e, &format!("{path}[{i}]"), None))
            }
            Type::Union(alts) => {
                let errors: Vec<String> = alts
                    .iter()
                    .filter_map(|a| self.check_at(v, a, path, None).err())
                    .collect();
                if errors.len() < alts.len() {
                    Ok(())
                } else {
                    Err(errors.join("; or "))
                }
            }
            Type::Object(members) => {
                let o = v.as_object().ok_or_else(|| format!("{path}: {v} is not an object"))?;
                for k in o.keys() {
                    if !members.iter().any(|m| &m.name == k) {
                        return Err(format!("{path}.{k} is not declared"));
                    }
                }
                for m in members {
                    match o.get(&m.name) {
                        None if m.optional => {}
                        None => return Err(format!("{path}.{} is declared required but missing", m.name)),
                        Some(x) => {
                            self.check_at(x, &m.ty, &format!("{path}.{}", m.name), None)?;
                            if let Some(owner) = owner {
                                self.seen.borrow_mut().insert(format!("{owner}.{}", m.name));
                            }
                        }
                    }
                }
                Ok(())
            }
        }
    }
}

fn resolve_any_object(t: &mut Type) {
    match t {
        Type::Named(n) if n == "__AnyObject" => *t = Type::AnyObject,
        Type::Array(e) => resolve_any_object(e),
        Type::Union(alts) => alts.iter_mut().for_each(resolve_any_object),
        Type::Object(members) => members.iter_mut().for_each(|m| resolve_any_object(&mut m.ty)),
        _ => {}
    }
}
