//! The directory as a bucket: what stays out, what shows up, in what order.

use std::fs;
use std::path::Path;

use recipe_embedded::LocalBucket;
use recipe_embedded::bucket::etag;
use recipe_ports::Error;
use recipe_ports::{ListRequest, ObjectStore};

async fn keys(bucket: &LocalBucket, prefix: &str, start_after: Option<&str>) -> Vec<String> {
    let page = bucket
        .list(ListRequest {
            prefix,
            start_after,
            ..ListRequest::default()
        })
        .await
        .unwrap();
    page.objects.into_iter().map(|object| object.key).collect()
}

/// Every file under `dir`, hidden ones too, as paths relative to it.
fn files_on_disk(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in fs::read_dir(next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap();
                found.push(relative.to_string_lossy().into_owned());
            }
        }
    }
    found.sort();
    found
}

#[tokio::test]
async fn keys_that_escape_the_directory_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("bucket");
    let bucket = LocalBucket::open("local", &root).unwrap();
    for bad in [
        "../escaped.json",
        "makes/../../escaped.json",
        "/tmp/escaped.json",
        "makes\\..\\..\\escaped.json",
        "makes/nul\0.json",
        "makes/./a.json",
        "makes//a.json",
        "",
    ] {
        let put = bucket.put(bad, b"x".to_vec()).await;
        assert!(
            matches!(put, Err(Error::Refused { .. })),
            "put {bad:?}: {put:?}"
        );
        let get = bucket.get(bad).await;
        assert!(
            matches!(get, Err(Error::Refused { .. })),
            "get {bad:?}: {get:?}"
        );
    }
    assert!(!dir.path().join("escaped.json").exists());
    assert_eq!(files_on_disk(dir.path()), Vec::<String>::new());
}

#[tokio::test]
async fn temporary_and_hidden_files_are_never_listed() {
    let dir = tempfile::tempdir().unwrap();
    let bucket = LocalBucket::open("local", dir.path()).unwrap();
    for i in 0..5 {
        bucket
            .put(&format!("makes/{i}.json"), vec![b'x'; 1000 * i])
            .await
            .unwrap();
    }
    // Every put renamed its temporary file away.
    assert_eq!(
        files_on_disk(dir.path()),
        [
            "makes/0.json",
            "makes/1.json",
            "makes/2.json",
            "makes/3.json",
            "makes/4.json"
        ]
    );
    // What a crashed put, an editor or a file manager leaves behind.
    fs::write(dir.path().join("makes/.recipe-put-999-0.tmp"), b"half").unwrap();
    fs::write(dir.path().join("makes/.5.json.swp"), b"swap").unwrap();
    fs::write(dir.path().join(".DS_Store"), b"finder").unwrap();
    fs::create_dir_all(dir.path().join(".git/objects")).unwrap();
    fs::write(dir.path().join(".git/objects/ab"), b"blob").unwrap();
    assert_eq!(
        keys(&bucket, "", None).await,
        [
            "makes/0.json",
            "makes/1.json",
            "makes/2.json",
            "makes/3.json",
            "makes/4.json"
        ]
    );
    assert!(matches!(
        bucket.get("makes/.recipe-put-999-0.tmp").await,
        Err(Error::Refused { .. })
    ));
}

#[tokio::test]
async fn files_dropped_by_hand_are_objects() {
    let dir = tempfile::tempdir().unwrap();
    let bucket = LocalBucket::open("local", dir.path()).unwrap();
    let body = br#"{"recipeId": 1, "recipeName": "Pie"}"#;
    fs::create_dir_all(dir.path().join("makes/2026/11")).unwrap();
    fs::write(dir.path().join("makes/2026/11/pie.json"), body).unwrap();

    let page = bucket
        .list(ListRequest {
            prefix: "makes/",
            ..ListRequest::default()
        })
        .await
        .unwrap();
    assert_eq!(page.objects.len(), 1);
    let listed = &page.objects[0];
    assert_eq!(listed.key, "makes/2026/11/pie.json");
    assert_eq!(listed.size, body.len() as u64);
    assert_eq!(listed.etag, etag(body));
    // The same bytes written through the port get the same etag.
    let put = bucket.put("makes/copy.json", body.to_vec()).await.unwrap();
    assert_eq!(put.etag, listed.etag);
    let read = bucket.get("makes/2026/11/pie.json").await.unwrap().unwrap();
    assert_eq!(&read.info, listed);
    assert_eq!(read.body, body);

    // Editing the file in place is a new version.
    fs::write(dir.path().join("makes/2026/11/pie.json"), b"{}").unwrap();
    let edited = bucket.get("makes/2026/11/pie.json").await.unwrap().unwrap();
    assert_ne!(edited.info.etag, listed.etag);
}

