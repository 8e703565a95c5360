"""The operations of Gearroom: plain Python over a SQLAlchemy session, no Qt.

Each service function takes a :class:`~sqlalchemy.orm.Session` opened for one user action
(``Database.read()`` or ``Database.write()``) and returns frozen dataclasses. Every state change
writes its history event in the same transaction. Errors a user can cause are
:class:`gearroom.errors.GearroomError` subclasses.
"""
