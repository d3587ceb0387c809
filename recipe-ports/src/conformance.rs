//! One specification of the ports, run against every adapter.
//!
//! Adapter crates call these from their tests (feature `conformance`), so
//! the AWS and the embedded backends are held to the same behaviour. Each
//! function panics with a message naming the broken promise.

#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

use std::time::Duration;

use recipe_diff::{Recipe, RecipeDiff, Step};

use crate::records::{
    Claim, MakeIdentity, MakeRecord, MakeWritten, RecipeVersion, Rejection, VersionWritten,
    idempotency_claim, object_claim,
};
use crate::{
    AnnouncementLog, ListRequest, ObjectInfo, ObjectStore, PageRequest, Queue, RecordStore, Source,
};

/// Put, get, replace, and list with prefixes, `StartAfter` and pages.
pub async fn object_store(store: &dyn ObjectStore) {
    assert!(store.get("makes/missing.json").await.unwrap().is_none());

    let first = store.put("makes/b.json", b"one".to_vec()).await.unwrap();
    assert_eq!(first.key, "makes/b.json");
    assert_eq!(first.size, 3);
    assert!(
        !first.etag.is_empty() && !first.etag.contains('"'),
        "etags come unquoted"
    );
    let read = store
        .get("makes/b.json")
        .await
        .unwrap()
        .expect("a stored object reads back");
    assert_eq!(read.body, b"one");
    assert_eq!(read.info, first);

    let second = store.put("makes/b.json", b"two!".to_vec()).await.unwrap();
    assert_ne!(second.etag, first.etag, "a new body gets a new etag");
    assert_eq!(
        store
            .put("makes/b.json", b"two!".to_vec())
            .await
            .unwrap()
            .etag,
        second.etag
    );

    for key in [
        "makes/a.json",
        "makes/c d.json",
        "recipes/pie.json",
        "other.txt",
    ] {
        store.put(key, key.as_bytes().to_vec()).await.unwrap();
    }
    let keys = |page: &crate::ListPage| {
        page.objects
            .iter()
            .map(|o| o.key.clone())
            .collect::<Vec<_>>()
    };
    let makes = store
        .list(ListRequest {
            prefix: "makes/",
            ..ListRequest::default()
        })
        .await
        .unwrap();
    assert_eq!(
        keys(&makes),
        ["makes/a.json", "makes/b.json", "makes/c d.json"]
    );
    assert!(makes.continuation.is_none());
    assert_eq!(makes.objects[1], second);

    let after = store
        .list(ListRequest {
            prefix: "makes/",
            start_after: Some("makes/a.json"),
            ..ListRequest::default()
        })
        .await
        .unwrap();
    assert_eq!(keys(&after), ["makes/b.json", "makes/c d.json"]);

    let mut seen = Vec::new();
    let mut continuation: Option<String> = None;
    let mut pages = 0;
    loop {
        let page = store
            .list(ListRequest {
                prefix: "",
                continuation: continuation.as_deref(),
                max_keys: Some(2),
                ..ListRequest::default()
            })
            .await
            .unwrap();
        pages += 1;
        assert!(page.objects.len() <= 2, "a page holds at most max_keys");
        seen.extend(keys(&page));
        match page.continuation {
            Some(next) => continuation = Some(next),
            None => break,
        }
        assert!(pages < 10, "paging must end");
    }
    assert_eq!(
        seen,
        [
            "makes/a.json",
            "makes/b.json",
            "makes/c d.json",
            "other.txt",
            "recipes/pie.json"
        ]
    );
}

