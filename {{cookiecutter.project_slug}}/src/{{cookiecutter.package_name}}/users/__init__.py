"""Users: accounts, registration and login."""
