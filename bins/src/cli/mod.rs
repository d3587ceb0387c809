//! The `recipe` command's arguments, one subcommand per module, and what
//! the subcommands share: [`recipe_file`] reads the files they are given,
//! [`terminal`] decides on colour and writes standard output,
//! [`record_counts`] words what a backup holds.

pub mod backup;
pub mod diff;
pub mod log;
pub mod merge;
pub mod migrate;
pub mod migrate_ids;
pub mod recipe_file;
pub mod record_counts;
pub mod reindex;
pub mod restore;
pub mod terminal;
pub mod up;

use clap::{Parser, Subcommand};

/// Structured differences between a recipe and the way it was cooked.
#[derive(Debug, Parser)]
#[command(
    name = "recipe",
    version,
    about,
    long_about = "Structured differences between a recipe and the way it was cooked.\n\n\
                  Recipes and makes are JSON files, in the native camelCase format or as \
                  schema.org Recipe JSON-LD, saved web pages (.html) or Cooklang files \
                  (.cook). What a file says that cannot be understood is read around, \
                  with a warning on standard error.",
    after_help = "Examples:\n  recipe diff examples/data/apple-pie.json examples/data/apple-pie.make.json\n  recipe log pie.v1.json pie.v2.json pie.v3.json\n  recipe merge pie.json pie.mine.json pie.yours.json\n  recipe up --data ./recipe-data --port 8080\n  recipe backup ./recipe-data recipes.sqlite3\n  recipe restore recipes.sqlite3 ./recipe-data --force\n  recipe migrate-ids --table recipes\n  recipe migrate --from ./recipe-data --table recipes\n  recipe reindex --data ./recipe-data"
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands of `recipe`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show how a make differs from its recipe.
    Diff(diff::DiffArgs),
    /// Show how a recipe kept as files changed, version by version
    /// (oldest first).
    Log(log::LogArgs),
    /// Combine two variants of one recipe (three-way: base, ours, theirs).
    Merge(merge::MergeArgs),
    /// Run the whole pipeline on this machine (no AWS account needed).
    Up(up::UpArgs),
    /// Copy the database of a data directory into one file, while `recipe
    /// up` keeps running on it.
    #[command(long_about = backup::LONG_ABOUT)]
    Backup(backup::BackupArgs),
    /// Put a backup in place as a data directory's database (checked,
    /// migrated, all or nothing).
    #[command(long_about = restore::LONG_ABOUT)]
    Restore(restore::RestoreArgs),
    /// Give the makes a DynamoDB table stored under text ids integer ids
    /// (idempotent: safe to run again after a crash).
    #[command(long_about = migrate_ids::LONG_ABOUT)]
    MigrateIds(migrate_ids::MigrateIdsArgs),
    /// Copy a data directory's recipes, makes and rejections into the
    /// cluster's table (idempotent: run it twice, nothing doubles).
    #[command(long_about = migrate::LONG_ABOUT)]
    Migrate(migrate::MigrateArgs),
    /// Build the analytics' aggregates anew from the stored makes
    /// (idempotent: safe to run again, and while servers run).
    #[command(long_about = reindex::LONG_ABOUT)]
    Reindex(reindex::ReindexArgs),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_arguments_are_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