/// Batches, visibility, redelivery counts, extension and deletion. The
/// queue must be empty and have a visibility timeout of 2 to 5 seconds.
pub async fn queue(queue: &dyn Queue) {
    let timeout = queue.visibility_timeout();
    assert!(timeout >= Duration::from_secs(2) && timeout <= Duration::from_secs(5));
    let bodies: Vec<String> = (0..10).map(|i| format!("{{\"n\":{i}}}")).collect();
    queue.send_batch(&bodies).await.unwrap();

    let mut received = Vec::new();
    for _ in 0..20 {
        received.extend(queue.receive(10, Duration::from_secs(1)).await.unwrap());
        if received.len() == 10 {
            break;
        }
    }
    let mut got: Vec<String> = received.iter().map(|d| d.body.clone()).collect();
    got.sort();
    let mut want = bodies.clone();
    want.sort();
    assert_eq!(got, want, "every message arrives once while hidden");
    assert!(received.iter().all(|d| d.receive_count == 1));

    assert!(
        queue
            .receive(10, Duration::from_millis(500))
            .await
            .unwrap()
            .is_empty(),
        "received messages stay hidden"
    );
    for delivery in &received[..8] {
        queue.delete(&delivery.receipt).await.unwrap();
    }
    let extended = &received[8];
    queue
        .extend_visibility(&extended.receipt, Duration::from_secs(30))
        .await
        .unwrap();

    tokio::time::sleep(timeout + Duration::from_millis(500)).await;
    let mut again = Vec::new();
    for _ in 0..10 {
        again.extend(queue.receive(10, Duration::from_secs(1)).await.unwrap());
        if !again.is_empty() {
            break;
        }
    }
    assert_eq!(
        again.len(),
        1,
        "only the expired message comes back: {again:?}"
    );
    assert_eq!(again[0].body, received[9].body);
    assert_eq!(again[0].receive_count, 2);
    queue.delete(&again[0].receipt).await.unwrap();
    queue.delete(&extended.receipt).await.unwrap();
    assert!(
        queue
            .receive(10, Duration::from_millis(500))
            .await
            .unwrap()
            .is_empty()
    );
}

fn recipe(id: i64, name: &str) -> Recipe {
    Recipe {
        recipe_name: name.into(),
        recipe_id: Some(id),
        rating: Some(4.5),
        ingredients: Vec::new(),
        steps: vec![Step {
            step_id: Some(1),
            step_text: "Cook it".into(),
        }],
    }
}

fn make(recipe_id: i64, notes: &str, recorded_at: &str) -> MakeRecord {
    MakeRecord {
        recipe_id,
        make_id: 0,
        made_at: Some("2026-11-20T18:30:00Z".to_owned()),
        notes: Some(notes.to_owned()),
        recipe: recipe(recipe_id, "Pie"),
        recipe_version: 1,
        differences: RecipeDiff::default(),
        flat_differences: Vec::new(),
        source: Some(format!("s3://bucket/makes/{notes}.json")),
        recorded_at: recorded_at.to_owned(),
    }
}

/// The record a write created; panics naming `what` otherwise.
fn created(written: MakeWritten, what: &str) -> MakeRecord {
    match written {
        MakeWritten::Created(record) => record,
        other => panic!("{what}: expected a new make, got {other:?}"),
    }
}

/// The record a write found stored; panics naming `what` otherwise.
fn existing(written: MakeWritten, what: &str) -> MakeRecord {
    match written {
        MakeWritten::Existing(record) => record,
        other => panic!("{what}: expected the stored make, got {other:?}"),
    }
}

/// Version `number` of recipe `id`, named `name`.
fn version(id: i64, number: i64, name: &str) -> RecipeVersion {
    RecipeVersion {
        recipe_id: id,
        version: number,
        recipe: recipe(id, name),
        created_at: format!("2026-11-2{number}T09:00:00.000Z"),
        source: (number % 2 == 0).then(|| format!("s3://bucket/recipes/{id}.json@e{number}")),
        message: (number > 1).then(|| format!("version {number}: {name}")),
        changes: usize::try_from(number - 1).unwrap_or_default(),
    }
}

