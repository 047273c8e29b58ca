"""The API's schema generator: drf-spectacular's, taught one thing it cannot infer.

drf-spectacular lists every read-only field of a response as required. A field the serializer
leaves out for some readers (the supervising office's ``internal_notes``, not shown to a
department's liaison) is named in the serializer's ``schema_optional_fields`` and is declared
optional, so that the schema says what the API does.
"""

from drf_spectacular import openapi


class AutoSchema(openapi.AutoSchema):
    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        optional = set(getattr(serializer, "schema_optional_fields", ()))
        if optional and "required" in schema:
            schema["required"] = [name for name in schema["required"] if name not in optional]
            if not schema["required"]:
                del schema["required"]
        return schema
