//! What a run leaves behind, shown to people: the metrics' catalogue (each metric's group and
//! meaning), numbers written for people ([`digits`]) and the terminal summary `lamas run` prints.
//! The metrics themselves are the world describing itself ([`crate::sim::metrics`]); the files
//! are written by [`crate::table`]; the HTML report is [`crate::html`].

pub mod catalogue;
pub mod digits;
pub mod terminal;
