"""Notices residents opt in to (voting opens, a reminder, results, project news), queued by
`flask --app wsgi notify due` from cron; the rules are in app/domain/notifications.py."""
