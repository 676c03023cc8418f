"""Reading raw data as received and turning it into validated, clean tables."""
