//! Zero-copy reading of a WebSocket frame: the array of events is deserialized straight into
//! per-event slots of loosely typed values borrowed from the frame text (no JSON tree, no map of
//! owned keys). Every slot accepts any JSON type, so a wrong type is reported by the decoder for
//! that event and field, and the frame's other events still decode. Unknown keys are skipped; a
//! repeated key keeps its last value.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A JSON value as the decoder needs it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Loose<'a> {
    /// A non-negative integer.
    U64(u64),
    /// A negative integer.
    I64(i64),
    /// A number with a fraction or exponent, or an integer beyond 64 bits.
    F64(f64),
    /// A string (borrowed from the frame unless it had escapes).
    Str(Cow<'a, str>),
    /// `true` / `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// An array.
    Array(Vec<Loose<'a>>),
    /// An object (its content is skipped).
    Object,
}

impl fmt::Display for Loose<'_> {
    /// How a found value is shown in an error (strings quoted, containers named).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::U64(n) => write!(f, "{n}"),
            Self::I64(n) => write!(f, "{n}"),
            Self::F64(x) => write!(f, "{x}"),
            Self::Str(s) => write!(f, "{:?}", super::json::excerpt(s, 40)),
            Self::Bool(b) => write!(f, "{b}"),
            Self::Null => f.write_str("null"),
            Self::Array(items) => write!(f, "an array of {} item(s)", items.len()),
            Self::Object => f.write_str("an object"),
        }
    }
}

/// Visitor of [`Loose`].
struct LooseVisitor;

impl<'de> Visitor<'de> for LooseVisitor {
    type Value = Loose<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Loose::Bool(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Loose::U64(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(match u64::try_from(v) {
            Ok(u) => Loose::U64(u),
            Err(_) => Loose::I64(v),
        })
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Loose::F64(v))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Loose::Str(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Loose::Str(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Loose::Str(Cow::Owned(v)))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Loose::Null)
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Loose::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(16));
        while let Some(item) = seq.next_element::<Loose<'de>>()? {
            items.push(item);
        }
        Ok(Loose::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Loose::Object)
    }
}

impl<'de> Deserialize<'de> for Loose<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LooseVisitor)
    }
}

/// The fields of an event the decoder reads (every event type's fields share one struct; which
/// ones matter depends on `ev`).
#[derive(Debug, Default)]
pub(super) struct RawEvent<'a> {
    pub(super) ev: Option<Loose<'a>>,
    pub(super) sym: Option<Loose<'a>>,
    /// `T`: the ticker of a `V` index value.
    pub(super) index_ticker: Option<Loose<'a>>,
    pub(super) x: Option<Loose<'a>>,
    pub(super) p: Option<Loose<'a>>,
    pub(super) s: Option<Loose<'a>>,
    pub(super) c: Option<Loose<'a>>,
    pub(super) t: Option<Loose<'a>>,
    pub(super) q: Option<Loose<'a>>,
    pub(super) bx: Option<Loose<'a>>,
    pub(super) ax: Option<Loose<'a>>,
    pub(super) bp: Option<Loose<'a>>,
    pub(super) ap: Option<Loose<'a>>,
    pub(super) bs: Option<Loose<'a>>,
    /// `as`: ask size.
    pub(super) ask_size: Option<Loose<'a>>,
    pub(super) o: Option<Loose<'a>>,
    pub(super) h: Option<Loose<'a>>,
    pub(super) l: Option<Loose<'a>>,
    pub(super) v: Option<Loose<'a>>,
    pub(super) val: Option<Loose<'a>>,
    pub(super) status: Option<Loose<'a>>,
    pub(super) message: Option<Loose<'a>>,
}

impl<'a> RawEvent<'a> {
    /// The slot of a key, `None` for keys the decoder ignores.
    fn slot(&mut self, key: &str) -> Option<&mut Option<Loose<'a>>> {
        Some(match key {
            "ev" => &mut self.ev,
            "sym" => &mut self.sym,
            "T" => &mut self.index_ticker,
            "x" => &mut self.x,
            "p" => &mut self.p,
            "s" => &mut self.s,
            "c" => &mut self.c,
            "t" => &mut self.t,
            "q" => &mut self.q,
            "bx" => &mut self.bx,
            "ax" => &mut self.ax,
            "bp" => &mut self.bp,
            "ap" => &mut self.ap,
            "bs" => &mut self.bs,
            "as" => &mut self.ask_size,
            "o" => &mut self.o,
            "h" => &mut self.h,
            "l" => &mut self.l,
            "v" => &mut self.v,
            "val" => &mut self.val,
            "status" => &mut self.status,
            "message" => &mut self.message,
            _ => return None,
        })
    }
}

/// An object key, compared without allocating.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// One element of the frame's array: an event, or what was found instead of an object.
#[derive(Debug)]
pub(super) enum Element<'a> {
    /// An object.
    Event(Box<RawEvent<'a>>),
    /// Anything else, described.
    NotObject(String),
}

impl<'de> Deserialize<'de> for Element<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ElementVisitor;
        impl<'de> Visitor<'de> for ElementVisitor {
            type Value = Element<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an event object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut event = Box::<RawEvent<'de>>::default();
                while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                    match event.slot(&key) {
                        Some(slot) => *slot = Some(map.next_value::<Loose<'de>>()?),
                        None => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(Element::Event(event))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                LooseVisitor
                    .visit_seq(seq)
                    .map(|v| Element::NotObject(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Element::NotObject(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Element::NotObject(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Element::NotObject(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Element::NotObject(v.to_string()))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Element::NotObject(Loose::Str(Cow::Borrowed(v)).to_string()))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Element::NotObject("null".to_owned()))
            }
        }
        d.deserialize_any(ElementVisitor)
    }
}

/// A whole frame: the array's elements, or what was found instead of an array.
pub(super) enum Frame<'a> {
    /// The elements.
    Array(Vec<Element<'a>>),
    /// Anything else, described.
    NotArray(String),
}

impl<'de> Deserialize<'de> for Frame<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct FrameVisitor;
        impl<'de> Visitor<'de> for FrameVisitor {
            type Value = Frame<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON array of events")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
                while let Some(item) = seq.next_element::<Element<'de>>()? {
                    items.push(item);
                }
                Ok(Frame::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                LooseVisitor
                    .visit_map(map)
                    .map(|v| Frame::NotArray(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Frame::NotArray(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Frame::NotArray(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Frame::NotArray(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Frame::NotArray(v.to_string()))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Frame::NotArray(Loose::Str(Cow::Borrowed(v)).to_string()))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Frame::NotArray("null".to_owned()))
            }
        }
        d.deserialize_any(FrameVisitor)
    }
}