/// Recipe versions numbered without gaps or doubles, the latest answered
/// as the recipe; makes written once; rejections kept; every list paged.
/// The store must be empty.
pub async fn record_store(store: &dyn RecordStore) {
    store.ping().await.unwrap();
    assert!(store.recipe(1).await.unwrap().is_none());
    assert!(store.latest_version(1).await.unwrap().is_none());
    let put = |v: RecipeVersion| async move { store.put_version(&v).await.unwrap() };
    assert_eq!(put(version(2, 1, "Bread")).await, VersionWritten::Created);
    assert_eq!(put(version(1, 1, "Pie")).await, VersionWritten::Created);
    assert_eq!(
        put(version(1, 1, "Other")).await,
        VersionWritten::Taken,
        "a second version 1 is a recipe that exists"
    );
    assert_eq!(
        put(version(1, 3, "Skipped")).await,
        VersionWritten::Taken,
        "versions leave no gap"
    );
    assert_eq!(&*store.recipe(1).await.unwrap().unwrap().recipe_name, "Pie");
    assert_eq!(
        put(version(1, 2, "Apple Pie")).await,
        VersionWritten::Created
    );
    assert_eq!(
        store.latest_version(1).await.unwrap(),
        Some(version(1, 2, "Apple Pie"))
    );
    assert_eq!(store.recipe(1).await.unwrap(), Some(recipe(1, "Apple Pie")));
    assert_eq!(
        store.recipe_version(1, 1).await.unwrap(),
        Some(version(1, 1, "Pie")),
        "an older version is kept whole"
    );
    assert!(store.recipe_version(1, 3).await.unwrap().is_none());
    assert!(store.recipe_version(1, 0).await.unwrap().is_none());
    assert!(store.recipe_version(3, 1).await.unwrap().is_none());

    let newest = store.versions(1, &PageRequest::first(1)).await.unwrap();
    assert_eq!(newest.items, [version(1, 2, "Apple Pie")], "newest first");
    assert_eq!(newest.next, Some(2));
    let older = store
        .versions(1, &PageRequest::after(1, newest.next))
        .await
        .unwrap();
    assert_eq!(older.items, [version(1, 1, "Pie")]);
    assert_eq!(older.next, None, "the last page says so");
    assert!(
        store
            .versions(9, &PageRequest::first(10))
            .await
            .unwrap()
            .items
            .is_empty()
    );

    let names: Vec<String> = store
        .recipes()
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.recipe_name.to_string())
        .collect();
    assert_eq!(names, ["Apple Pie", "Bread"], "recipes list by id");
    let first = store.recipes_page(&PageRequest::first(1)).await.unwrap();
    assert_eq!(first.items, [recipe(1, "Apple Pie")]);
    assert_eq!(first.next, Some(1));
    let rest = store
        .recipes_page(&PageRequest::after(1, first.next))
        .await
        .unwrap();
    assert_eq!((rest.items, rest.next), (vec![recipe(2, "Bread")], None));

    // Writers racing for one version number: exactly one stores it.
    let racers = (0..6).map(|n| {
        let v = version(2, 2, &format!("Bread {n}"));
        async move { store.put_version(&v).await.unwrap() }
    });
    let won = futures_util::future::join_all(racers)
        .await
        .into_iter()
        .filter(|written| *written == VersionWritten::Created)
        .count();
    assert_eq!(won, 1, "one writer stores version 2, the others are told");
    assert_eq!(store.latest_version(2).await.unwrap().unwrap().version, 2);

    makes(store).await;

    let rejections: Vec<Rejection> = (1..=3)
        .map(|n| Rejection {
            source: format!("s3://bucket/makes/bad-{n}.json@e1"),
            reason: "malformed JSON at line 1, column 2".to_owned(),
            rejected_at: format!("2026-11-22T12:00:0{n}Z"),
        })
        .collect();
    for rejection in &rejections {
        store.put_rejection(rejection).await.unwrap();
    }
    assert_eq!(store.rejections().await.unwrap(), rejections);
    let page = store.rejections_page(&PageRequest::first(2)).await.unwrap();
    assert_eq!(page.items, rejections[..2]);
    let last = store
        .rejections_page(&PageRequest::after(2, page.next))
        .await
        .unwrap();
    assert_eq!((last.items.as_slice(), last.next), (&rejections[2..], None));
    let stranger = PageRequest::after(2, Some("not a cursor".to_owned()));
    assert!(
        matches!(
            store.rejections_page(&stranger).await,
            Err(crate::Error::InvalidCursor { .. })
        ),
        "a cursor the store did not give is refused"
    );

    recipe_sources(store).await;
    retention(store, &rejections).await;
    aggregates(store).await;
}

