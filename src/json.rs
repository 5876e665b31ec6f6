//! A small, strict JSON reader (RFC 8259) for JWS headers, claims and options, its value type
//! [`JsonValue`], and (wasm only) a JSON writer for the verdict handed to JS.
//!
//! Why not `serde_json` here: the reader must refuse duplicate member names at every depth and
//! bound nesting, and report *where* it failed (byte offset into the decoded JSON); and the
//! verify-only wasm module should not carry serde_json's parser, serializer, `Value` (a
//! `BTreeMap`) and error formatting. [`JsonValue`] keeps an object's members sorted by name in
//! a `Vec` (found by binary search; the reader has refused duplicates), so it serialises in the
//! same order `serde_json::Value` does; `serde_json::Value::from(&JsonValue)` converts natively.
//!
//! The grammar is RFC 8259 with nothing added: no comments, no trailing commas, no leading
//! zeros, no unescaped control characters, no lone surrogates, UTF-8 only, whitespace is
//! space / tab / LF / CR. Numbers: an integer that fits `u64` (or `i64` when negative) stays an
//! integer, anything else is an `f64` (out of range is an error), as `serde_json` does.

/// A JSON value read by the strict reader (`Claims::txn`, `CompactJws::header`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonValue {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number.
    Number(JsonNumber),
    /// A string (escapes decoded).
    String(String),
    /// An array.
    Array(Vec<JsonValue>),
    /// An object: member names are unique.
    Object(JsonObject),
}

/// A JSON number: an integer when it is one and fits, else a finite `f64`.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum JsonNumber {
    /// A non-negative integer.
    PosInt(u64),
    /// A negative integer.
    NegInt(i64),
    /// Anything else (never NaN or infinite).
    Float(f64),
}

// Floats are finite (the reader refuses the rest), so equality is total.
impl Eq for JsonNumber {}

impl JsonNumber {
    /// The value as `i64`, when it is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            JsonNumber::PosInt(v) => i64::try_from(v).ok(),
            JsonNumber::NegInt(v) => Some(v),
            JsonNumber::Float(_) => None,
        }
    }

    /// The value as `u64`, when it is a non-negative integer.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            JsonNumber::PosInt(v) => Some(v),
            _ => None,
        }
    }
}

/// A JSON object's members, sorted by name, names unique.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JsonObject {
    members: Vec<(String, JsonValue)>,
}

impl JsonObject {
    fn position(&self, name: &str) -> Result<usize, usize> {
        self.members.binary_search_by(|(k, _)| k.as_str().cmp(name))
    }

    /// The member called `name`.
    pub fn get(&self, name: &str) -> Option<&JsonValue> {
        self.position(name)
            .ok()
            .and_then(|i| self.members.get(i))
            .map(|(_, v)| v)
    }

    /// Whether a member called `name` is present.
    pub fn contains_key(&self, name: &str) -> bool {
        self.position(name).is_ok()
    }

    /// The members, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &JsonValue)> {
        self.members.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The member names, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.members.iter().map(|(k, _)| k.as_str())
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether there are no members.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }
}

