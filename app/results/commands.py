"""CLI commands of this area; app/cli.py registers COMMANDS."""

COMMANDS = []
