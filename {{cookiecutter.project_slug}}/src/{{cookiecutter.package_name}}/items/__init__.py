"""Items: the example resource, each owned by one user and visible only to them."""
