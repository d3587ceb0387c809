//! Retention: what an operator's policy lets the store forget, swept on a
//! schedule.
//!
//! A cook's history is the product, so the default policy keeps
//! everything ([`Retention::keeps_everything`]) and no sweep runs. Each
//! kind of data has its own limit:
//!
//! - **makes** recorded longer ago than [`Retention::makes`] are deleted,
//!   with the identity claims that name them; their ids are never given
//!   again;
//! - **versions**: each recipe keeps its newest [`Retention::versions`],
//!   and every version a kept make was cooked from (a make's differences
//!   are read against it), so a deleted version is one nothing points to;
//!   the latest is always kept;
//! - **rejections** recorded longer ago than [`Retention::rejections`];
//! - **dead letters** first sent longer ago than
//!   [`Retention::dead_letters`], where the queue does not expire them
//!   itself (SQS does, after the stack's `DeadLetterRetentionSeconds`).
//!
//! A sweep walks every make of every recipe: its cost grows with the
//! store, which is why it runs rarely (hourly by default) and never on a
//! request's path. Deletes are idempotent, so two servers sweeping at
//! once only repeat each other's work.

use std::collections::BTreeSet;
use std::num::NonZeroUsize;
use std::time::{Duration, SystemTime};

use recipe_ports::{DeadLetters, Error, PageRequest, RecordStore, Result};
use tokio_util::sync::CancellationToken;

/// How long each kind of data is kept; `None` keeps it for ever, which is
/// every default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Retention {
    /// Makes recorded longer ago than this are deleted.
    pub makes: Option<Duration>,
    /// How many of each recipe's newest versions are kept, besides every
    /// version a kept make was cooked from.
    pub versions: Option<NonZeroUsize>,
    /// Rejections recorded longer ago than this are deleted.
    pub rejections: Option<Duration>,
    /// Dead letters first sent longer ago than this are deleted.
    pub dead_letters: Option<Duration>,
}

impl Retention {
    /// Whether the policy keeps everything: then there is nothing to sweep.
    pub fn keeps_everything(&self) -> bool {
        *self == Retention::default()
    }
}

/// The policy in words, for a banner: `makes 1year, versions 5 newest`.
impl std::fmt::Display for Retention {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let age = |what: &str, keep: Option<Duration>| {
            keep.map(|keep| format!("{what} {}", humantime::format_duration(keep)))
        };
        let limits: Vec<String> = [
            age("makes", self.makes),
            self.versions.map(|n| format!("versions {n} newest")),
            age("rejections", self.rejections),
            age("dead letters", self.dead_letters),
        ]
        .into_iter()
        .flatten()
        .collect();
        if limits.is_empty() {
            f.write_str("everything kept")
        } else {
            f.write_str(&limits.join(", "))
        }
    }
}

/// What one sweep deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    /// Makes deleted.
    pub makes: u64,
    /// Versions deleted.
    pub versions: u64,
    /// Rejections deleted.
    pub rejections: u64,
    /// Dead letters deleted.
    pub dead_letters: u64,
}

/// The most ids one delete call names: a sweep of a recipe with many old
/// makes deletes them in batches, each a bounded request.
const DELETE_BATCH: usize = 500;

/// Deletes what `policy` no longer keeps, as of `now`.
pub async fn sweep(
    records: &dyn RecordStore,
    dead_letters: Option<&dyn DeadLetters>,
    policy: &Retention,
    now: SystemTime,
) -> Result<Swept> {
    let mut swept = Swept::default();
    if policy.makes.is_some() || policy.versions.is_some() {
        let mut request = PageRequest::first(PageRequest::<i64>::MAX_LIMIT);
        loop {
            let page = records.recipes_page(&request).await?;
            for recipe in &page.items {
                if let Some(recipe_id) = recipe.recipe_id {
                    sweep_recipe(records, recipe_id, policy, now, &mut swept).await?;
                }
            }
            match page.next {
                Some(after) => request.after = Some(after),
                None => break,
            }
        }
    }
    if let Some(keep) = policy.rejections {
        swept.rejections = records
            .delete_rejections_before(&rfc3339(cutoff(now, keep)))
            .await?;
    }
    if let (Some(keep), Some(dead_letters)) = (policy.dead_letters, dead_letters) {
        swept.dead_letters = dead_letters.expire(cutoff(now, keep)).await?;
    }
    Ok(swept)
}

