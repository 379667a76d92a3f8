"""What every part of the app uses: settings, the database, AWS clients, logging, password
hashing and tokens, and the errors services raise (with the one JSON error shape)."""
