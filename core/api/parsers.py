"""The API's JSON parser: DRF's, with a body nested too deeply for the decoder answered like
any other malformed body (400), not a ``RecursionError`` (500 and a traceback in the log).

Python's JSON decoder recurses once per nesting level; a 4 KB body of about 2,000 opening
brackets exhausts the interpreter's recursion limit. No request the API accepts comes close
to that depth, so nothing valid is refused.
"""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type=media_type, parser_context=parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error: the body is nested too deeply.")) from None
