"""How strong a new password must be: one rule for the registration form, resets and the command line."""

COMMON_PASSWORDS = frozenset(
    {"password", "password1", "password123", "123456789", "1234567890", "qwertyuiop", "iloveyou123",
     "letmein123", "welcome123", "passw0rd", "football1", "abc123456", "monkey1234", "11111111111"}
)
MIN_PASSWORD_LENGTH = 10


def password_problem(password):
    """Return "too_short", "too_easy" or None (strong enough): long enough, not common, not one repeated key."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "too_short"
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        return "too_easy"
    return None