impl JsonValue {
    /// The member `name` of an object (`None` for other values).
    pub fn get(&self, name: &str) -> Option<&JsonValue> {
        match self {
            JsonValue::Object(o) => o.get(name),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            JsonValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, if this is one that fits `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            JsonValue::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            JsonValue::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The object, if this is one.
    pub fn as_object(&self) -> Option<&JsonObject> {
        match self {
            JsonValue::Object(o) => Some(o),
            _ => None,
        }
    }
}

impl serde::Serialize for JsonValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            JsonValue::Null => s.serialize_unit(),
            JsonValue::Bool(b) => s.serialize_bool(*b),
            JsonValue::Number(JsonNumber::PosInt(v)) => s.serialize_u64(*v),
            JsonValue::Number(JsonNumber::NegInt(v)) => s.serialize_i64(*v),
            JsonValue::Number(JsonNumber::Float(v)) => s.serialize_f64(*v),
            JsonValue::String(v) => s.serialize_str(v),
            JsonValue::Array(v) => s.collect_seq(v),
            JsonValue::Object(o) => s.collect_map(o.iter()),
        }
    }
}

/// A `serde_json` value in this model (numbers keep their kind; members sorted by name).
impl From<&serde_json::Value> for JsonValue {
    fn from(v: &serde_json::Value) -> Self {
        use serde_json::Value;
        match v {
            Value::Null => JsonValue::Null,
            Value::Bool(b) => JsonValue::Bool(*b),
            Value::Number(n) => JsonValue::Number(match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => JsonNumber::PosInt(u),
                (None, Some(i)) => JsonNumber::NegInt(i),
                _ => JsonNumber::Float(n.as_f64().unwrap_or_default()),
            }),
            Value::String(s) => JsonValue::String(s.clone()),
            Value::Array(a) => JsonValue::Array(a.iter().map(JsonValue::from).collect()),
            Value::Object(o) => JsonValue::Object(JsonObject {
                // A BTreeMap iterates sorted and unique: already this model's order.
                members: o.iter().map(|(k, v)| (k.clone(), JsonValue::from(v))).collect(),
            }),
        }
    }
}

/// The same value as `serde_json` models it (natively; the wasm adapter never needs it).
impl From<&JsonValue> for serde_json::Value {
    fn from(v: &JsonValue) -> Self {
        use serde_json::Value;
        match v {
            JsonValue::Null => Value::Null,
            JsonValue::Bool(b) => Value::Bool(*b),
            JsonValue::Number(JsonNumber::PosInt(n)) => Value::from(*n),
            JsonValue::Number(JsonNumber::NegInt(n)) => Value::from(*n),
            JsonValue::Number(JsonNumber::Float(f)) => {
                serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
            }
            JsonValue::String(s) => Value::String(s.clone()),
            JsonValue::Array(a) => Value::Array(a.iter().map(Value::from).collect()),
            JsonValue::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.to_owned(), Value::from(v))).collect()),
        }
    }
}

/// Deepest nesting accepted (objects and arrays): the top-level value is depth 0.
pub(crate) const MAX_DEPTH: usize = 32;

/// Most members of one object. Members are kept sorted by inserting where a binary search
/// says, which moves the later ones: quadratic in one object's members, so they are bounded
/// (an assertion's claims or header, the verification options: a dozen or two each; a
/// `txn` of 256 members is already far more than a person reads before signing).
pub const MAX_OBJECT_MEMBERS: usize = 256;

/// Why and where (byte offset into the JSON text) parsing stopped.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub(crate) reason: &'static str,
    /// For duplicate members: the name (already checked to be a string).
    pub(crate) name: Option<String>,
    pub(crate) offset: usize,
}

impl core::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.reason)?;
        if let Some(n) = &self.name {
            f.write_str(" \"")?;
            write_escaped(f, n)?;
            f.write_str("\"")?;
        }
        write!(f, " at byte {}", self.offset)
    }
}

/// Writes `s` with `"`, `\` and control characters escaped (the name of a duplicate member
/// is attacker-chosen; messages stay one line).
fn write_escaped(f: &mut core::fmt::Formatter<'_>, s: &str) -> core::fmt::Result {
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            c if (c as u32) < 0x20 || c == '\u{7f}' => write!(f, "\\u{:04x}", c as u32)?,
            c => f.write_char(c)?,
        }
    }
    Ok(())
}

use core::fmt::Write as _;

type Parsed<T> = Result<T, SyntaxError>;

struct Reader<'a> {
    s: &'a [u8],
    at: usize,
}

fn err<T>(reason: &'static str, offset: usize) -> Parsed<T> {
    Err(SyntaxError {
        reason,
        name: None,
        offset,
    })
}

