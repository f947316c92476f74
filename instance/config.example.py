# Copy to instance/config.py and edit. Environment variables (SECRET_KEY, DATABASE_URL, NB_*) override it.
# Database: DATABASE_URL = "postgresql://user:pass@db/neighbourhood_budgets" (psycopg 3); unset: SQLite here.
SECRET_KEY = "change-me-to-a-long-random-string"
MAIL_BACKEND = "smtp"
MAIL_SERVER = "smtp.example.gov.uk"
MAIL_PORT = 587
MAIL_USE_TLS = True
RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379/0"
COUNCIL_NAME = "Borough of Fernleigh"
