"""The API's schema generator: drf-spectacular's, taught two things it cannot infer.

drf-spectacular lists every read-only field of a response as required. A field the serializer
leaves out for some readers (the supervising office's ``internal_notes``, not shown to a
department's liaison) is named in the serializer's ``schema_optional_fields`` and is declared
optional, so that the schema says what the API does.

A viewset's ``list`` is taken to answer an array. One that answers a single page object of its
own (the exchange feed, the transparency log's entries: results and a cursor) says so with
``schema_single_object = True``.
"""

from drf_spectacular import openapi


class AutoSchema(openapi.AutoSchema):
    def _is_list_view(self, serializer=None) -> bool:
        if getattr(self.view, "schema_single_object", False):
            return False
        return super()._is_list_view(serializer)

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        optional = set(getattr(serializer, "schema_optional_fields", ()))
        if optional and "required" in schema:
            schema["required"] = [name for name in schema["required"] if name not in optional]
            if not schema["required"]:
                del schema["required"]
        return schema
