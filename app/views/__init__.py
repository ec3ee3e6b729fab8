"""Qt widgets, dialogs, item models and the job runner. Decisions live in services/."""
