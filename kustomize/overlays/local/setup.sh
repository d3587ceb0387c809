#!/bin/bash
# Creates the pipeline's AWS resources in moto: the same definitions as
# the CloudFormation template deploy/aws/template.yaml, names from
# recipe-config.
set -euo pipefail

name_of() { echo "${1##*/}"; }
claims=$(name_of "$RECIPE_QUEUE_URL")
dead_letters=$(name_of "$RECIPE_DLQ_URL")
events=$(name_of "$RECIPE_EVENTS_QUEUE_URL")

echo "waiting for $AWS_ENDPOINT_URL"
until aws sqs list-queues >/dev/null 2>&1; do sleep 2; done

queue_arn() {
  aws sqs get-queue-attributes --queue-url "$1" --attribute-names QueueArn \
    --query Attributes.QueueArn --output text
}

# The dead-letter queue keeps messages 14 days, the longest SQS allows: a
# moved message keeps its first enqueue time.
dlq_url=$(aws sqs create-queue --queue-name "$dead_letters" \
  --attributes MessageRetentionPeriod=1209600,VisibilityTimeout=30 \
  --query QueueUrl --output text)
dlq_arn=$(queue_arn "$dlq_url")

# The claim-check queue: 30 s visibility (the sender extends it while it
# works), dead-lettered after 5 receives (the sender's RECIPE_MAX_RECEIVES).
cat >/tmp/claims.json <<JSON
{
  "VisibilityTimeout": "30",
  "RedrivePolicy": "{\"deadLetterTargetArn\":\"$dlq_arn\",\"maxReceiveCount\":\"5\"}"
}
JSON
aws sqs create-queue --queue-name "$claims" --attributes file:///tmp/claims.json >/dev/null

# S3 notifications: at least 64 KiB per message (the design), 256 KiB here.
events_url=$(aws sqs create-queue --queue-name "$events" \
  --attributes MaximumMessageSize=262144,VisibilityTimeout=30 \
  --query QueueUrl --output text)
events_arn=$(queue_arn "$events_url")

aws s3api head-bucket --bucket "$RECIPE_BUCKET" 2>/dev/null ||
  aws s3api create-bucket --bucket "$RECIPE_BUCKET" >/dev/null
cat >/tmp/notification.json <<JSON
{
  "QueueConfigurations": [
    {
      "Id": "recipe-watcher",
      "QueueArn": "$events_arn",
      "Events": ["s3:ObjectCreated:*"]
    }
  ]
}
JSON
aws s3api put-bucket-notification-configuration --bucket "$RECIPE_BUCKET" \
  --notification-configuration file:///tmp/notification.json

aws dynamodb describe-table --table-name "$RECIPE_TABLE" >/dev/null 2>&1 ||
  aws dynamodb create-table --table-name "$RECIPE_TABLE" \
    --attribute-definitions AttributeName=pk,AttributeType=S AttributeName=sk,AttributeType=S \
    --key-schema AttributeName=pk,KeyType=HASH AttributeName=sk,KeyType=RANGE \
    --billing-mode PAY_PER_REQUEST >/dev/null
aws dynamodb wait table-exists --table-name "$RECIPE_TABLE"

echo "ready: bucket $RECIPE_BUCKET, queues $claims $dead_letters $events, table $RECIPE_TABLE"
