"""Load rows, call the domain rules, write rows. Services flush; the caller commits."""
