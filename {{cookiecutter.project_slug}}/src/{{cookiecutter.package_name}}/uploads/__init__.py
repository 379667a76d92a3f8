"""Uploads: files clients send straight to S3 with a presigned POST, scoped to their owner."""
