"""The unified social credit code (统一社会信用代码), GB 32100-2015, and the organisation code
inside it (组织机构代码), GB 11714-1997.

An 18-character code, position by position:

* 1: the registration authority (登记管理部门代码), from table 1 of GB 32100-2015;
* 2: the organisation category (机构类别代码), from the same table, within its authority;
* 3-8: the registering office's administrative division (GB/T 2260), six digits;
* 9-17: the organisation code of GB 11714: eight characters and its own check character;
* 18: the check character of the whole code (ISO 7064 MOD 31-3, as GB 32100 specifies it).

``validate_uscc`` refuses a code with a message naming the first rule it breaks, in that
order of positions, except that the check character of the whole code (18) is tested before
the organisation code's (17): a mistyped character in positions 9-16 breaks both, and "the
code was probably mistyped" is then the true explanation.

``make_uscc`` builds a valid code from its parts (demo data, benchmarks and test builders use
it), computing both check characters.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

USCC_LENGTH = 18
# The code's alphabet: digits and capitals without I, O, S, V and Z. A character's value is
# its index here.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# Weight of positions 1-17: 3^(i-1) mod 31.
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

# GB 32100-2015 §4.2 and table 1 (登记管理部门代码 and 机构类别代码) as amended
# (GB 32100-2015/XG1-2016, amendment No. 1): A 中央军委改革和编制办公室 and N 农业 (rural
# collective economic organisations, 农村集体经济组织) are the authorities added after the 2015
# text. Checked against several published reproductions of the amended table; codes that
# registration offices have assigned since without an amendment of the standard (reported by
# some sources, e.g. 54/55 for villagers' and residents' committees) are not accepted: see
# docs/rules.md. Registration authority code -> (its name, {category code: category name});
# Y 其他 has no finer categories and always category 1.
REGISTRATION_AUTHORITIES = {
    "1": (
        _("institutional establishment"),
        {
            "1": _("government organ"),
            "2": _("public institution"),
            "3": _(
                "mass organisation whose establishment the central establishment office manages"
            ),
            "9": pgettext_lazy("uscc category", "other"),
        },
    ),
    "2": (
        _("foreign affairs"),
        {
            "1": _("resident foreign news agency"),
            "9": pgettext_lazy("uscc category", "other"),
        },
    ),
    "3": (
        _("judicial administration"),
        {
            "1": _("law firm"),
            "2": _("notary office"),
            "3": _("grass-roots legal service office"),
            "4": _("judicial expertise institution"),
            "5": _("arbitration commission"),
            "9": pgettext_lazy("uscc category", "other"),
        },
    ),
    "4": (
        _("culture"),
        {
            "1": _("foreign cultural centre in China"),
            "9": pgettext_lazy("uscc category", "other"),
        },
    ),
    "5": (
        _("civil affairs"),
        {
            "1": _("social organisation"),
            "2": _("private non-enterprise unit"),
            "3": _("foundation"),
            "9": pgettext_lazy("uscc category", "other"),
        },
    ),
    "6": (
        _("tourism"),
        {
            "1": _("resident representative office of a foreign tourism authority"),
            "2": _(
                "resident mainland representative office of a Hong Kong, Macao or Taiwan "
                "tourism authority"
            ),
            "9": pgettext_lazy("uscc category", "other"),
        },
    ),
    "7": (
        _("religious affairs"),
        {
            "1": _("place of religious activity"),
            "2": _("religious school"),
            "9": pgettext_lazy("uscc category", "other"),
        },
    ),
    "8": (
        _("trade unions"),
        {
            "1": _("grass-roots trade union"),
            "9": pgettext_lazy("uscc category", "other"),
        },
    ),
    "9": (
        _("industry and commerce"),
        {
            "1": _("enterprise"),
            "2": _("individual business"),
            "3": _("farmers' specialised cooperative"),
        },
    ),
    "A": (
        _("Reform and Establishment Office of the Central Military Commission"),
        {
            "1": _("military public institution"),
            "9": pgettext_lazy("uscc category", "other"),
        },
    ),
    "N": (
        _("agriculture"),
        {
            "1": _("group-level collective economic organisation"),
            "2": _("village-level collective economic organisation"),
            "3": _("township-level collective economic organisation"),
            "9": pgettext_lazy("uscc category", "other"),
        },
    ),
    "Y": (
        pgettext_lazy("uscc authority", "other"),
        {"1": pgettext_lazy("uscc category", "other")},
    ),
}

# GB 11714-1997: weights of the organisation code's first eight characters; a letter's value
# is 10 for A up to 35 for Z (its place in the Latin alphabet plus 9).
ORGANISATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_character(first17: str) -> str:
    """The check character that completes the first 17 characters of a code (GB 32100)."""
    total = sum(
        USCC_ALPHABET.index(char) * weight
        for char, weight in zip(first17, USCC_WEIGHTS, strict=True)
    )
    return USCC_ALPHABET[(31 - total % 31) % 31]


def _organisation_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def organisation_check_character(first8: str) -> str:
    """The GB 11714 check character of an organisation code's first eight characters:
    C9 = 11 − (Σ Ci·Wi mod 11), written X when it is 10 and 0 when it is 11."""
    total = sum(
        _organisation_value(char) * weight
        for char, weight in zip(first8, ORGANISATION_CODE_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def normalize_uscc(value: str) -> str:
    """Codes are often typed in lower case or copied with spaces; neither changes the code."""
    return "".join(str(value).split()).upper()


def make_uscc(*, prefix: str, region_code: str, identifier: str) -> str:
    """A valid code from its registration authority and category (``prefix``, e.g. "11"),
    the region code and the organisation code's first eight characters, with both check
    characters computed."""
    organisation_code = identifier + organisation_check_character(identifier)
    first17 = f"{prefix}{region_code}{organisation_code}"
    return first17 + uscc_check_character(first17)


def identifier_from_number(number: int) -> str:
    """Eight characters of the code's alphabet counting ``number`` (0 → 00000000): distinct
    numbers give distinct organisation codes, for generated data."""
    digits = ""
    for _position in range(8):
        number, index = divmod(number, len(USCC_ALPHABET))
        digits = USCC_ALPHABET[index] + digits
    return digits


def _allowed(table: dict) -> str:
    return "; ".join(f"{code} {name}" for code, name in table.items())


def validate_uscc(value: str) -> None:
    """Raise a ValidationError naming the rule a code breaks (see the module docstring)."""
    if len(value) != USCC_LENGTH:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(length)d."),
            code="uscc_length",
            params={"length": len(value)},
        )
    for position, char in enumerate(value, start=1):
        if char not in USCC_ALPHABET:
            raise ValidationError(
                _(
                    "Character %(position)d (“%(char)s”) is not allowed in a unified social "
                    "credit code: only digits and capital letters other than I, O, S, V and Z."
                ),
                code="uscc_alphabet",
                params={"position": position, "char": char},
            )
    authority = REGISTRATION_AUTHORITIES.get(value[0])
    if authority is None:
        raise ValidationError(
            _(
                "The 1st character “%(char)s” is not a registration authority code of "
                "GB 32100-2015. The codes are: %(allowed)s."
            ),
            code="uscc_authority",
            params={
                "char": value[0],
                "allowed": _allowed(
                    {code: name for code, (name, _categories) in REGISTRATION_AUTHORITIES.items()}
                ),
            },
        )
    authority_name, categories = authority
    if value[1] not in categories:
        raise ValidationError(
            _(
                "The 2nd character “%(char)s” is not an organisation category of registration "
                "authority %(authority)s (%(authority_name)s) in GB 32100-2015. Its categories "
                "are: %(allowed)s."
            ),
            code="uscc_category",
            params={
                "char": value[1],
                "authority": value[0],
                "authority_name": authority_name,
                "allowed": _allowed(categories),
            },
        )
    for position in range(3, 9):
        char = value[position - 1]
        if not char.isdigit():
            raise ValidationError(
                _(
                    "Characters 3 to 8 are the administrative division code of the "
                    "registering office (GB/T 2260) and are digits; character %(position)d "
                    "is “%(char)s”."
                ),
                code="uscc_region",
                params={"position": position, "char": char},
            )
    expected = uscc_check_character(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _(
                "The check character (the 18th) should be “%(expected)s”, not “%(actual)s”: "
                "the code was probably mistyped."
            ),
            code="uscc_check",
            params={"expected": expected, "actual": value[17]},
        )
    expected = organisation_check_character(value[8:16])
    if value[16] != expected:
        raise ValidationError(
            _(
                "Characters 9 to 17 are the organisation code (GB 11714), whose check "
                "character (the 17th of the credit code) should be “%(expected)s”, not "
                "“%(actual)s”."
            ),
            code="uscc_organisation_check",
            params={"expected": expected, "actual": value[16]},
        )