/// One recipe's old makes, then the versions no kept make points to.
async fn sweep_recipe(
    records: &dyn RecordStore,
    recipe_id: i64,
    policy: &Retention,
    now: SystemTime,
    swept: &mut Swept,
) -> Result<()> {
    let makes_cutoff = policy.makes.map(|keep| cutoff(now, keep));
    // A page of makes at a time: a recipe may have more than a server
    // should hold at once. Only ids and version numbers are kept.
    let mut expired = Vec::new();
    let mut pinned = BTreeSet::new();
    let mut request = PageRequest::first(PageRequest::<i64>::MAX_LIMIT);
    loop {
        let page = records.makes_page(recipe_id, None, &request).await?;
        for make in &page.items {
            // A make whose time cannot be read is kept: a policy deletes
            // only what it can show is old.
            let recorded = humantime::parse_rfc3339_weak(&make.recorded_at).ok();
            match (makes_cutoff, recorded) {
                (Some(cutoff), Some(recorded)) if recorded < cutoff => {
                    expired.push(make.make_id);
                }
                _ => {
                    pinned.insert(make.recipe_version);
                }
            }
        }
        match page.next {
            Some(after) => request.after = Some(after),
            None => break,
        }
    }
    for batch in expired.chunks(DELETE_BATCH) {
        swept.makes += records.delete_makes(recipe_id, batch).await?;
    }
    let Some(keep) = policy.versions else {
        return Ok(());
    };
    let mut old = Vec::new();
    let mut request = PageRequest::first(PageRequest::<i64>::MAX_LIMIT);
    let mut newer = 0;
    loop {
        let page = records.versions(recipe_id, &request).await?;
        for version in &page.items {
            // Newest first: the first `keep` are kept whatever else holds.
            newer += 1;
            if newer > keep.get() && !pinned.contains(&version.version) {
                old.push(version.version);
            }
        }
        match page.next {
            Some(after) => request.after = Some(after),
            None => break,
        }
    }
    for batch in old.chunks(DELETE_BATCH) {
        swept.versions += records.delete_versions(recipe_id, batch).await?;
    }
    Ok(())
}

/// `keep` before `now`, or the start of time when `keep` reaches past it.
fn cutoff(now: SystemTime, keep: Duration) -> SystemTime {
    now.checked_sub(keep).unwrap_or(SystemTime::UNIX_EPOCH)
}

/// `time` the way records write theirs, so the two compare as text.
fn rfc3339(time: SystemTime) -> String {
    humantime::format_rfc3339_millis(time).to_string()
}

/// Sweeps at once and then every `every`, until `shutdown`; a failed sweep
/// is logged and tried again at the next one. Does nothing when `policy`
/// keeps everything.
pub async fn run(
    records: &dyn RecordStore,
    dead_letters: Option<&dyn DeadLetters>,
    policy: Retention,
    every: Duration,
    shutdown: CancellationToken,
) {
    if policy.keeps_everything() {
        return;
    }
    tracing::warn!(
        %policy,
        every = %humantime::format_duration(every),
        "retention is on: data past these ages is deleted"
    );
    while !shutdown.is_cancelled() {
        match sweep(records, dead_letters, &policy, SystemTime::now()).await {
            Ok(swept) => tracing::info!(
                makes = swept.makes,
                versions = swept.versions,
                rejections = swept.rejections,
                dead_letters = swept.dead_letters,
                "retention sweep done"
            ),
            Err(error) => log_failure(&error),
        }
        tokio::select! {
            () = shutdown.cancelled() => break,
            () = tokio::time::sleep(every) => {}
        }
    }
}

fn log_failure(error: &Error) {
    tracing::error!(%error, "retention sweep failed; it runs again at the next one");
}

#[cfg(test)]
mod tests {
    use recipe_diff::{Recipe, RecipeDiff};
    use recipe_ports::memory::InMemoryRecordStore;
    use recipe_ports::records::{MakeIdentity, MakeRecord, RecipeVersion, Rejection};

    use super::*;

    const DAY: Duration = Duration::from_secs(24 * 60 * 60);

    fn now() -> SystemTime {
        humantime::parse_rfc3339("2026-12-03T12:00:00Z").unwrap_or(SystemTime::UNIX_EPOCH)
    }

    fn days_ago(days: u32) -> String {
        rfc3339(now() - DAY * days)
    }

