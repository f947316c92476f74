"""Command-line entry points: `flask --app wsgi <command>`. Each blueprint's commands are registered here."""


def init_app(app):
    """Register CLI command groups. Modules add theirs to COMMANDS."""
    for command in _commands():
        app.cli.add_command(command)


def _commands():
    import importlib

    found = []
    for module_name in COMMAND_MODULES:
        module = importlib.import_module(module_name)
        found.extend(module.COMMANDS)
    return found


# Modules exposing COMMANDS = [click commands/groups]; append as features land.
COMMAND_MODULES = [
    "app.admin.commands",
    "app.jobs.commands",
    "app.mail.commands",
    "app.notify.commands",
    "app.officer.commands",
    "app.results.commands",
    "app.translate.commands",
]
