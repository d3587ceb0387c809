//! `recipe reindex (--data DIR | --table NAME) [--recipe ID]`: builds the
//! analytics' aggregates anew from the makes.
//!
//! The work is [`RecordStore::rebuild_aggregates`], recipe by recipe; this
//! module opens the store through the one [`Assembly`], walks the recipes a
//! page at a time, and prints a line per recipe and a total. Stores keep
//! their aggregates up to date by themselves (SQLite builds them when it
//! migrates, DynamoDB when a recipe's are first needed); the command is for
//! repairs and for a table written by servers of both builds during an
//! upgrade.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use recipe_ports::aggregate::Rebuilt;
use recipe_ports::{PageRequest, RecordStore};

use crate::assembly::Assembly;
use crate::config::BackendArgs;

/// What `recipe reindex --help` says first.
pub const LONG_ABOUT: &str = "Build the aggregates the analytics are read from (per recipe \
    version: counts, ratings, how each ingredient and step was changed, the rating series) anew \
    from the stored makes, and replace the kept ones.\n\n\
    Idempotent: a second run builds the same aggregates (on DynamoDB it writes nothing when \
    they are right already). Safe while servers keep recording makes: a make stored meanwhile \
    is counted once. Run it after `recipe migrate-ids`, or after servers of an older build \
    wrote makes into a table a newer one reads.";

/// Arguments of `recipe reindex`.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = "\
A line per recipe goes to standard output: its makes read and the versions whose aggregates \
were written; then the totals. On AWS, credentials and region come from the standard provider \
chain; AWS_ENDPOINT_URL points at a local DynamoDB-compatible server.

Examples:
  recipe reindex --data ./recipe-data
  recipe reindex --table recipes --recipe 12")]
pub struct ReindexArgs {
    /// The data directory whose SQLite database to reindex (`recipe up
    /// --data`).
    #[arg(
        long,
        value_name = "DIR",
        required_unless_present = "table",
        conflicts_with = "table"
    )]
    pub data: Option<PathBuf>,
    /// The DynamoDB table of recipes, makes and differences.
    #[arg(long, value_name = "NAME")]
    pub table: Option<String>,
    /// Only this recipe; every recipe when absent.
    #[arg(long, value_name = "ID")]
    pub recipe: Option<i64>,
}

/// What a whole reindex did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReindexReport {
    /// Recipes reindexed.
    pub recipes: u64,
    /// Makes read.
    pub makes: u64,
    /// Version aggregates written.
    pub versions: u64,
}

/// Reindexes the store the arguments name, printing progress and the
/// report on standard output.
pub fn run(args: &ReindexArgs) -> Result<ReindexReport> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?
        .block_on(open_and_reindex(args))
}

async fn open_and_reindex(args: &ReindexArgs) -> Result<ReindexReport> {
    let backend = BackendArgs {
        data_dir: args.data.clone(),
        table: args.table.clone(),
        ..BackendArgs::default()
    };
    let store = Assembly::new(&backend).records().await?;
    let report = reindex(store.as_ref(), args.recipe, &mut |recipe_id, rebuilt| {
        // A closed standard output does not stop the reindex.
        let _ = writeln!(std::io::stdout(), "{}", describe(recipe_id, rebuilt));
    })
    .await?;
    writeln!(
        std::io::stdout(),
        "recipe reindex: {} recipe(s), {} make(s) read, {} version aggregate(s) written",
        report.recipes,
        report.makes,
        report.versions
    )?;
    Ok(report)
}

