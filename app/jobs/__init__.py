"""Background work with one home: the job table (app/models/jobs.py), queued by services
(app/services/jobs.py), run by `flask --app wsgi jobs work` on any host (runner.py, commands.py)."""
