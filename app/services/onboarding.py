"""Stand a council up without demo data: its record and its first administrator. Flush, never commit."""

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app.domain.brand import LogoRefused, clean_logo, colour_problem, normalise_colour
from app.domain.council import council_problems, slug_for
from app.domain.problems import Problem, Refused
from app.models import Council, RoleGrant, User
from app.models._common import utcnow
from app.services.accounts import find_by_email
from app.services.audit import record


class AlreadyDone(Exception):
    """The step was done before; .existing is what is already there. Nothing was changed."""

    def __init__(self, existing):
        super().__init__(str(existing))
        self.existing = existing


class CouncilRefused(Refused):
    """The council's details were not saved; .problems say which field is wrong and why."""


def create_council(session, *, name, email, phone, public_url):
    """Create the (only) council and audit it. Raises AlreadyDone naming the council already there."""
    existing = session.scalar(select(Council).order_by(Council.id).limit(1))
    if existing is not None:
        raise AlreadyDone(existing)
    council = Council(name=name.strip(), slug=slug_for(name), contact_email=email.strip().lower(),
                      contact_phone=phone.strip(), public_url=public_url.strip().rstrip("/"))
    session.add(council)
    session.flush()
    record(session, None, "council.create", f"council:{council.id}", name=council.name,
           email=council.contact_email, phone=council.contact_phone, public_url=council.public_url)
    return council


def administrators(session):
    return session.scalars(select(User).join(RoleGrant).where(RoleGrant.role == "admin").order_by(User.id)).all()


def create_admin(session, *, email, name, password, additional=False):
    """Create a verified administrator account and audit it.

    Raises AlreadyDone with the existing account when the e-mail is taken, or with the first administrator
    when one exists and additional is not set (further administrators are usually given the role on the
    admin pages, by an administrator, where it is audited under their name).
    """
    existing = find_by_email(session, email)
    if existing is not None:
        raise AlreadyDone(existing)
    if not additional and (admins := administrators(session)):
        raise AlreadyDone(admins[0])
    user = User(email=email.strip().lower(), name=name.strip(), password_hash=generate_password_hash(password),
                email_verified_at=utcnow())  # the operator vouches for the address
    user.roles.append(RoleGrant(role="admin"))
    session.add(user)
    session.flush()
    record(session, None, "user.create_admin", f"user:{user.id}", email=user.email)
    return user


def _texts(values):
    """{locale: text} without empty languages, line endings as \n (paragraphs are split on blank lines)."""
    return {code: text.replace("\r\n", "\n").strip() for code, text in (values or {}).items() if text and text.strip()}


def update_council(session, actor, council, *, name, email, phone, public_url, privacy_notice=None,
                   accessibility_statement=None):
    """Change the council's name, contact details (shown on every page) and, when given, its own privacy notice
    and accessibility statement ({locale: text}). Audited with what changed (for the texts: which languages)."""
    values = {"name": name.strip(), "contact_email": email.strip().lower(), "contact_phone": phone.strip(),
              "public_url": public_url.strip().rstrip("/")}
    changed = {key: value for key, value in values.items() if getattr(council, key) != value}
    for key, value in changed.items():
        setattr(council, key, value)
    for key, texts in (("privacy_notice", privacy_notice), ("accessibility_statement", accessibility_statement)):
        if texts is None:
            continue
        new, old = _texts(texts), getattr(council, key) or {}
        languages = sorted(code for code in set(new) | set(old) if new.get(code) != old.get(code))
        if languages:
            setattr(council, key, new)
            changed[key] = languages
    session.flush()
    if changed:
        record(session, actor, "council.update", f"council:{council.id}", **changed)
    return changed


def update_brand(session, actor, council, *, colour, logo=None, remove_logo=False):
    """Set the council's brand colour ("" for the default) and, when given, its logo (a CleanLogo from
    app.domain.brand.clean_logo), or remove the logo. Audited; brand_version goes up with any change."""
    changed = {}
    colour = normalise_colour(colour)
    if council.brand_colour != colour:
        council.brand_colour = colour
        changed["brand_colour"] = colour or "default"
    if logo is not None:
        council.logo, council.logo_content_type = logo.data, logo.content_type
        changed["logo"] = f"{logo.width}x{logo.height}"
    elif remove_logo and council.logo_content_type:
        council.logo, council.logo_content_type = None, None
        changed["logo"] = "removed"
    if changed:
        council.brand_version = (council.brand_version or 0) + 1
        session.flush()
        record(session, actor, "council.brand", f"council:{council.id}", **changed)
    return changed


def save_council_page(session, actor, council, *, name, email, phone, public_url, privacy_notice,
                      accessibility_statement, colour, logo_bytes=None, remove_logo=False):
    """Check and save what an administrator enters on the council's page: contact details and texts
    (update_council), brand colour and logo (update_brand). Raises CouncilRefused with every problem found
    (app.domain.council, app.domain.brand), changing nothing. logo_bytes: an uploaded logo, or None.
    """
    problems = [Problem(code, field) for field, code in council_problems(name, email, phone, public_url)]
    if found := colour_problem(colour):
        problems.append(Problem(found[0], "brand_colour", found[1]))
    logo = None
    if logo_bytes is not None:
        try:
            logo = clean_logo(logo_bytes)
        except LogoRefused as refused:
            problems.append(Problem(refused.code, "logo"))
    if problems:
        raise CouncilRefused(problems)
    update_council(session, actor, council, name=name, email=email, phone=phone, public_url=public_url,
                   privacy_notice=privacy_notice, accessibility_statement=accessibility_statement)
    update_brand(session, actor, council, colour=colour, logo=logo, remove_logo=remove_logo)
