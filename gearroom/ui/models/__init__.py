"""Qt item models over service results (they hold views and ids, never a session)."""