/// Parses one JSON value (the whole input, surrounding whitespace allowed).
pub(crate) fn parse(bytes: &[u8]) -> Parsed<JsonValue> {
    let mut r = Reader { s: bytes, at: 0 };
    r.ws();
    let v = r.value(0)?;
    r.ws();
    if r.at != bytes.len() {
        return err("trailing characters", r.at);
    }
    Ok(v)
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    fn literal(&mut self, word: &'static [u8], v: JsonValue) -> Parsed<JsonValue> {
        if self.s.get(self.at..self.at + word.len()) == Some(word) {
            self.at += word.len();
            Ok(v)
        } else {
            err("invalid literal", self.at)
        }
    }

    fn value(&mut self, depth: usize) -> Parsed<JsonValue> {
        match self.peek() {
            None => err("unexpected end of input", self.at),
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(JsonValue::String),
            Some(b't') => self.literal(b"true", JsonValue::Bool(true)),
            Some(b'f') => self.literal(b"false", JsonValue::Bool(false)),
            Some(b'n') => self.literal(b"null", JsonValue::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => err("expected a value", self.at),
        }
    }

    fn object(&mut self, depth: usize) -> Parsed<JsonValue> {
        if depth >= MAX_DEPTH {
            return err("JSON nested too deeply", self.at);
        }
        self.at += 1; // '{'
        let mut out = JsonObject::default();
        self.ws();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(JsonValue::Object(out));
        }
        loop {
            self.ws();
            let name_at = self.at;
            if self.peek() != Some(b'"') {
                return err("expected a member name", self.at);
            }
            if out.members.len() == MAX_OBJECT_MEMBERS {
                return err("more than 256 members in one object", name_at);
            }
            let name = self.string()?;
            let Err(slot) = out.position(&name) else {
                return Err(SyntaxError {
                    reason: "duplicate member",
                    name: Some(name),
                    offset: name_at,
                });
            };
            self.ws();
            if self.peek() != Some(b':') {
                return err("expected ':'", self.at);
            }
            self.at += 1;
            self.ws();
            let v = self.value(depth + 1)?;
            // Sorted by name: where the binary search said it belongs.
            out.members.insert(slot, (name, v));
            self.ws();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(JsonValue::Object(out));
                }
                _ => return err("expected ',' or '}'", self.at),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Parsed<JsonValue> {
        if depth >= MAX_DEPTH {
            return err("JSON nested too deeply", self.at);
        }
        self.at += 1; // '['
        let mut out = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(JsonValue::Array(out));
        }
        loop {
            self.ws();
            out.push(self.value(depth + 1)?);
            self.ws();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(JsonValue::Array(out));
                }
                _ => return err("expected ',' or ']'", self.at),
            }
        }
    }

    fn hex4(&mut self) -> Parsed<u32> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                _ => return err("invalid \\u escape", self.at),
            };
            v = (v << 4) | u32::from(d);
            self.at += 1;
        }
        Ok(v)
    }

    /// A string starting at `"`; UTF-8 is validated, escapes decoded.
    fn string(&mut self) -> Parsed<String> {
        self.at += 1; // '"'
        let mut out = String::new();
        loop {
            let start = self.at;
            // One pass over the run (x5c strings are kilobytes long).
            let rest = self.s.get(start..).unwrap_or_default();
            self.at += rest
                .iter()
                .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
                .unwrap_or(rest.len());
            match core::str::from_utf8(&self.s[start..self.at]) {
                Ok(run) => out.push_str(run),
                Err(e) => return err("invalid UTF-8 in string", start + e.valid_up_to()),
            }
            match self.peek() {
                None => return err("unterminated string", self.at),
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    let esc_at = self.at;
                    self.at += 1;
                    let c = self.peek();
                    self.at += 1;
                    out.push(match c {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => self.unicode_escape(esc_at)?,
                        _ => return err("invalid escape", esc_at),
                    });
                }
                Some(_) => return err("control character in string", self.at),
            }
        }
    }

    /// After `\u`: four hex digits, a surrogate pair as two escapes.
    fn unicode_escape(&mut self, esc_at: usize) -> Parsed<char> {
        let hi = self.hex4()?;
        let cp = if (0xD800..0xDC00).contains(&hi) {
            if self.s.get(self.at..self.at + 2) != Some(b"\\u") {
                return err("lone surrogate in \\u escape", esc_at);
            }
            self.at += 2;
            let lo = self.hex4()?;
            if !(0xDC00..0xE000).contains(&lo) {
                return err("lone surrogate in \\u escape", esc_at);
            }
            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
        } else {
            hi
        };
        match char::from_u32(cp) {
            Some(c) => Ok(c),
            None => err("lone surrogate in \\u escape", esc_at),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
        self.at - start
    }

    fn number(&mut self) -> Parsed<JsonValue> {
        let start = self.at;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.at += 1;
        }
        let int_at = self.at;
        match self.peek() {
            Some(b'0') => {
                self.at += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return err("leading zero in number", int_at);
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return err("invalid number", self.at),
        }
        let int_end = self.at;
        let mut integer = true;
        if self.peek() == Some(b'.') {
            self.at += 1;
            if self.digits() == 0 {
                return err("invalid number", self.at);
            }
            integer = false;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            if self.digits() == 0 {
                return err("invalid number", self.at);
            }
            integer = false;
        }
        // ASCII by construction.
        let text = core::str::from_utf8(&self.s[start..self.at]).map_err(|_| SyntaxError {
            reason: "invalid number",
            name: None,
            offset: start,
        })?;
        if integer {
            let mut v: u64 = 0;
            let mut fits = true;
            for &d in &self.s[int_at..int_end] {
                match v.checked_mul(10).and_then(|x| x.checked_add(u64::from(d - b'0'))) {
                    Some(x) => v = x,
                    None => {
                        fits = false;
                        break;
                    }
                }
            }
            if fits {
                if !negative {
                    return Ok(JsonValue::Number(JsonNumber::PosInt(v)));
                }
                if v != 0 {
                    if let Some(n) = 0i64.checked_sub_unsigned(v) {
                        return Ok(JsonValue::Number(JsonNumber::NegInt(n)));
                    }
                }
                // -0, or below i64::MIN: a float (as serde_json).
            }
        }
        match parse_f64(text) {
            Some(n) => Ok(JsonValue::Number(JsonNumber::Float(n))),
            None => err("number out of range", start),
        }
    }
}