/// Rebuilds the aggregates of recipe `only`, or of every recipe a page
/// at a time, calling `progress` after each recipe.
///
/// # Errors
/// The first store failure, naming the recipe.
pub async fn reindex(
    store: &dyn RecordStore,
    only: Option<i64>,
    progress: &mut dyn FnMut(i64, Rebuilt),
) -> Result<ReindexReport> {
    let mut report = ReindexReport::default();
    let mut add = |recipe_id: i64, rebuilt: Rebuilt| {
        report.recipes += 1;
        report.makes += rebuilt.makes;
        report.versions += rebuilt.versions;
        progress(recipe_id, rebuilt);
    };
    if let Some(recipe_id) = only {
        let rebuilt = rebuild(store, recipe_id).await?;
        add(recipe_id, rebuilt);
        return Ok(report);
    }
    let mut request = PageRequest::first(PageRequest::<i64>::MAX_LIMIT);
    loop {
        let page = store
            .recipes_page(&request)
            .await
            .context("listing the recipes")?;
        for recipe_id in page.items.iter().filter_map(|recipe| recipe.recipe_id) {
            let rebuilt = rebuild(store, recipe_id).await?;
            add(recipe_id, rebuilt);
        }
        match page.next {
            Some(after) => request.after = Some(after),
            None => return Ok(report),
        }
    }
}

async fn rebuild(store: &dyn RecordStore, recipe_id: i64) -> Result<Rebuilt> {
    store
        .rebuild_aggregates(recipe_id)
        .await
        .with_context(|| format!("rebuilding the aggregates of recipe {recipe_id}"))
}

/// One line about one recipe.
fn describe(recipe_id: i64, rebuilt: Rebuilt) -> String {
    format!(
        "recipe {recipe_id}: read {} make(s), wrote {} version aggregate(s)",
        rebuilt.makes, rebuilt.versions
    )
}

#[cfg(test)]
mod tests {
    use recipe_diff::Recipe;
    use recipe_ports::memory::InMemoryRecordStore;
    use recipe_ports::records::{MakeIdentity, MakeRecord, RecipeVersion};

    use super::*;

    fn version(recipe_id: i64) -> RecipeVersion {
        RecipeVersion {
            recipe_id,
            version: 1,
            recipe: Recipe {
                recipe_name: format!("Recipe {recipe_id}").into(),
                recipe_id: Some(recipe_id),
                ..Recipe::default()
            },
            created_at: "2026-12-03T00:00:00Z".to_owned(),
            source: None,
            message: None,
            changes: 0,
        }
    }

    fn make(recipe_id: i64, rating: f64) -> MakeRecord {
        let original = version(recipe_id).recipe;
        let cooked = Recipe {
            rating: Some(rating),
            ..original.clone()
        };
        MakeRecord {
            recipe_id,
            make_id: 0,
            made_at: None,
            notes: None,
            differences: recipe_diff::diff(&original, &cooked),
            recipe: cooked,
            recipe_version: 1,
            flat_differences: Vec::new(),
            source: None,
            recorded_at: "2026-12-03T00:00:00Z".to_owned(),
        }
    }

    #[tokio::test]
    async fn every_recipe_is_rebuilt_to_what_was_kept_and_again() {
        let store = InMemoryRecordStore::new();
        for recipe_id in [1, 2] {
            store.put_version(&version(recipe_id)).await.unwrap();
        }
        for rating in [3.0, 4.0, 5.0] {
            store
                .put_make(&MakeIdentity::Next, &make(1, rating))
                .await
                .unwrap();
        }
        let kept = store.aggregates(1).await.unwrap();
        for _ in 0..2 {
            let mut lines = Vec::new();
            let report = reindex(&store, None, &mut |id, rebuilt| {
                lines.push(describe(id, rebuilt));
            })
            .await
            .unwrap();
            assert_eq!(
                report,
                ReindexReport {
                    recipes: 2,
                    makes: 3,
                    versions: 1
                }
            );
            assert_eq!(
                lines,
                [
                    "recipe 1: read 3 make(s), wrote 1 version aggregate(s)",
                    "recipe 2: read 0 make(s), wrote 0 version aggregate(s)"
                ]
            );
            assert_eq!(store.aggregates(1).await.unwrap(), kept);
        }
        let one = reindex(&store, Some(1), &mut |_, _| {}).await.unwrap();
        assert_eq!((one.recipes, one.makes), (1, 3));
    }
}