    async fn store_with_history() -> InMemoryRecordStore {
        let store = InMemoryRecordStore::new();
        let recipe = Recipe {
            recipe_name: "Stew".into(),
            recipe_id: Some(1),
            ..Recipe::default()
        };
        for version in 1..=4 {
            let written = store
                .put_version(&RecipeVersion {
                    recipe_id: 1,
                    version,
                    recipe: recipe.clone(),
                    created_at: days_ago(100),
                    source: None,
                    message: None,
                    changes: 0,
                })
                .await;
            assert!(written.is_ok());
        }
        // Makes 1 and 2 are old (cooked from versions 1 and 2), make 3 is
        // recent (cooked from version 2), make 4's time is unreadable.
        for (version, recorded_at) in [
            (1, days_ago(400)),
            (2, days_ago(400)),
            (2, days_ago(3)),
            (1, "yesterday".to_owned()),
        ] {
            let record = MakeRecord {
                recipe_id: 1,
                make_id: 0,
                made_at: None,
                notes: None,
                recipe: recipe.clone(),
                recipe_version: version,
                differences: RecipeDiff::default(),
                flat_differences: Vec::new(),
                source: None,
                recorded_at,
            };
            assert!(store.put_make(&MakeIdentity::Next, &record).await.is_ok());
        }
        for age in [40, 20] {
            let rejection = Rejection {
                source: format!("s3://bucket/makes/{age}.json@e"),
                reason: "not JSON".to_owned(),
                rejected_at: days_ago(age),
            };
            assert!(store.put_rejection(&rejection).await.is_ok());
        }
        store
    }

    async fn make_ids(store: &InMemoryRecordStore) -> Vec<i64> {
        let makes = store.makes(1).await.unwrap_or_default();
        makes.iter().map(|make| make.make_id).collect()
    }

    async fn version_numbers(store: &InMemoryRecordStore) -> Vec<i64> {
        let page = store.versions(1, &PageRequest::first(10)).await;
        page.map(|page| page.items.iter().map(|v| v.version).collect())
            .unwrap_or_default()
    }

    #[tokio::test]
    async fn the_default_policy_keeps_everything() {
        let store = store_with_history().await;
        let swept = sweep(&store, None, &Retention::default(), now()).await;
        assert_eq!(swept.ok(), Some(Swept::default()));
        assert_eq!(make_ids(&store).await, [1, 2, 3, 4]);
        assert_eq!(version_numbers(&store).await, [4, 3, 2, 1]);
        assert!(Retention::default().keeps_everything());
        assert_eq!(Retention::default().to_string(), "everything kept");
    }

    #[tokio::test]
    async fn old_makes_go_and_so_do_versions_nothing_kept_points_to() {
        let store = store_with_history().await;
        let policy = Retention {
            // humantime's year: 365.25 days.
            makes: humantime::parse_duration("1year").ok(),
            versions: NonZeroUsize::new(1),
            rejections: Some(DAY * 30),
            dead_letters: None,
        };
        assert_eq!(
            policy.to_string(),
            "makes 1year, versions 1 newest, rejections 30days"
        );
        let swept = sweep(&store, None, &policy, now()).await.ok();
        assert_eq!(
            swept,
            Some(Swept {
                makes: 2,
                versions: 1,
                rejections: 1,
                dead_letters: 0,
            })
        );
        assert_eq!(
            make_ids(&store).await,
            [3, 4],
            "the recent make and the one whose time cannot be read stay"
        );
        assert_eq!(
            version_numbers(&store).await,
            [4, 2, 1],
            "the latest stays, and so do the versions kept makes were cooked from"
        );
        let rejections = store.rejections().await.unwrap_or_default();
        assert_eq!(rejections.len(), 1);
        assert_eq!(rejections[0].rejected_at, days_ago(20));

        let again = sweep(&store, None, &policy, now()).await.ok();
        assert_eq!(
            again,
            Some(Swept::default()),
            "a second sweep finds nothing"
        );
    }

    #[tokio::test]
    async fn a_limit_longer_than_time_itself_deletes_nothing() {
        let store = store_with_history().await;
        let policy = Retention {
            makes: Some(Duration::MAX),
            rejections: Some(Duration::MAX),
            ..Retention::default()
        };
        let swept = sweep(&store, None, &policy, now()).await.ok();
        assert_eq!(swept, Some(Swept::default()));
    }
}