/// A finite `f64` from JSON number text (already checked against the grammar), correctly
/// rounded. In wasm the engine's `parseFloat` does it: core's parser would add ~10 KB of
/// power-of-ten tables to the module.
fn parse_f64(text: &str) -> Option<f64> {
    #[cfg(target_arch = "wasm32")]
    let v = js_sys::parse_float(text);
    #[cfg(not(target_arch = "wasm32"))]
    let v: f64 = text.parse().ok()?;
    v.is_finite().then_some(v)
}

// ---------------------------------------------------------------- writer (wasm)

/// Serialises `value` to compact JSON text, byte for byte what `serde_json::to_string` writes
/// for our types (same escaping, same key order), except floats, which `float` formats (any
/// shortest round-trip form; JS's `Number#toString` in wasm). Non-finite floats are `null`.
#[cfg(any(test, target_arch = "wasm32"))]
pub(crate) fn to_string<T: serde::Serialize + ?Sized>(
    value: &T,
    float: fn(f64, &mut String),
) -> Result<String, WriteError> {
    let mut out = String::with_capacity(1024);
    value.serialize(&mut Writer { out: &mut out, float })?;
    Ok(out)
}

#[cfg(any(test, target_arch = "wasm32"))]
pub(crate) use writer::{WriteError, Writer};

#[cfg(any(test, target_arch = "wasm32"))]
mod writer {
    use serde::ser::{self, Serialize};

    /// A value that has no JSON form (a non-string map key) or a custom error from a
    /// `Serialize` impl.
    #[derive(Debug)]
    pub(crate) struct WriteError(pub(crate) String);

