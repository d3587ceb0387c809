//! The three-way merge: its properties over generated recipes
//! ([`properties`]) and a hand-written corpus of cases with the results a
//! cook expects ([`corpus`]).

mod corpus;
#[path = "../generators/mod.rs"]
mod generators;
mod properties;