/// What a retention policy deletes, and what it never does: a recipe's
/// latest version, or a make id given again. Runs on a store holding
/// `rejections` (times 12:00:01 to 12:00:03) and no recipe 40 or 41.
async fn retention(store: &dyn RecordStore, rejections: &[Rejection]) {
    for number in 1..=3 {
        let written = store
            .put_version(&version(40, number, &format!("Stew {number}")))
            .await
            .unwrap();
        assert_eq!(written, VersionWritten::Created);
    }
    assert!(
        matches!(
            store.delete_versions(40, &[2, 3]).await,
            Err(crate::Error::Refused { .. })
        ),
        "the latest version is never deleted"
    );
    assert!(
        store.recipe_version(40, 2).await.unwrap().is_some(),
        "a refused deletion deletes nothing"
    );
    assert_eq!(store.delete_versions(40, &[1, 9]).await.unwrap(), 1);
    assert!(store.recipe_version(40, 1).await.unwrap().is_none());
    let left: Vec<i64> = store
        .versions(40, &PageRequest::first(10))
        .await
        .unwrap()
        .items
        .iter()
        .map(|v| v.version)
        .collect();
    assert_eq!(left, [3, 2]);
    assert_eq!(
        store.put_version(&version(40, 4, "Stew 4")).await.unwrap(),
        VersionWritten::Created,
        "the next version follows the latest, old ones deleted or not"
    );

    let claim = object_claim(&Source::new("bucket", "makes/stew.json", "e1"));
    let stew = || make(41, "stew", "2026-11-25T10:00:00Z");
    let claimed = created(
        store
            .put_make(&MakeIdentity::Claimed(claim.clone()), &stew())
            .await
            .unwrap(),
        "a claimed make",
    );
    let next = created(
        store.put_make(&MakeIdentity::Next, &stew()).await.unwrap(),
        "a make",
    );
    assert_eq!((claimed.make_id, next.make_id), (1, 2));
    assert_eq!(store.delete_makes(41, &[1, 99]).await.unwrap(), 1);
    assert!(store.make(41, 1).await.unwrap().is_none());
    let kept: Vec<i64> = store
        .makes(41)
        .await
        .unwrap()
        .iter()
        .map(|m| m.make_id)
        .collect();
    assert_eq!(kept, [2]);
    let left = store.makes(41).await.unwrap();
    assert_eq!(
        store.aggregates(41).await.unwrap(),
        crate::aggregate::MakeAggregate::by_version(41, &left),
        "the aggregates count only the makes left"
    );
    let again = created(
        store
            .put_make(&MakeIdentity::Claimed(claim), &stew())
            .await
            .unwrap(),
        "a deleted make's document again: its claim went with it",
    );
    assert_eq!(again.make_id, 3, "a deleted make's id is never given again");

    assert_eq!(
        store
            .delete_rejections_before("2026-11-22T12:00:02Z")
            .await
            .unwrap(),
        1,
        "rejections before the cutoff, not at it"
    );
    assert_eq!(store.rejections().await.unwrap(), rejections[1..]);
    let page = store.rejections_page(&PageRequest::first(1)).await.unwrap();
    assert_eq!(page.items, rejections[1..2]);
    let rest = store
        .rejections_page(&PageRequest::after(5, page.next))
        .await
        .unwrap();
    assert_eq!(rest.items, rejections[2..]);
}

/// A make of recipe `recipe_id` cooked from `version` of [`recipe`]`(recipe_id, "Pie")`
/// with `edit` applied, its differences computed.
fn changed_make(
    recipe_id: i64,
    version: i64,
    made_at: &str,
    edit: impl FnOnce(&mut Recipe),
) -> MakeRecord {
    let original = recipe(recipe_id, "Pie");
    let mut cooked = original.clone();
    edit(&mut cooked);
    MakeRecord {
        recipe_version: version,
        made_at: Some(made_at.to_owned()),
        differences: recipe_diff::diff(&original, &cooked),
        recipe: cooked,
        ..make(recipe_id, made_at, "2026-12-01T00:00:00Z")
    }
}