#[cfg(unix)]
#[tokio::test]
async fn names_that_cannot_be_keys_are_skipped() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    let dir = tempfile::tempdir().unwrap();
    let bucket = LocalBucket::open("local", dir.path()).unwrap();
    fs::write(
        dir.path().join(OsStr::from_bytes(b"latin1-\xe9.json")),
        b"x",
    )
    .unwrap();
    fs::write(dir.path().join("back\\slash.json"), b"x").unwrap();
    fs::write(dir.path().join("fine.json"), b"x").unwrap();
    std::os::unix::fs::symlink(dir.path().join("fine.json"), dir.path().join("link.json")).unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
    assert_eq!(keys(&bucket, "", None).await, ["fine.json", "link.json"]);
}

#[tokio::test]
async fn listing_is_in_byte_order_across_directories() {
    let dir = tempfile::tempdir().unwrap();
    let bucket = LocalBucket::open("local", dir.path()).unwrap();
    // '.' < '/' < '0': a file can sort between a directory's neighbours.
    for key in ["a0", "a/b", "a.txt", "a/c/d", "B", "a-"] {
        bucket.put(key, key.as_bytes().to_vec()).await.unwrap();
    }
    let all = ["B", "a-", "a.txt", "a/b", "a/c/d", "a0"];
    assert_eq!(keys(&bucket, "", None).await, all);

    let mut paged = Vec::new();
    let mut continuation: Option<String> = None;
    loop {
        let page = bucket
            .list(ListRequest {
                prefix: "",
                continuation: continuation.as_deref(),
                max_keys: Some(4),
                ..ListRequest::default()
            })
            .await
            .unwrap();
        paged.extend(page.objects.into_iter().map(|object| object.key));
        match page.continuation {
            Some(next) => continuation = Some(next),
            None => break,
        }
    }
    assert_eq!(paged, all);

    // A prefix needs not end at a separator.
    assert_eq!(keys(&bucket, "a/", None).await, ["a/b", "a/c/d"]);
    assert_eq!(
        keys(&bucket, "a", None).await,
        ["a-", "a.txt", "a/b", "a/c/d", "a0"]
    );
    assert_eq!(keys(&bucket, "a/c", None).await, ["a/c/d"]);
}

#[tokio::test]
async fn start_after_resumes_in_dated_layouts() {
    let dir = tempfile::tempdir().unwrap();
    let bucket = LocalBucket::open("local", dir.path()).unwrap();
    for key in [
        "makes/2026/01/a.json",
        "makes/2026/02/b.json",
        "makes/2026/02/c.json",
        "makes/2027/01/d.json",
        "recipes/pie.json",
    ] {
        bucket.put(key, b"{}".to_vec()).await.unwrap();
    }
    assert_eq!(
        keys(&bucket, "makes/", Some("makes/2026/02/b.json")).await,
        ["makes/2026/02/c.json", "makes/2027/01/d.json"]
    );
    // A checkpoint that is not itself a key still resumes in order.
    assert_eq!(
        keys(&bucket, "makes/", Some("makes/2026/01")).await,
        [
            "makes/2026/01/a.json",
            "makes/2026/02/b.json",
            "makes/2026/02/c.json",
            "makes/2027/01/d.json"
        ]
    );
    assert!(
        keys(&bucket, "makes/", Some("makes/2027/01/d.json"))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn directories_are_not_objects() {
    let dir = tempfile::tempdir().unwrap();
    let bucket = LocalBucket::open("local", dir.path()).unwrap();
    bucket.put("makes/a.json", b"{}".to_vec()).await.unwrap();
    assert!(bucket.get("makes").await.unwrap().is_none());
    assert!(bucket.get("makes/a.json/inner").await.unwrap().is_none());
    assert!(matches!(
        bucket.put("makes", b"{}".to_vec()).await,
        Err(Error::Refused { .. })
    ));
    assert!(matches!(
        bucket.put("makes/a.json/inner", b"{}".to_vec()).await,
        Err(Error::Refused { .. })
    ));
}
