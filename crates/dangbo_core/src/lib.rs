//! Domain types, rules and pure calculations of dangbo.
//!
//! Architecture invariant: this crate does no IO. It knows neither SQL nor HTTP; it never reads
//! the clock (callers pass `today`). Everything here is a function of its arguments.

pub mod badge;
pub mod cadre;
pub mod calendar;
pub mod candidate;
pub mod card;
pub mod course;
pub mod date;
#[cfg(feature = "demo")]
pub mod demo;
pub mod discipline;
pub mod error;
pub mod event;
pub mod fee;
pub mod meeting;
pub mod member;
pub mod org;
pub mod password;
pub mod place;
pub mod rating;
pub mod rules;
pub mod tally;
pub mod text;
pub mod todo;

pub use error::FieldErrors;
pub mod register;