/// Aggregates kept as makes are stored: a redelivered make counts once,
/// they equal the ones built from every make, per version, and a rebuild
/// changes nothing. Runs on a store without makes of recipe 9001.
async fn aggregates(store: &dyn RecordStore) {
    use MakeIdentity::{Claimed, Named, Next};
    const RECIPE: i64 = 9001;
    assert!(store.aggregates(RECIPE).await.unwrap().is_empty());

    let skipped = changed_make(RECIPE, 1, "2026-11-20T08:00:00Z", |r| {
        r.rating = Some(3.5);
        r.steps.clear();
    });
    let renamed = changed_make(RECIPE, 1, "2026-11-21T08:00:00Z", |r| {
        r.rating = Some(4.5);
        r.recipe_name = "Apple Pie".into();
    });
    let edited = changed_make(RECIPE, 2, "2026-11-22T08:00:00Z", |r| {
        r.rating = None;
        r.steps[0].step_text = "Cook it slowly".into();
    });
    let claim = Claim {
        key: "s3-aggregates".to_owned(),
        fingerprint: String::new(),
    };
    created(store.put_make(&Next, &skipped).await.unwrap(), "a make");
    for _ in 0..2 {
        store.put_make(&Named(5), &renamed).await.unwrap();
        store
            .put_make(&Claimed(claim.clone()), &edited)
            .await
            .unwrap();
    }
    let makes = store.makes(RECIPE).await.unwrap();
    assert_eq!(makes.len(), 3);
    let kept = store.aggregates(RECIPE).await.unwrap();
    assert_eq!(
        kept,
        crate::aggregate::MakeAggregate::by_version(RECIPE, &makes),
        "the aggregates kept are those of every make, each counted once"
    );
    let versions: Vec<(i64, u64)> = kept
        .iter()
        .map(|v| (v.version, v.aggregate.make_count))
        .collect();
    assert_eq!(versions, [(1, 2), (2, 1)], "a redelivery counts once");
    assert_eq!(kept[0].aggregate.ratings.mean(), Some(4.0));

    for round in 0..2 {
        let rebuilt = store.rebuild_aggregates(RECIPE).await.unwrap();
        assert_eq!((rebuilt.makes, rebuilt.versions), (3, 2), "round {round}");
        assert_eq!(
            store.aggregates(RECIPE).await.unwrap(),
            kept,
            "a rebuild builds what was kept, every time"
        );
    }
    assert_eq!(
        store.rebuild_aggregates(RECIPE + 1).await.unwrap().makes,
        0,
        "a recipe without makes rebuilds to nothing"
    );
    assert!(store.aggregates(RECIPE + 1).await.unwrap().is_empty());
}

/// Recipe ids given to bucket objects: one per location, past every
/// recipe stored, never one in use, one id however many ask at once.
/// Runs on a store holding recipes 1 and 2 and no recipe above them.
async fn recipe_sources(store: &dyn RecordStore) {
    let page = "s3://bucket/recipes/pancakes.html";
    let first = store.recipe_id_for_source(page).await.unwrap();
    assert!(first > 2, "a given id is past every stored recipe: {first}");
    assert_eq!(
        store.recipe_id_for_source(page).await.unwrap(),
        first,
        "the same location is the same recipe"
    );
    let cook = "s3://bucket/recipes/tea.cook";
    let second = store.recipe_id_for_source(cook).await.unwrap();
    assert_ne!(second, first, "another location is another recipe");
    assert!(second > 2, "{second}");
    assert_ne!(
        store
            .recipe_id_for_source("s3://other-bucket/recipes/pancakes.html")
            .await
            .unwrap(),
        first,
        "the bucket is part of the location"
    );

    // A recipe stored under a given id, and one posted with a large id of
    // its own: later ids pass both.
    let given = version(first, 1, "Pancakes");
    assert_eq!(
        store.put_version(&given).await.unwrap(),
        VersionWritten::Created
    );
    assert_eq!(
        store.put_version(&version(100, 1, "Posted")).await.unwrap(),
        VersionWritten::Created
    );
    let after_posted = store
        .recipe_id_for_source("s3://bucket/recipes/soup.cook")
        .await
        .unwrap();
    assert!(
        after_posted > 100,
        "a given id is never one in use: {after_posted}"
    );
    assert_eq!(
        store.recipe_id_for_source(page).await.unwrap(),
        first,
        "a location keeps its id once its recipe is stored"
    );

    // Writers racing for one new location: one id, the same for all.
    let racers = (0..8).map(|_| store.recipe_id_for_source("s3://bucket/recipes/race.html"));
    let ids: Vec<i64> = futures_util::future::join_all(racers)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert!(
        ids.iter().all(|id| *id == ids[0]),
        "concurrent calls for one location give one id: {ids:?}"
    );
    // Writers of different locations at once: different ids.
    let locations: Vec<String> = (0..6)
        .map(|n| format!("s3://bucket/recipes/many-{n}.cook"))
        .collect();
    let racers = locations
        .iter()
        .map(|location| store.recipe_id_for_source(location));
    let mut ids: Vec<i64> = futures_util::future::join_all(racers)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(
        ids.len(),
        6,
        "concurrent locations get distinct ids: {ids:?}"
    );
    assert!(
        ids.iter().all(|id| *id > 100 && *id != after_posted),
        "{ids:?}"
    );
}

