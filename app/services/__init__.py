"""The domain: pure Python over SQLAlchemy sessions. No Qt, no printing, explicit as_of dates."""
