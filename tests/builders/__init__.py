"""The one way to build test data, for every app's tests.

One module per app: ``core`` (departments, users with a role, valid credit codes),
``records``, ``procurement``, ``debt``, ``evaluations``; beside them ``clock`` (moments on the
Shanghai clock), ``tasks`` (Celery run in-process or against a given broker) and ``files``
(uploads that parse: PDFs, images, office packages).

The naming:

- ``make_<thing>(...)`` builds a thing the way users make it: through the app's services
  (as the system, ``actor=None``, unless an actor is passed), so the data is valid and carries
  whatever the services add (events, assessments, notifications). Use these by default.
- ``<Model>Factory`` (factory-boy) is kept only where a plain row is wanted
  (``DepartmentFactory``, ``UserFactory``, ``OfficialFactory``) or as the first step of a
  ``make_`` function (``RecordFactory`` goes through ``services.record_create``).

Import from the module of the app: ``from ..builders.records import make_record``.
"""
