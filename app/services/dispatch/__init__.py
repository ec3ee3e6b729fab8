"""Outbox and channels: approved campaign actions leave as email, SMS, letters and call tasks."""
