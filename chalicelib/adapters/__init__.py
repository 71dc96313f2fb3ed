"""Adapters: one module per outside system (DynamoDB, Step Functions, SNS, X API, secrets)."""
