//! `recipe migrate-ids --table NAME`: gives the makes a DynamoDB table
//! stored under text ids (before make ids were integers) their integer
//! ids.
//!
//! The work is [`DynamoRecordStore::migrate_make_ids_with`]; this module
//! builds the store as the services do (the standard AWS provider chain,
//! `AWS_ENDPOINT_URL`), prints each step and then the report. The SQLite
//! store needs no command: it migrates itself when it is opened.

use std::io::Write;

use anyhow::{Context, Result};
use recipe_aws::DynamoRecordStore;
use recipe_aws::dynamodb::{MigrationEvent, MoveNote};
use recipe_ports::records::MigrationReport;

use crate::assembly::Assembly;
use crate::config::BackendArgs;

/// What `recipe migrate-ids --help` says first (on the subcommand's
/// variant, where clap takes it from).
pub const LONG_ABOUT: &str = "Give every make that a DynamoDB table stored under a text id \
    (before make ids were integers) its integer id.\n\n\
    A number written as text keeps its number; any other id gets the next id of its recipe, in \
    the order the makes arrived; a bucket object's make keeps its old id as its claim, so a \
    redelivered message still finds it. Each make moves in one transaction, so the command is \
    idempotent: it is safe to run again after a crash or an interrupted run, which moves what \
    is left, and a run on a table with nothing old changes nothing. Servers may keep running \
    meanwhile: no make is lost or overwritten.";

/// Arguments of `recipe migrate-ids`.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = "\
Credentials and region come from the standard AWS provider chain; AWS_ENDPOINT_URL points at a \
local DynamoDB-compatible server. The command reads the whole table once (a Scan) and needs \
dynamodb:Scan, GetItem, PutItem, UpdateItem and DeleteItem on it: an operator's permissions, \
not a service's.

Example:
  recipe migrate-ids --table recipes")]
pub struct MigrateIdsArgs {
    /// The DynamoDB table of recipes, makes and differences.
    #[arg(long, env = "RECIPE_TABLE", value_name = "NAME")]
    pub table: String,
}

/// Migrates the table, printing each step and then the report on
/// standard output.
pub fn run(args: &MigrateIdsArgs) -> Result<MigrationReport> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?
        .block_on(migrate(args))
}

async fn migrate(args: &MigrateIdsArgs) -> Result<MigrationReport> {
    let backend = BackendArgs {
        table: Some(args.table.clone()),
        ..BackendArgs::default()
    };
    let store: DynamoRecordStore = Assembly::new(&backend).dynamo_records().await?;
    let mut out = std::io::stdout();
    writeln!(
        out,
        "scanning table {} for makes with text ids",
        store.table_name()
    )?;
    let report = store
        .migrate_make_ids_with(&mut |event| {
            // A closed standard output does not stop the migration.
            let _ = writeln!(std::io::stdout(), "{}", describe(event));
        })
        .await
        .with_context(|| format!("migrating the make ids of table {}", args.table))?;
    writeln!(out, "{report}")?;
    Ok(report)
}

/// One line about one step.
fn describe(event: &MigrationEvent) -> String {
    match event {
        MigrationEvent::Found { makes: 0, .. } => {
            "found no make with a text id: nothing to do".to_owned()
        }
        MigrationEvent::Found { makes, recipes } => {
            format!("found {makes} make(s) with text ids in {recipes} recipe(s)")
        }
        MigrationEvent::Moved {
            recipe_id,
            legacy_id,
            make_id,
            note,
        } => {
            let why = match note {
                None => "",
                Some(MoveNote::KeptIdTaken) => {
                    " (a make stored since the upgrade has its number; it got the next id)"
                }
                Some(MoveNote::ClaimTaken) => {
                    " (its object's claim names a make stored since the upgrade, and stays so)"
                }
                Some(_) => " (moved otherwise than planned)",
            };
            format!("recipe {recipe_id}: make {legacy_id:?} is now make {make_id}{why}")
        }
        MigrationEvent::AlreadyMoved {
            recipe_id,
            legacy_id,
        } => format!("recipe {recipe_id}: make {legacy_id:?} was moved by another run"),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_read_as_sentences() {
        assert_eq!(
            describe(&MigrationEvent::Found {
                makes: 0,
                recipes: 0
            }),
            "found no make with a text id: nothing to do"
        );
        assert_eq!(
            describe(&MigrationEvent::Moved {
                recipe_id: 2,
                legacy_id: "7".to_owned(),
                make_id: 9,
                note: Some(MoveNote::KeptIdTaken),
            }),
            "recipe 2: make \"7\" is now make 9 \
             (a make stored since the upgrade has its number; it got the next id)"
        );
    }
}
