//! The scenario "500 makes dropped, 500 stored" on the resources the
//! CloudFormation stack (`deploy/aws/template.yaml`) creates: the stack is
//! deployed to the shared moto by `deploy/aws/check-on-moto --deploy-to`,
//! which also creates what moto's CloudFormation leaves out
//! (`deploy/aws/README.md`), and the bucket, queues and table are named by
//! the stack's outputs, as `deploy/aws/write-overlay` names them to the
//! pods.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use crate::harness::Pipeline;
use crate::moto::{Moto, unique};
use crate::{on_moto, scenarios};

/// The outputs of a new stack on the shared moto, by output name.
fn deploy_stack(endpoint: &str) -> BTreeMap<String, String> {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("bins lives inside the workspace");
    let suffix = unique("stack");
    let deployed = Command::new(repository.join(".venv/bin/python"))
        .arg(repository.join("deploy/aws/check-on-moto"))
        .args(["--deploy-to", endpoint, "--stack", &suffix])
        // The region the tests' clients and the binaries use.
        .args(["--region", "us-east-1", "--suffix", &suffix])
        .output()
        .expect("check-on-moto runs (scripts/python-env installs .venv)");
    assert!(
        deployed.status.success(),
        "the stack is deployed: {}",
        String::from_utf8_lossy(&deployed.stderr)
    );
    serde_json::from_slice(&deployed.stdout).expect("check-on-moto prints the outputs as JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_makes_on_the_stack() {
    let moto = Moto::shared();
    let outputs = deploy_stack(&moto.url());
    let output = |name: &str| {
        outputs
            .get(name)
            .unwrap_or_else(|| panic!("the stack has the output {name}: {outputs:?}"))
            .as_str()
    };
    let deployment = on_moto::deployment_on(
        &moto.aws().await,
        &moto.url(),
        output("BucketName"),
        output("ClaimsQueueUrl"),
        output("DeadLetterQueueUrl"),
        output("TableName"),
    );
    scenarios::five_hundred_makes(Pipeline::new(deployment)).await;
}