/// Make ids: named ids kept, the next id given atomically and past every
/// id used, claims found again, makes never overwritten.
async fn makes(store: &dyn RecordStore) {
    use MakeIdentity::{Claimed, Named, Next};

    let first = created(
        store
            .put_make(&Next, &make(1, "first", "2026-11-21T10:00:00Z"))
            .await
            .unwrap(),
        "a make without an id",
    );
    assert_eq!(first.make_id, 1, "a recipe's first make is make 1");
    assert_eq!(first.differences.make_id, Some(1), "the id is in the diff");
    let again = created(
        store
            .put_make(&Next, &make(1, "first", "2026-11-21T10:00:00Z"))
            .await
            .unwrap(),
        "the same make again, without an id",
    );
    assert_eq!(again.make_id, 2, "the same body twice is two makes");

    let named = created(
        store
            .put_make(&Named(7), &make(1, "named", "2026-11-21T11:00:00Z"))
            .await
            .unwrap(),
        "a named make",
    );
    assert_eq!(named.make_id, 7);
    let redelivered = existing(
        store
            .put_make(&Named(7), &make(1, "other", "2026-11-21T12:00:00Z"))
            .await
            .unwrap(),
        "a make with a taken id",
    );
    assert_eq!(redelivered, named, "a stored make is never overwritten");
    let after_named = created(
        store
            .put_make(&Next, &make(1, "after", "2026-11-21T13:00:00Z"))
            .await
            .unwrap(),
        "a make after a named one",
    );
    assert_eq!(after_named.make_id, 8, "the next id moves past named ids");
    let below = created(
        store
            .put_make(&Named(5), &make(1, "below", "2026-11-21T14:00:00Z"))
            .await
            .unwrap(),
        "a named id below the last",
    );
    assert_eq!(below.make_id, 5);

    let object = object_claim(&Source::new("bucket", "makes/pie.json", "e1"));
    let claimed = created(
        store
            .put_make(
                &Claimed(object.clone()),
                &make(1, "object", "2026-11-21T15:00:00Z"),
            )
            .await
            .unwrap(),
        "a bucket object's make",
    );
    assert_eq!(claimed.make_id, 9, "a claimed make takes the next id");
    let found = existing(
        store
            .put_make(
                &Claimed(object),
                &make(1, "object again", "2026-11-21T16:00:00Z"),
            )
            .await
            .unwrap(),
        "a redelivered object",
    );
    assert_eq!(found, claimed, "a claim finds its make");
    let retry = idempotency_claim("key-1", b"body");
    let keyed = created(
        store
            .put_make(
                &Claimed(retry.clone()),
                &make(1, "keyed", "2026-11-21T17:00:00Z"),
            )
            .await
            .unwrap(),
        "a make with an idempotency key",
    );
    let other_body = idempotency_claim("key-1", b"another body");
    assert_eq!(
        store
            .put_make(
                &Claimed(other_body),
                &make(1, "other", "2026-11-21T18:00:00Z")
            )
            .await
            .unwrap(),
        MakeWritten::ClaimMismatch {
            make_id: keyed.make_id
        },
        "a claim reused with another fingerprint"
    );
    let same_key_other_recipe = Claim {
        key: retry.key.clone(),
        fingerprint: retry.fingerprint.clone(),
    };
    let elsewhere = created(
        store
            .put_make(
                &Claimed(same_key_other_recipe),
                &make(2, "keyed", "2026-11-22T11:00:00Z"),
            )
            .await
            .unwrap(),
        "a claim is the recipe's own",
    );
    assert_eq!(elsewhere.make_id, 1, "each recipe counts its own makes");

    let listed: Vec<i64> = store
        .makes(1)
        .await
        .unwrap()
        .iter()
        .map(|make| make.make_id)
        .collect();
    // A store may leave a gap where a redelivery found its claim (an id
    // reserved, then not needed), never a duplicate.
    assert!(keyed.make_id >= 10, "ids only grow: {}", keyed.make_id);
    assert_eq!(
        listed,
        [1, 2, 5, 7, 8, 9, keyed.make_id],
        "makes list in make id order"
    );
    let page = store
        .makes_page(1, None, &PageRequest::first(4))
        .await
        .unwrap();
    let ids: Vec<i64> = page.items.iter().map(|make| make.make_id).collect();
    assert_eq!((ids.as_slice(), page.next), (&[1, 2, 5, 7][..], Some(7)));
    let rest = store
        .makes_page(1, None, &PageRequest::after(4, page.next))
        .await
        .unwrap();
    let ids: Vec<i64> = rest.items.iter().map(|make| make.make_id).collect();
    assert_eq!(
        (ids.as_slice(), rest.next),
        (&[8, 9, keyed.make_id][..], None)
    );
    assert_eq!(store.make(1, 7).await.unwrap(), Some(named));
    assert!(store.make(1, 6).await.unwrap().is_none());
    assert!(store.makes(3).await.unwrap().is_empty());

    // Concurrent writers never share an id.
    let writes = (0..8).map(|n| {
        let record = make(4, &format!("concurrent {n}"), "2026-11-23T10:00:00Z");
        async move { store.put_make(&Next, &record).await }
    });
    let mut ids: Vec<i64> = futures_util::future::join_all(writes)
        .await
        .into_iter()
        .map(|written| created(written.unwrap(), "a concurrent make").make_id)
        .collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        (1..=8).collect::<Vec<_>>(),
        "concurrent ids are distinct"
    );

    // Each make keeps the version it was cooked from; a list can ask for
    // one version's makes, a page at a time.
    for (n, recipe_version) in [1, 2, 1, 2, 2].into_iter().enumerate() {
        let record = MakeRecord {
            recipe_version,
            ..make(5, &format!("cooked from {n}"), "2026-11-24T10:00:00Z")
        };
        created(
            store.put_make(&Next, &record).await.unwrap(),
            "a pinned make",
        );
    }
    let mut from_two = Vec::new();
    let mut request = PageRequest::first(1);
    loop {
        let page = store.makes_page(5, Some(2), &request).await.unwrap();
        assert!(page.items.len() <= 1, "a page holds at most its limit");
        from_two.extend(
            page.items
                .iter()
                .map(|make| (make.make_id, make.recipe_version)),
        );
        match page.next {
            Some(after) => request.after = Some(after),
            None => break,
        }
    }
    assert_eq!(
        from_two,
        [(2, 2), (4, 2), (5, 2)],
        "makes of version 2 only"
    );
    let all = store.makes(5).await.unwrap();
    assert_eq!(all.iter().filter(|m| m.recipe_version == 1).count(), 2);
}

/// Announced versions, etag changes, and the sorted-keys checkpoint. The
/// log must be empty.
pub async fn announcement_log(log: &dyn AnnouncementLog) {
    let object = |key: &str, etag: &str| ObjectInfo {
        key: key.to_owned(),
        etag: etag.to_owned(),
        size: 1,
    };
    let batch = vec![object("makes/a", "1"), object("makes/b", "1")];
    assert_eq!(log.unannounced(batch.clone()).await.unwrap(), batch);
    log.record(&batch).await.unwrap();
    assert!(log.unannounced(batch.clone()).await.unwrap().is_empty());
    let changed = vec![
        object("makes/a", "2"),
        object("makes/b", "1"),
        object("makes/c", "1"),
    ];
    assert_eq!(
        log.unannounced(changed).await.unwrap(),
        [object("makes/a", "2"), object("makes/c", "1")],
        "a new etag is a new version; order is kept"
    );
    assert_eq!(log.checkpoint().await.unwrap(), None);
    log.save_checkpoint("makes/b").await.unwrap();
    log.save_checkpoint("makes/c").await.unwrap();
    assert_eq!(log.checkpoint().await.unwrap().as_deref(), Some("makes/c"));
}
