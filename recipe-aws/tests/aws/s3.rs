//! The bucket port on S3.

use recipe_aws::S3ObjectStore;
use recipe_ports::{ListRequest, ObjectStore};

use crate::moto::{Moto, unique};

async fn bucket() -> (S3ObjectStore, recipe_aws::Aws) {
    let aws = Moto::shared().aws().await;
    let store = S3ObjectStore::new(aws.s3(), unique("bucket"));
    store
        .create_bucket()
        .await
        .expect("moto creates the bucket");
    (store, aws)
}

#[tokio::test]
async fn conforms_to_the_object_store_port() {
    let (store, _) = bucket().await;
    recipe_ports::conformance::object_store(&store).await;
}

#[tokio::test]
async fn keys_with_spaces_and_unicode_round_trip() {
    let (store, _) = bucket().await;
    let keys = [
        "makes/crème brûlée 🍮.json",
        "makes/a+b%20c&d=e.json",
        "makes/tarte tatin.json",
        "makes/日本語/お好み焼き.json",
    ];
    for key in keys {
        let info = store.put(key, key.as_bytes().to_vec()).await.unwrap();
        assert_eq!(info.key, key);
        let object = store
            .get(key)
            .await
            .unwrap()
            .expect("the object reads back");
        assert_eq!(object.body, key.as_bytes());
        assert_eq!(object.info, info);
    }
    let listed = store
        .list(ListRequest {
            prefix: "makes/",
            ..ListRequest::default()
        })
        .await
        .unwrap();
    let mut want: Vec<&str> = keys.to_vec();
    want.sort_unstable();
    let got: Vec<&str> = listed.objects.iter().map(|o| o.key.as_str()).collect();
    assert_eq!(got, want, "listed in byte order, keys unchanged");

    let after = store
        .list(ListRequest {
            prefix: "makes/",
            start_after: Some("makes/crème brûlée 🍮.json"),
            ..ListRequest::default()
        })
        .await
        .unwrap();
    assert_eq!(after.objects.len(), 2, "{after:?}");
}

#[tokio::test]
async fn a_missing_bucket_is_refused() {
    let aws = Moto::shared().aws().await;
    let store = S3ObjectStore::new(aws.s3(), unique("no-such-bucket"));
    let error = store.list(ListRequest::default()).await.unwrap_err();
    assert!(!error.is_transient(), "{error}");
    assert!(error.to_string().contains("NoSuchBucket"), "{error}");
}
