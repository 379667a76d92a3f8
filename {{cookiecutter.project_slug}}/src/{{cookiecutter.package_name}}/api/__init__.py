"""The HTTP layer the resources' routes stand on: dependencies, shared field types and the
health routes."""
