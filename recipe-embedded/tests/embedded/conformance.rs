//! The ports' one specification, run on the embedded adapters.

use recipe_embedded::LocalBucket;
use recipe_pipeline::conformance;

#[tokio::test]
async fn local_bucket_is_an_object_store() {
    let dir = tempfile::tempdir().unwrap();
    let bucket = LocalBucket::open("local", dir.path()).unwrap();
    conformance::object_store(&bucket).await;
}
