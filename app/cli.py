"""Command-line entry points: `flask --app wsgi <command>`. Each package's command groups are registered here."""

from app.admin import commands as admin_commands
from app.jobs import commands as jobs_commands
from app.mail import commands as mail_commands
from app.notify import commands as notify_commands
from app.officer import commands as officer_commands
from app.results import commands as results_commands
from app.translate import commands as translate_commands

# Modules exposing COMMANDS = [click commands/groups]; add a module here as a feature lands.
COMMAND_MODULES = (admin_commands, jobs_commands, mail_commands, notify_commands, officer_commands,
                   results_commands, translate_commands)


def register_commands(app):
    """Register every module's CLI command groups on app."""
    for module in COMMAND_MODULES:
        for command in module.COMMANDS:
            app.cli.add_command(command)