    impl core::fmt::Display for WriteError {
        fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            f.write_str(&self.0)
        }
    }

    impl std::error::Error for WriteError {}

    impl ser::Error for WriteError {
        fn custom<T: core::fmt::Display>(msg: T) -> Self {
            WriteError(msg.to_string())
        }
    }

    pub(crate) struct Writer<'a> {
        pub(crate) out: &'a mut String,
        pub(crate) float: fn(f64, &mut String),
    }

    type R = Result<(), WriteError>;

    fn push_u64(out: &mut String, mut v: u64) {
        let mut buf = [0u8; 20];
        let mut i = buf.len();
        loop {
            i -= 1;
            buf[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        for &b in &buf[i..] {
            out.push(char::from(b));
        }
    }

    fn push_i64(out: &mut String, v: i64) {
        if v < 0 {
            out.push('-');
        }
        push_u64(out, v.unsigned_abs());
    }

    /// serde_json's escaping: `"`, `\`, and C0 controls (`\b \f \n \r \t`, else `\u00XX`).
    fn push_str(out: &mut String, s: &str) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        out.push('"');
        let mut start = 0;
        for (i, b) in s.bytes().enumerate() {
            let esc: &str = match b {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                0x08 => "\\b",
                0x0c => "\\f",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0..=0x1f => "",
                _ => continue,
            };
            // `start` and `i` sit next to ASCII bytes, so `get` never fails (and, unlike
            // indexing, has no char-boundary panic path to carry in the wasm module).
            out.push_str(s.get(start..i).unwrap_or_default());
            if esc.is_empty() {
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 15)]));
            } else {
                out.push_str(esc);
            }
            start = i + 1;
        }
        out.push_str(s.get(start..).unwrap_or_default());
        out.push('"');
    }

    pub(crate) struct Compound<'w, 'a> {
        w: &'w mut Writer<'a>,
        first: bool,
        /// `}` after a variant's content (`{"Variant":…}`).
        close_variant: bool,
    }

    impl Compound<'_, '_> {
        fn comma(&mut self) {
            if self.first {
                self.first = false;
            } else {
                self.w.out.push(',');
            }
        }

        fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> R {
            self.key(key);
            value.serialize(&mut *self.w)
        }

        /// `,"key":` — kept out of line: `field` has one copy per value type.
        #[inline(never)]
        fn key(&mut self, key: &str) {
            self.comma();
            push_str(self.w.out, key);
            self.w.out.push(':');
        }

        fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
            self.comma();
            value.serialize(&mut *self.w)
        }

        fn close(self, c: char) -> R {
            self.w.out.push(c);
            if self.close_variant {
                self.w.out.push('}');
            }
            Ok(())
        }
    }

    impl<'w, 'a> Writer<'a> {
        fn open(&'w mut self, c: char, variant: Option<&str>) -> Compound<'w, 'a> {
            if let Some(v) = variant {
                self.out.push('{');
                push_str(self.out, v);
                self.out.push(':');
            }
            self.out.push(c);
            Compound {
                w: self,
                first: true,
                close_variant: variant.is_some(),
            }
        }
    }

    impl<'w, 'a> ser::Serializer for &'w mut Writer<'a> {
        type Ok = ();
        type Error = WriteError;
        type SerializeSeq = Compound<'w, 'a>;
        type SerializeTuple = Compound<'w, 'a>;
        type SerializeTupleStruct = Compound<'w, 'a>;
        type SerializeTupleVariant = Compound<'w, 'a>;
        type SerializeMap = Compound<'w, 'a>;
        type SerializeStruct = Compound<'w, 'a>;
        type SerializeStructVariant = Compound<'w, 'a>;

        fn serialize_bool(self, v: bool) -> R {
            self.out.push_str(if v { "true" } else { "false" });
            Ok(())
        }
        fn serialize_i8(self, v: i8) -> R {
            self.serialize_i64(i64::from(v))
        }
        fn serialize_i16(self, v: i16) -> R {
            self.serialize_i64(i64::from(v))
        }
        fn serialize_i32(self, v: i32) -> R {
            self.serialize_i64(i64::from(v))
        }
        fn serialize_i64(self, v: i64) -> R {
            push_i64(self.out, v);
            Ok(())
        }
        fn serialize_u8(self, v: u8) -> R {
            self.serialize_u64(u64::from(v))
        }
        fn serialize_u16(self, v: u16) -> R {
            self.serialize_u64(u64::from(v))
        }
        fn serialize_u32(self, v: u32) -> R {
            self.serialize_u64(u64::from(v))
        }
        fn serialize_u64(self, v: u64) -> R {
            push_u64(self.out, v);
            Ok(())
        }
        fn serialize_f32(self, v: f32) -> R {
            self.serialize_f64(f64::from(v))
        }
        fn serialize_f64(self, v: f64) -> R {
            if v.is_finite() {
                (self.float)(v, self.out);
            } else {
                self.out.push_str("null");
            }
            Ok(())
        }
        fn serialize_char(self, v: char) -> R {
            let mut b = [0u8; 4];
            self.serialize_str(v.encode_utf8(&mut b))
        }
        fn serialize_str(self, v: &str) -> R {
            push_str(self.out, v);
            Ok(())
        }
        fn serialize_bytes(self, v: &[u8]) -> R {
            let mut s = self.open('[', None);
            for b in v {
                ser::SerializeSeq::serialize_element(&mut s, b)?;
            }
            s.close(']')
        }
        fn serialize_none(self) -> R {
            self.serialize_unit()
        }
        fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> R {
            value.serialize(self)
        }
        fn serialize_unit(self) -> R {
            self.out.push_str("null");
            Ok(())
        }
        fn serialize_unit_struct(self, _name: &'static str) -> R {
            self.serialize_unit()
        }
        fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> R {
            self.serialize_str(variant)
        }
        fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> R {
            value.serialize(self)
        }
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _name: &'static str,
            _index: u32,
            variant: &'static str,
            value: &T,
        ) -> R {
            self.out.push('{');
            push_str(self.out, variant);
            self.out.push(':');
            value.serialize(&mut *self)?;
            self.out.push('}');
            Ok(())
        }
        fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, WriteError> {
            Ok(self.open('[', None))
        }
        fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, WriteError> {
            Ok(self.open('[', None))
        }
        fn serialize_tuple_struct(
            self,
            _name: &'static str,
            _len: usize,
        ) -> Result<Self::SerializeTupleStruct, WriteError> {
            Ok(self.open('[', None))
        }
        fn serialize_tuple_variant(
            self,
            _name: &'static str,
            _index: u32,
            variant: &'static str,
            _len: usize,
        ) -> Result<Self::SerializeTupleVariant, WriteError> {
            Ok(self.open('[', Some(variant)))
        }
        fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, WriteError> {
            Ok(self.open('{', None))
        }
        fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct, WriteError> {
            Ok(self.open('{', None))
        }
        fn serialize_struct_variant(
            self,
            _name: &'static str,
            _index: u32,
            variant: &'static str,
            _len: usize,
        ) -> Result<Self::SerializeStructVariant, WriteError> {
            Ok(self.open('{', Some(variant)))
        }
    }

    impl ser::SerializeSeq for Compound<'_, '_> {
        type Ok = ();
        type Error = WriteError;
        fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
            self.element(value)
        }
        fn end(self) -> R {
            self.close(']')
        }
    }

    impl ser::SerializeTuple for Compound<'_, '_> {
        type Ok = ();
        type Error = WriteError;
        fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
            self.element(value)
        }
        fn end(self) -> R {
            self.close(']')
        }
    }

    impl ser::SerializeTupleStruct for Compound<'_, '_> {
        type Ok = ();
        type Error = WriteError;
        fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
            self.element(value)
        }
        fn end(self) -> R {
            self.close(']')
        }
    }

    impl ser::SerializeTupleVariant for Compound<'_, '_> {
        type Ok = ();
        type Error = WriteError;
        fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
            self.element(value)
        }
        fn end(self) -> R {
            self.close(']')
        }
    }

    impl ser::SerializeMap for Compound<'_, '_> {
        type Ok = ();
        type Error = WriteError;
        fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> R {
            self.comma();
            let before = self.w.out.len();
            key.serialize(&mut *self.w)?;
            // JSON member names are strings; anything else has no JSON form.
            // (`as_bytes().get`: no char-boundary panic path in the wasm module.)
            if self.w.out.as_bytes().get(before) != Some(&b'"') {
                return Err(WriteError("map key must be a string".to_owned()));
            }
            self.w.out.push(':');
            Ok(())
        }
        fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
            value.serialize(&mut *self.w)
        }
        fn end(self) -> R {
            self.close('}')
        }
    }

    impl ser::SerializeStruct for Compound<'_, '_> {
        type Ok = ();
        type Error = WriteError;
        fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> R {
            self.field(key, value)
        }
        fn end(self) -> R {
            self.close('}')
        }
    }

    impl ser::SerializeStructVariant for Compound<'_, '_> {
        type Ok = ();
        type Error = WriteError;
        fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> R {
            self.field(key, value)
        }
        fn end(self) -> R {
            self.close('}')
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// Parsed by ours, in serde_json's model (to compare with serde_json).
    fn ok(s: &str) -> Value {
        Value::from(&parse(s.as_bytes()).unwrap_or_else(|e| panic!("{s}: {e}")))
    }

    fn bad(s: &[u8]) -> SyntaxError {
        match parse(s) {
            Ok(v) => panic!("{:?} accepted as {v:?}", String::from_utf8_lossy(s)),
            Err(e) => e,
        }
    }

    #[test]
    fn agrees_with_serde_json_on_valid_input() {
        for s in [
            r#"{"a":1,"b":[true,false,null],"c":{"d":"e"},"f":-2,"g":1.5,"h":1e3,"i":-0,"j":0}"#,
            r#" { "x" : "\u00e9\ud83d\ude00\n\t\"\\\/" , "y" : [ ] , "z" : { } } "#,
            r#"{"z":1,"a":{"y":2,"b":3,"aa":4,"A":5},"m":[{"q":1,"p":2}]}"#,
            r#"{"big":18446744073709551615,"bigger":18446744073709551616,"neg":-9223372036854775808,"negger":-9223372036854775809}"#,
            r#"{"f":0.1,"g":2.5E-3,"h":1E+2,"i":-1.0e0,"j":123456789012345678901234567890}"#,
            "[\"日本語\"]",
            "\"x\"",
            "1",
        ] {
            let ours = ok(s);
            let theirs: Value = serde_json::from_str(s).unwrap();
            assert_eq!(ours, theirs, "{s}");
            assert_eq!(ours.to_string(), theirs.to_string(), "{s}");
            // JsonValue's own Serialize: members sorted by name, as serde_json's Map writes them.
            let parsed = parse(s.as_bytes()).unwrap();
            assert_eq!(serde_json::to_string(&parsed).unwrap(), theirs.to_string(), "{s}");
            assert_eq!(JsonValue::from(&theirs), parsed, "{s}");
        }
    }

    #[test]
    fn refuses_what_rfc_8259_refuses() {
        for s in [
            &b""[..],
            b" ",
            b"{",
            b"{\"a\":1,}",
            b"[1,]",
            b"{'a':1}",
            b"{\"a\" 1}",
            b"{\"a\":01}",
            b"{\"a\":-}",
            b"{\"a\":1.}",
            b"{\"a\":.5}",
            b"{\"a\":1e}",
            b"{\"a\":+1}",
            b"{\"a\":NaN}",
            b"{\"a\":1e400}",
            b"{\"a\":\"\x01\"}",
            b"{\"a\":\"\\x\"}",
            b"{\"a\":\"\\ud800\"}",
            b"{\"a\":\"\\udc00\"}",
            b"{\"a\":\"\\ud800\\u0041\"}",
            b"{\"a\":\"\xff\"}",
            b"{\"a\":tru}",
            b"{\"a\":1} x",
            b"{\"a\":1}{}",
            b"/* c */{}",
            b"{\"a\":\"unterminated}",
        ] {
            bad(s);
            assert!(
                serde_json::from_slice::<Value>(s).is_err(),
                "{:?}",
                String::from_utf8_lossy(s)
            );
        }
    }

    /// The members budget at the boundary and one past it, and the cost of objects at the
    /// budget by ratio: 64 objects of 256 members cost about 64 times one such object (not
    /// more: the quadratic insertion is bounded by the budget).
    #[test]
    fn members_per_object_budget() {
        let object = |n: usize| {
            let members: Vec<String> = (0..n).rev().map(|i| format!("\"m{i:05}\":{i}")).collect();
            format!("{{{}}}", members.join(","))
        };
        assert!(parse(object(MAX_OBJECT_MEMBERS).as_bytes()).is_ok());
        let e = bad(object(MAX_OBJECT_MEMBERS + 1).as_bytes());
        assert_eq!(e.reason, "more than 256 members in one object");
        let one = object(MAX_OBJECT_MEMBERS);
        let many = format!("[{}]", vec![one.as_str(); 64].join(","));
        let time = |text: &str, reps: usize| {
            let start = std::time::Instant::now();
            for _ in 0..reps {
                parse(text.as_bytes()).unwrap();
            }
            start.elapsed().as_secs_f64()
        };
        let ratio = time(&many, 5) / time(&one, 5 * 64);
        println!("64 objects / 64 × one object: {ratio:.2}");
        assert!(ratio < 4.0, "{ratio}");
    }

    #[test]
    fn duplicates_at_every_depth_with_offsets() {
        let e = bad(br#"{"alg":"none","alg":"RS256"}"#);
        assert_eq!(
            (e.reason, e.name.as_deref(), e.offset),
            ("duplicate member", Some("alg"), 14)
        );
        assert_eq!(e.to_string(), "duplicate member \"alg\" at byte 14");
        bad(br#"{"txn":{"amount":1,"amount":2}}"#);
        bad(br#"{"a":[{"b":1,"b":2}]}"#);
        // Same name after unescaping.
        bad(br#"{"a":1,"\u0061":2}"#);
        let e = bad(b"{\"a\":1,\"x\\n\":2,\"x\\n\":3}");
        assert_eq!(e.to_string(), "duplicate member \"x\\u000a\" at byte 15");
    }

    #[test]
    fn depth_is_bounded() {
        let at = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
        assert!(parse(at(MAX_DEPTH).as_bytes()).is_ok());
        let e = bad(at(MAX_DEPTH + 1).as_bytes());
        assert_eq!((e.reason, e.offset), ("JSON nested too deeply", MAX_DEPTH));
        let deep = "[".repeat(100_000);
        assert_eq!(bad(deep.as_bytes()).reason, "JSON nested too deeply");
    }

    fn float(v: f64, out: &mut String) {
        out.push_str(
            &serde_json::Number::from_f64(v)
                .map(|n| n.to_string())
                .unwrap_or_default(),
        );
    }

    #[test]
    fn writer_matches_serde_json() {
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct S<'a> {
            a: Option<u8>,
            #[serde(skip_serializing_if = "Option::is_none")]
            b: Option<u8>,
            text: &'a str,
            list: Vec<i64>,
            value: Value,
            e: E,
            t: (u8, bool),
            empty: Vec<u8>,
        }
        #[derive(serde::Serialize)]
        enum E {
            #[allow(dead_code)]
            Unit,
            New(u32),
        }
        let value = ok(r#"{"z":1,"a":[1.5,-2,null,{"k":"v\u0001\u001f\"\\/"}],"m":{}}"#);
        let s = S {
            a: None,
            b: None,
            text: "é\u{7f}\u{2028}\r\n\t\u{8}\u{c}<>&",
            list: vec![i64::MIN, -1, 0, i64::MAX],
            value,
            e: E::New(7),
            t: (255, true),
            empty: vec![],
        };
        assert_eq!(to_string(&s, float).unwrap(), serde_json::to_string(&s).unwrap());
        let mut bad_key = std::collections::BTreeMap::new();
        bad_key.insert(1u8, 2u8);
        assert!(to_string(&bad_key, float).is_err());
    }

    /// Property tests (review-security M8): any JSON value serde_json writes (objects with
    /// distinct names, integers, strings with any characters, nesting within the depth limit)
    /// is read by ours as serde_json reads it, and ours writes what serde_json writes.
    #[cfg(not(target_arch = "wasm32"))] // proptest is a native dev-dependency
    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn json_value() -> impl Strategy<Value = Value> {
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                any::<i64>().prop_map(Value::from),
                any::<u64>().prop_map(Value::from),
                ".{0,12}".prop_map(Value::String),
            ];
            leaf.prop_recursive(6, 64, 6, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                    prop::collection::btree_map(".{0,8}", inner, 0..6)
                        .prop_map(|m| Value::Object(m.into_iter().collect())),
                ]
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

            #[test]
            fn reads_what_serde_json_writes(v in json_value()) {
                let text = serde_json::to_string(&v).unwrap();
                let ours = parse(text.as_bytes()).unwrap();
                prop_assert_eq!(Value::from(&ours), v.clone());
                // And writes it back as serde_json does.
                prop_assert_eq!(to_string(&ours, float).unwrap(), serde_json::to_string(&Value::from(&ours)).unwrap());
            }

            #[test]
            fn arbitrary_bytes_are_read_or_refused_never_a_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
                let _ = parse(&bytes);
            }
        }
    }
}
